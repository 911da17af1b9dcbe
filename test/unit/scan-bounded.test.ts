// Issue 8 item 3b: a /proc/PID/maps read that blocks must not freeze the scanning thread. The
// process is named as unreadable (reason 'timeout'), the rest of /proc is still scanned, and the
// process whose read hangs is read again once it answers.
//
// A real stuck maps read needs a process holding its memory lock forever. On this kernel (6.18:
// maps are read under per-VMA locks, and a userfaultfd fault drops the lock before it sleeps) a
// thread stuck in an unserved userfaultfd fault does not block a maps reader, and FUSE is not
// available, so the test stands a FIFO in for that one process's maps file (the scanner's
// `mapsPaths` test seam): opening it blocks in the kernel just the same, until a writer comes.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scanSegments, type PosixRow } from '../../main/scan/index';
import { SegmentJanitor } from '../helpers/cleanup';
import { type Child, pyChild, stopAll } from '../helpers/python-children';
import { bundleScanScript } from '../helpers/scan-bundle';
import { uniquePosixName } from '../helpers/unique';

const root = fileURLToPath(new URL('../..', import.meta.url));
const janitor = new SegmentJanitor();
const children: Child[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await stopAll(children.splice(0));
  janitor.cleanup();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A directory holding a FIFO nobody writes to: opening it for reading blocks. Under out/ so bundles there find the addon. */
function fifoDir(): { dir: string; fifo: string } {
  const dir = mkdtempSync(join(root, 'out', 'scan-bounded-'));
  dirs.push(dir);
  const fifo = join(dir, 'maps');
  execFileSync('mkfifo', [fifo]);
  return { dir, fifo };
}

/** Two python3 processes mapping one fresh /dev/shm object. */
async function twoAttachers(): Promise<{ name: string; stuck: Child; other: Child }> {
  const name = janitor.posix(uniquePosixName('bounded')).slice(1);
  writeFileSync(`/dev/shm/${name}`, Buffer.alloc(4096), { mode: 0o600 });
  const stuck = await pyChild('posix', `/dev/shm/${name}`, 'rw', '1');
  children.push(stuck);
  const other = await pyChild('posix', `/dev/shm/${name}`, 'ro', '1');
  children.push(other);
  return { name, stuck, other };
}

const rowOf = (name: string, segments = scanSegments().segments): PosixRow | undefined =>
  segments.find((r): r is PosixRow => r.kind === 'posix' && r.name === name);

describe('a process whose /proc/PID/maps read hangs', () => {
  it('is named as a timeout, never guessed, skipped while it hangs, and read again once it answers', async () => {
    const { name, stuck, other } = await twoAttachers();
    const { fifo } = fifoDir();

    const scan = scanSegments({ mapsPaths: new Map([[stuck.pid, fifo]]) }); // returns: the hang is on the worker
    expect(scan.unreadable).toContainEqual({ pid: stuck.pid, command: 'python3', reason: 'timeout' });
    expect(scan.unreadable.length).toBe(scan.unreadableProcesses);
    const row = rowOf(name, scan.segments)!;
    expect(row.attachers.map((a) => a.pid)).toEqual([other.pid]); // the others are still scanned
    expect(row.unreadableProcesses).toBe(scan.unreadableProcesses); // and the row says someone may be missing

    // While its read still hangs, the next scans skip that pid (no second thread stuck on it).
    const again = scanSegments();
    expect(again.unreadable).toContainEqual({ pid: stuck.pid, command: 'python3', reason: 'timeout' });
    expect(rowOf(name, again.segments)!.attachers.map((a) => a.pid)).toEqual([other.pid]);

    // The read answers (a writer opens the FIFO and closes it: end of file); then the pid is read again.
    writeFileSync(fifo, '');
    await vi.waitFor(() => {
      const now = scanSegments();
      expect(now.unreadable.some((p) => p.pid === stuck.pid)).toBe(false);
      expect(rowOf(name, now.segments)!.attachers.map((a) => a.pid).sort()).toEqual([stuck.pid, other.pid].sort());
    }, { timeout: 20_000 });
  });

  it('does not keep a process from exiting with its status (a thread blocked in the kernel cannot be joined)', async () => {
    const { name, stuck } = await twoAttachers();
    const { dir, fifo } = fifoDir();
    const script = await bundleScanScript(dir, [
      "import { scanSegments } from './main/scan/index';",
      'const scan = scanSegments({ mapsPaths: new Map([[Number(process.argv[2]), process.argv[3]!]]) });',
      'process.stdout.write(JSON.stringify(scan));',
      'process.exitCode = 3;',
    ].join('\n'));
    // The FIFO never gets a writer: the scanner's worker stays blocked in open() until the process ends.
    const run = spawnSync(process.execPath, [script, String(stuck.pid), fifo], { encoding: 'utf8', timeout: 60_000 });
    expect(run.signal, 'the process hung at exit').toBeNull();
    expect(run.status, run.stderr).toBe(3);
    const scan = JSON.parse(run.stdout) as ReturnType<typeof scanSegments>;
    expect(scan.unreadable).toContainEqual({ pid: stuck.pid, command: 'python3', reason: 'timeout' });
    expect(rowOf(name, scan.segments)!.attachers.map((a) => a.pid)).not.toContain(stuck.pid);
  });
});
