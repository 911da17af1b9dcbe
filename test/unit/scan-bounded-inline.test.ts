// The CLI's one-shot walk (main/scan/walk-mode.ts): /proc/PID/maps read on the calling thread
// through the addon's bounded reader instead of a worker thread. The bound is the worker's: a
// read that hangs is named as a timeout after PROCESS_TIMEOUT_MS, the rest is still scanned, the
// process still exits with its status, and past MAX_PARKED hung reads the scan fails at once.
// As in scan-bounded.test.ts, a FIFO nobody writes stands in for a maps file whose read hangs.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../common/scan-types';
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

/** A directory (under out/, so bundles there find the addon) with `count` FIFOs nobody writes to. */
function fifos(count: number): { dir: string; paths: string[] } {
  const dir = mkdtempSync(join(root, 'out', 'scan-inline-'));
  dirs.push(dir);
  const paths = Array.from({ length: count }, (_, i) => join(dir, `maps-${i}`));
  for (const path of paths) execFileSync('mkfifo', [path]);
  return { dir, paths };
}

/** Runs a one-shot inline scan in its own node process, with these pids' maps read from these files. */
async function inlineScan(dir: string, overrides: [number, string][]): Promise<ReturnType<typeof spawnSync>> {
  const script = await bundleScanScript(dir, [
    "import { walkMode } from './main/scan/walk-mode';",
    "import { scanSegments } from './main/scan/index';",
    'walkMode.inline = true;',
    'const overrides = JSON.parse(process.argv[2]!) as [number, string][];',
    'try {',
    '  process.stdout.write(JSON.stringify(scanSegments({ mapsPaths: new Map(overrides) })));',
    '  process.exitCode = 3;',
    '} catch (error) {',
    '  process.stdout.write(JSON.stringify({ code: (error as { code?: string }).code, message: (error as Error).message }));',
    '  process.exitCode = 4;',
    '}',
  ].join('\n'));
  return spawnSync(process.execPath, [script, JSON.stringify(overrides)], { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 28 });
}

describe('the one-shot walk on the calling thread', () => {
  it('names a hung read as a timeout, scans the rest, and exits with its status', async () => {
    const name = janitor.posix(uniquePosixName('inline')).slice(1);
    writeFileSync(`/dev/shm/${name}`, Buffer.alloc(4096), { mode: 0o600 });
    const stuck = await pyChild('posix', `/dev/shm/${name}`, 'rw', '1');
    children.push(stuck);
    const other = await pyChild('posix', `/dev/shm/${name}`, 'ro', '1');
    children.push(other);
    const { dir, paths } = fifos(1);
    const run = await inlineScan(dir, [[stuck.pid, paths[0]!]]);
    expect(run.signal, 'the process hung at exit').toBeNull();
    expect(run.status, String(run.stderr)).toBe(3);
    const scan = JSON.parse(String(run.stdout)) as ScanResult;
    expect(scan.unreadable).toContainEqual({ pid: stuck.pid, command: 'python3', reason: 'timeout' });
    const row = scan.segments.find((r) => r.kind === 'posix' && r.name === name)!;
    expect(row.attachers.map((a) => a.pid)).toEqual([other.pid]);
  });

  it('fails at once (ETIMEDOUT) past MAX_PARKED hung reads, and still exits', async () => {
    const pids = readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => pid !== process.pid).slice(0, 9);
    const { dir, paths } = fifos(pids.length);
    const run = await inlineScan(dir, pids.map((pid, i) => [pid, paths[i]!]));
    expect(run.signal, 'the process hung at exit').toBeNull();
    expect(run.status, String(run.stderr)).toBe(4);
    expect(JSON.parse(String(run.stdout))).toMatchObject({ code: 'ETIMEDOUT' });
  });
});
