// "Another process writes": a python3 child that maps a POSIX segment (/dev/shm/NAME) read-write
// and, for each "OFFSET VALUE" line on stdin, stores one byte through its mapping and answers
// with the wall-clock time of the store in ms (sub-ms). Latency = when the byte was seen
// (event, or cell on screen) minus that time; both clocks are this machine's wall clock.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const PY = String.raw`
import mmap, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
m = mmap.mmap(fd, 0)
print('ready', flush=True)
for line in sys.stdin:
    off, val = line.split()
    m[int(off)] = int(val)
    print('%.3f' % (time.time() * 1000), flush=True)
`;

export interface TimedWriter {
  /** Stores `value` at `offset`; resolves with the epoch time (ms) of the store. */
  write(offset: number, value: number): Promise<number>;
  stop(): Promise<void>;
}

/** `path`: the object's file, /dev/shm/NAME (the name without its leading slash). */
export async function spawnTimedWriter(path: string): Promise<TimedWriter> {
  const child = spawn('python3', ['-c', PY, path], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`timed writer for ${path} exited (${child.exitCode ?? child.signalCode})`);
    return value;
  };
  const ready = await next();
  if (ready !== 'ready') throw new Error(`timed writer for ${path}: ${ready}`);
  return {
    async write(offset, value) {
      child.stdin.write(`${offset} ${value}\n`);
      return Number(await next());
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      await exited;
    },
  };
}

/** Wall-clock now in ms with sub-ms precision (Node and browsers alike). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}
