// Time and statistics for bench:chat.
// process.hrtime reads CLOCK_MONOTONIC, which on Linux is one clock for the whole system,
// so a value taken in one process can be compared with one taken in another; main()
// checks that once per run (clock-check) instead of assuming it.

/** CLOCK_MONOTONIC in microseconds (a double: sub-µs precision is not needed here). */
export function nowUs(): number {
  return Number(process.hrtime.bigint()) / 1e3;
}

export interface Percentiles { p50: number; p99: number; n: number }

/** Nearest-rank percentiles of samples (sorted in place). */
export function percentiles(samples: number[]): Percentiles {
  samples.sort((a, b) => a - b);
  const rank = (p: number) => samples[Math.max(0, Math.ceil(p * samples.length) - 1)] ?? Number.NaN;
  return { p50: rank(0.5), p99: rank(0.99), n: samples.length };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A text of exactly `bytes` UTF-8 bytes (ASCII, so also that many UTF-16 units). */
export function payload(bytes: number, prefix = ''): string {
  const body = 'shmscope-bench-'.repeat(Math.ceil(bytes / 15) + 1);
  return (prefix + body).slice(0, bytes);
}
