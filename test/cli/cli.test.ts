// The shmscope command, run as a separate process against real segments.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from '../../main/cli/commands';
import { spawnAttacher } from '../helpers/children';
import { SegmentJanitor } from '../helpers/cleanup';
import { shmscope, shmscopeAsNobody } from '../helpers/cli';
import { pyChild } from '../helpers/python-children';
import { uniquePosixName, uniqueSysvKey } from '../helpers/unique';

interface LsEntry {
  kind: 'sysv' | 'posix';
  ref: string;
  key: string | null;
  id: number | null;
  name: string | null;
  size: number;
  perms: string;
  uid: number;
  owner: string;
  nattch: number;
  cpid: number | null;
  lpid: number | null;
  attachers: { pid: number; command: string; uid: number; access: 'ro' | 'rw' }[];
  unreadableProcesses: number;
}

const janitor = new SegmentJanitor();
afterEach(() => janitor.cleanup());

function ok(args: string[]): string {
  const result = shmscope(args);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

function lsJson(): LsEntry[] {
  return (JSON.parse(ok(['ls', '--json'])) as { segments: LsEntry[] }).segments;
}

/** hexdump -C [-s OFFSET -n LENGTH] of a file holding exactly these bytes. */
function realHexdump(bytes: Buffer, offset = 0, length = bytes.length): string {
  const dir = mkdtempSync(join(tmpdir(), 'shmscope-cli-'));
  try {
    writeFileSync(join(dir, 'bytes'), bytes);
    return spawnSync('hexdump', ['-C', '-s', String(offset), '-n', String(length), join(dir, 'bytes')], { encoding: 'latin1' }).stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function ipcmk(size: number, mode: string): number {
  const out = spawnSync('ipcmk', ['-M', String(size), '-p', mode], { encoding: 'utf8' }).stdout;
  return janitor.sysv(Number(/id: (\d+)/.exec(out)![1]));
}

describe('shmscope ls', () => {
  it('lists an ipcmk segment and a Python multiprocessing one with attach counts and attacher pids', async () => {
    const shmid = ipcmk(4096, '0640');
    const posixName = uniquePosixName('py').slice(1);
    janitor.posix(posixName);
    const python = await pyChild('mpshm', posixName, '8192');
    const sysvReader = await spawnAttacher('sysv', shmid, 'ro');
    const sysvWriter = await spawnAttacher('sysv', shmid, 'rw');
    try {
      const segments = lsJson();
      const sysv = segments.find((s) => s.ref === `sysv:${shmid}`)!;
      expect(sysv).toMatchObject({ kind: 'sysv', id: shmid, size: 4096, perms: '0640', owner: 'root', nattch: 2, cpid: expect.any(Number) });
      expect(sysv.key).toMatch(/^0x[0-9a-f]{8}$/);
      expect(sysv.attachers.map((a) => [a.pid, a.access]).sort()).toEqual([[sysvReader.pid, 'ro'], [sysvWriter.pid, 'rw']].sort());

      const posix = segments.find((s) => s.ref === `posix:${posixName}`)!;
      expect(posix).toMatchObject({ kind: 'posix', name: posixName, size: 8192, nattch: 1, key: null, id: null });
      expect(posix.attachers).toEqual([expect.objectContaining({ pid: python.pid, command: 'python3', access: 'rw' })]);

      const table = ok(['ls']);
      expect(table.split('\n')[0]).toMatch(/^KIND\s+KEY\s+ID\s+NAME\s+SIZE\s+PERMS\s+OWNER\s+NATTCH/);
      expect(table).toMatch(new RegExp(`sysv\\s+${sysv.key}\\s+${shmid}\\s`));
      expect(table).toContain(`python3[${python.pid}]`);
    } finally {
      await Promise.all([python.stop(), sysvReader.stop(), sysvWriter.stop()]);
    }
  });
});

describe('shmscope create / show / write / dump / rm', () => {
  it('creates a System V segment by key, shows it, writes text and hex, dumps it like hexdump -C, removes it', () => {
    const key = uniqueSysvKey();
    const ref = janitor.ref(ok(['create', 'sysv', '--key', `0x${key.toString(16)}`, '--size', '4K', '--mode', '0644']));
    expect(ref).toMatch(/^sysv:\d+$/);

    const shown = JSON.parse(ok(['show', `key:${key}`, '--json'])) as LsEntry & { ctime: number };
    expect(shown).toMatchObject({ ref, size: 4096, perms: '0644', cpid: expect.any(Number), nattch: 0 });
    expect(shown.key).toBe(`0x${key.toString(16).padStart(8, '0')}`);
    expect(ok(['show', ref])).toContain(`size:`);

    expect(ok(['write', ref, '--offset', '16', '--text', 'hello shm'])).toContain('wrote 9 bytes');
    ok(['write', ref, '--offset', '0x100', '--hex', 'de ad be ef']);
    const expected = Buffer.alloc(4096);
    expected.write('hello shm', 16);
    Buffer.from('deadbeef', 'hex').copy(expected, 0x100);
    expect(ok(['dump', ref])).toBe(realHexdump(expected));
    expect(ok(['dump', ref, '--offset', '10', '--length', '300'])).toBe(realHexdump(expected, 10, 300));

    expect(ok(['rm', ref])).toBe(`removed ${ref}\n`);
    const gone = shmscope(['show', ref]);
    expect(gone.status).toBe(1);
    expect(gone.stderr).toMatch(new RegExp(`${ref}: no such segment \\(ENOENT\\)`));
  });

  it('dumps random POSIX contents exactly like hexdump -C of /dev/shm/NAME', () => {
    const name = janitor.posix(uniquePosixName('dump').slice(1));
    expect(ok(['create', 'posix', name, '--size', '5000'])).toBe(`posix:${name}\n`);
    const bytes = Buffer.concat([randomBytes(1000), Buffer.alloc(3000), randomBytes(1000)]);
    ok(['write', `posix:/${name}`, '--offset', '0', '--hex', bytes.toString('hex')]);
    expect(readFileSync(`/dev/shm/${name}`)).toEqual(bytes);
    const real = spawnSync('hexdump', ['-C', `/dev/shm/${name}`], { encoding: 'latin1' }).stdout;
    expect(ok(['dump', `posix:${name}`])).toBe(real);
  });

  it('creates by ftok and as IPC_PRIVATE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shmscope-ftok-'));
    try {
      const ref = janitor.ref(ok(['create', 'sysv', '--ftok', dir, '--proj', 'Q', '--size', '100']));
      const again = ok(['create', 'sysv', '--ftok', dir, '--proj', String('Q'.charCodeAt(0)), '--size', '100']);
      expect(again.trim()).toBe(ref);
      const privateRef = janitor.ref(ok(['create', 'sysv', '--private', '--size', '64']));
      expect(privateRef).not.toBe(ref);
      expect((JSON.parse(ok(['show', privateRef, '--json'])) as LsEntry).key).toBe('0x00000000');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('shmscope errors: one line on stderr naming the segment, the reason and the code', () => {
  const failures: [string, string[], number, RegExp][] = [
    ['bad reference', ['dump', 'shm:1'], 1, /^shmscope dump: shm:1: .*sysv:ID.*\(EINVAL\)$/],
    ['non-numeric id', ['show', 'sysv:abc'], 1, /sysv:abc: .*\(EINVAL\)$/],
    ['missing POSIX segment', ['dump', 'posix:shmscope-test-does-not-exist'], 1, /posix:\/?shmscope-test-does-not-exist: .*\(ENOENT\)$/],
    ['missing key', ['dump', 'key:0x5bffffff'], 1, /key:0x5bffffff: .*\(ENOENT\)$/],
    ['POSIX name with a slash', ['rm', 'posix:a/b'], 1, /posix:a\/b: .*\(EINVAL\)$/],
    ['missing reference', ['dump'], 2, /^shmscope dump: missing segment reference/],
    ['unknown option', ['ls', '--frobnicate'], 2, /^shmscope ls: Unknown option '--frobnicate'/],
    ['unknown command', ['frobnicate'], 2, /^shmscope: unknown command "frobnicate"/],
    ['bad size', ['create', 'posix', 'x', '--size', 'lots'], 2, /--size: expected a byte count/],
    ['bad mode', ['create', 'posix', 'x', '--size', '1', '--mode', '999'], 2, /--mode: expected octal/],
    ['two identities', ['create', 'sysv', '--private', '--key', '1', '--size', '1'], 2, /exactly one of --key/],
    ['bad hex', ['write', 'sysv:1', '--offset', '0', '--hex', 'xyz'], 2, /--hex: expected pairs of hex digits/],
    ['missing ftok path', ['create', 'sysv', '--ftok', '/nonexistent/shmscope', '--proj', 'A', '--size', '1'], 1, /\/nonexistent\/shmscope: ftok failed: .*\(ENOENT\)$/],
  ];
  for (const [what, args, status, pattern] of failures) {
    it(what, () => {
      const result = shmscope(args);
      expect(result.status).toBe(status);
      expect(result.stdout).toBe('');
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr.trimEnd()).toMatch(pattern);
    });
  }

  it('refuses to create an existing segment with --excl (EEXIST) and leaves it as it was', () => {
    const name = janitor.posix(uniquePosixName('excl').slice(1));
    ok(['create', 'posix', name, '--size', '32']);
    ok(['write', `posix:${name}`, '--offset', '0', '--text', 'keep me']);
    const result = shmscope(['create', 'posix', name, '--size', '64', '--excl']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`${name}: .*\\(EEXIST\\)`));
    expect(readFileSync(`/dev/shm/${name}`).subarray(0, 7).toString()).toBe('keep me');
  });

  it('refuses writes outside the segment', () => {
    const ref = janitor.ref(ok(['create', 'sysv', '--private', '--size', '4096']));
    // dump reads like hexdump -C -s: past the end it prints the end offset (test/cli/errors-actionable.test.ts).
    expect(shmscope(['dump', ref, '--offset', '5000']).stdout).toBe('00001000\n');
    const longWrite = shmscope(['write', ref, '--offset', '4090', '--text', '0123456789']);
    expect(longWrite.status).toBe(1);
    expect(longWrite.stderr).toMatch(new RegExp(`${ref}: .*outside the segment`));
  });

  it('reports EACCES, naming the segment, to a user the mode shuts out', () => {
    const ref = janitor.ref(ok(['create', 'sysv', '--private', '--size', '4096', '--mode', '0600']));
    const denied = shmscopeAsNobody(['dump', ref]);
    expect(denied.status).toBe(1);
    expect(denied.stderr.trimEnd()).toMatch(new RegExp(`${ref}: .* failed: Permission denied \\(EACCES\\)$`));
    const name = janitor.posix(uniquePosixName('acces').slice(1));
    ok(['create', 'posix', name, '--size', '16', '--mode', '0600']);
    const deniedPosix = shmscopeAsNobody(['write', `posix:${name}`, '--offset', '0', '--text', 'x']);
    expect(deniedPosix.status).toBe(1);
    expect(deniedPosix.stderr).toMatch(new RegExp(`${name}: shm_open failed: Permission denied \\(EACCES\\)`));
  });
});

describe('shmscope --help', () => {
  it('lists every command', () => {
    const text = ok(['--help']);
    for (const command of commands) expect(text).toContain(`  ${command.name}`);
  });
  for (const command of commands) {
    it(`shmscope ${command.name} --help`, () => {
      expect(ok([command.name, '--help'])).toMatch(new RegExp(`^Usage: shmscope ${command.name}`));
    });
  }
});

describe('shmscope limits', () => {
  it('reports the kernel limits', () => {
    const figures = JSON.parse(ok(['limits', '--json'])) as { shmmni: number; segments: number };
    expect(figures.shmmni).toBe(Number(readFileSync('/proc/sys/kernel/shmmni', 'utf8')));
    expect(ok(['limits'])).toMatch(/^SHMMNI\s+\d+ of \d+ segments in use/);
  });
});
