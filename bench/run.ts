// How every benchmark runs: its main body, then its cleanup — on success, on error, and on
// Ctrl-C / SIGTERM — so a benchmark never leaves segments, rooms or children behind.

export interface BenchRun {
  /** Shown before an error message: "bench:scan". */
  name: string;
  main(): Promise<void>;
  /** Synchronous part of the cleanup: safe to run from a signal handler. */
  cleanupNow(): void;
  /** Cleanup that may wait (children exiting), run after main finishes or fails. */
  cleanup?(): Promise<void>;
}

export async function runBench(bench: BenchRun): Promise<void> {
  const onSignal = (signal: NodeJS.Signals) => {
    bench.cleanupNow();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await bench.main();
  } catch (err) {
    console.error(`${bench.name}: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  } finally {
    await bench.cleanup?.();
    bench.cleanupNow();
  }
}
