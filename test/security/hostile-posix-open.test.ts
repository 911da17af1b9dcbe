// A local user can put anything under a name in /dev/shm (a sticky, world-writable
// directory): a FIFO, which a plain open() of would block on forever, or a symlink to a
// file only root may read, or to another object. shmscope (often root) must refuse them
// promptly, naming the object, and never follow the link. Run in child processes with
// a timeout, so a regression shows as a failure instead of a hung test run.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SegmentJanitor } from '../helpers/cleanup';
import { NOBODY } from '../helpers/cli';
import { uniquePosixName } from '../helpers/unique';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'shmscope.js');
const janitor = new SegmentJanitor();
const secretDir = mkdtempSync(join(tmpdir(), 'shmscope-secret-'));
const secret = join(secretDir, 'root-only');
// Inside the checkout, so the bundled service finds native/build the way the real one does.
const bundleDir = mkdtempSync(join(root, 'out', '.test-hostile-'));
const serviceScript = join(bundleDir, 'service.mjs');

beforeAll(async () => {
  writeFileSync(secret, 'ROOT ONLY SECRET\n', { mode: 0o600 });
  chmodSync(secret, 0o600);
  // A child that runs the real service and prints the replies of the calls it is given.
  await build({
    stdin: {
      contents: `import { createService } from './main/service';
        const calls = JSON.parse(process.argv[2]);
        const service = createService({ transport: 'web', intervalMs: 20 });
        const events = [];
        const client = service.connect((event, payload) => events.push({ event, payload }));
        const replies = [];
        for (const [method, ...args] of calls) {
          if (method === 'untilWatchEnds') {  // the next ticks notice the swap; bounded, not timed
            for (let i = 0; i < 500 && !events.some((e) => e.event === 'bytesChanged' && e.payload.error); i++) await new Promise((r) => setTimeout(r, 20));
            continue;
          }
          if (method === 'shell') { (await import('node:child_process')).execFileSync(args[0], args.slice(1)); continue; }
          replies.push(await client.call(method, args));
        }
        await client.dispose();
        await service.close();
        process.stdout.write(JSON.stringify({ replies, errors: events.filter((e) => e.event === 'bytesChanged' && e.payload.error).map((e) => e.payload.error) }));
        process.exit(0);`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true, platform: 'node', format: 'esm', outfile: serviceScript, logLevel: 'silent',
  });
});
afterEach(() => janitor.cleanup());
afterAll(() => {
  rmSync(secretDir, { recursive: true, force: true });
  rmSync(bundleDir, { recursive: true, force: true });
});

const asNobody = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'];

/** Runs a command as nobody, who may create names in /dev/shm like any user. */
function nobody(command: string, ...args: string[]): void {
  const result = spawnSync(asNobody[0]!, [...asNobody.slice(1), command, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} as nobody: ${result.stderr}`);
}

/** A name in /dev/shm (without the slash) that afterEach removes. */
function shmName(tag: string): string {
  return janitor.posix(uniquePosixName(tag)).slice(1);
}

/** The CLI in a child; a timeout (SIGKILL) means it blocked. */
function cli(...args: string[]): { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

function service(calls: unknown[][]): { replies: Array<{ ok: boolean; error?: { code: string; message: string } }>; errors: Array<{ code: string; message: string }> } {
  const result = spawnSync(process.execPath, [serviceScript, JSON.stringify(calls)], { encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' });
  expect({ signal: result.signal, status: result.status, stderr: result.stderr }).toEqual({ signal: null, status: 0, stderr: '' });
  return JSON.parse(result.stdout) as ReturnType<typeof service>;
}

describe('a FIFO in /dev/shm (made by another user)', () => {
  it('`shmscope dump posix:NAME` exits at once with ENOTREG naming it', () => {
    const name = shmName('fifo');
    nobody('mkfifo', `/dev/shm/${name}`);
    const result = cli('dump', `posix:${name}`);
    expect(result.signal).toBeNull();
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`posix:${name}: not a regular file (a FIFO) — refusing to open it (ENOTREG)`);
  });

  it('`shmscope write` refuses it the same way', () => {
    const name = shmName('fifow');
    nobody('mkfifo', `/dev/shm/${name}`);
    const result = cli('write', `posix:${name}`, '--offset', '0', '--text', 'x');
    expect(result.signal).toBeNull();
    expect(result.stderr).toContain(`posix:${name}: not a regular file (a FIFO)`);
  });

  it('the service: readRange and watchRange fail promptly with ENOTREG', () => {
    const name = shmName('fifosvc');
    nobody('mkfifo', `/dev/shm/${name}`);
    const { replies } = service([['readRange', `posix:${name}`, 0, 16], ['watchRange', `posix:${name}`, 0, 16]]);
    for (const reply of replies) expect(reply).toMatchObject({ ok: false, error: { code: 'ENOTREG', message: expect.stringContaining(`posix:${name}: not a regular file (a FIFO)`) } });
  });

  it('the service: a watched object swapped for a FIFO ends the watch; watching again is refused', () => {
    const name = shmName('swap');
    const path = `/dev/shm/${name}`;
    nobody('truncate', '-s', '4096', path);  // nobody's own object, so nobody may replace it
    const { replies, errors } = service([
      ['watchRange', `posix:${name}`, 0, 16],
      ['shell', asNobody[0], ...asNobody.slice(1), 'sh', '-c', `rm -f '${path}' && mkfifo '${path}'`],
      ['untilWatchEnds'],
      ['watchRange', `posix:${name}`, 0, 16],
    ]);
    expect(replies[0]).toMatchObject({ ok: true });
    expect(errors).toEqual([{ code: 'ENOENT', message: `posix:${name}: removed (unlinked) by another process` }]);
    expect(replies[1]).toMatchObject({ ok: false, error: { code: 'ENOTREG' } });
  });
});

describe('a symlink in /dev/shm (made by another user)', () => {
  it('to a root-only file: `shmscope dump` refuses with ELOOP and prints nothing of the file', () => {
    const name = shmName('link-secret');
    nobody('ln', '-s', secret, `/dev/shm/${name}`);
    const result = cli('dump', `posix:${name}`);
    expect(result.signal).toBeNull();
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`posix:${name}: is a symbolic link — refusing to follow it (ELOOP)`);
  });

  it('to another shm object: `shmscope dump` and the service refuse with ELOOP', () => {
    const target = shmName('link-target');
    writeFileSync(`/dev/shm/${target}`, 'target bytes');
    const name = shmName('link-shm');
    nobody('ln', '-s', target, `/dev/shm/${name}`);
    const result = cli('dump', `posix:${name}`);
    expect(result.signal).toBeNull();
    expect(result.stderr).toContain(`posix:${name}: is a symbolic link — refusing to follow it (ELOOP)`);
    const { replies } = service([['readRange', `posix:${name}`, 0, 16]]);
    expect(replies[0]).toMatchObject({ ok: false, error: { code: 'ELOOP' } });
  });
});
