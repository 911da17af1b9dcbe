// Error messages a person can act on: they name the thing as the user wrote it, say what is
// wrong with it, and use one code per kind of failure.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SegmentJanitor } from '../helpers/cleanup';
import { shmscope } from '../helpers/cli';
import { uniquePosixName, uniqueSysvKey } from '../helpers/unique';

const janitor = new SegmentJanitor();
afterEach(() => janitor.cleanup());

function ok(args: string[]): string {
  const result = shmscope(args);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

function fails(args: string[], status: number): string {
  const result = shmscope(args);
  expect(result.stdout).toBe('');
  expect(result.status).toBe(status);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  return result.stderr.trimEnd();
}

/** Real `hexdump -C -s OFFSET [-n LENGTH]` of a file holding exactly these bytes. */
function realHexdump(bytes: Buffer, args: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'shmscope-cli-'));
  try {
    writeFileSync(join(dir, 'bytes'), bytes);
    return spawnSync('hexdump', ['-C', ...args, join(dir, 'bytes')], { encoding: 'latin1' }).stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('errors a person can act on', () => {
  it('a room reference names the room: room:NAME: no such room', () => {
    const room = `cli-nope-${process.pid}-${Date.now().toString(36)}`;
    for (const command of ['show', 'dump', 'rm']) {
      expect(fails([command, `room:${room}`], 1)).toBe(`shmscope ${command}: room:${room}: no such room (ENOENT)`);
    }
  });

  it('create sysv on an existing smaller segment says the size is the problem', () => {
    const key = `0x${uniqueSysvKey().toString(16)}`;
    janitor.ref(ok(['create', 'sysv', '--key', key, '--size', '100']));
    const message = fails(['create', 'sysv', '--key', key, '--size', '8192'], 1);
    expect(message).toMatch(/exists already with 100 bytes, smaller than the 8192 asked for: ask for at most 100 bytes, or remove it first \(EINVAL\)$/);
    expect(ok(['create', 'sysv', '--key', key, '--size', '64'])).toMatch(/^sysv:\d+\n$/);  // smaller is fine, as shmget says
  });

  it('out of range is ERANGE everywhere, never ERR_OUT_OF_RANGE', () => {
    const ref = janitor.ref(ok(['create', 'sysv', '--private', '--size', '4096']));
    const write = fails(['write', ref, '--offset', '4090', '--text', '0123456789'], 1);
    expect(write).toMatch(/\(ERANGE\)$/);
    expect(write).not.toContain('ERR_OUT_OF_RANGE');
  });

  it('negative numbers must be ≥ 0 (not parseArgs\' "ambiguous")', () => {
    expect(fails(['dump', 'sysv:1', '--offset', '-5'], 2)).toMatch(/--offset: must be ≥ 0, got "-5"/);
    expect(fails(['write', 'sysv:1', '--offset', '-0x10', '--text', 'x'], 2)).toMatch(/--offset: must be ≥ 0/);
    expect(fails(['create', 'posix', 'x', '--size', '-1'], 2)).toMatch(/--size: must be ≥ 0/);
  });

  it('create foo: unknown kind foo (sysv or posix), before any other complaint', () => {
    expect(fails(['create', 'foo'], 2)).toBe('shmscope create: unknown kind foo (sysv or posix) (see "shmscope create --help")');
  });

  it('sizes take T', () => {
    // 1T is more than any test machine's SHMMAX/tmpfs allows: the OS refuses it, not the parser.
    const result = shmscope(['create', 'sysv', '--private', '--size', '1T']);
    expect(result.stderr).not.toMatch(/expected a byte count/);
    if (result.status === 0) janitor.ref(result.stdout);
    expect(shmscope(['create', 'posix', 'x', '--size', '2X']).stderr).toMatch(/64K, 1M or 1T/);
  });

  it('POSIX references are spelled posix:NAME in messages, with or without the slash typed', () => {
    expect(fails(['rm', 'posix:/a/b'], 1)).toMatch(/^shmscope rm: posix:a\/b: /);
    const name = uniquePosixName('nope').slice(1);
    expect(fails(['dump', `posix:/${name}`], 1)).toMatch(new RegExp(`^shmscope dump: posix:${name}: `));
  });

  it('dump --offset/--length past the end behave like hexdump -C -s/-n', () => {
    const name = janitor.posix(uniquePosixName('hd').slice(1));
    ok(['create', 'posix', name, '--size', '100']);
    const bytes = Buffer.from(Array.from({ length: 100 }, (_, i) => (i * 7) & 0xff));
    ok(['write', `posix:${name}`, '--offset', '0', '--hex', bytes.toString('hex')]);
    const cases: [string, string | undefined][] = [['90', '50'], ['100', undefined], ['5000', undefined], ['5000', '10'], ['50', '0'], ['0', '1000']];
    for (const [offset, length] of cases) {
      const ours = ok(['dump', `posix:${name}`, '--offset', offset, ...(length === undefined ? [] : ['--length', length])]);
      expect(ours, `-s ${offset} -n ${length}`).toBe(realHexdump(bytes, ['-s', offset, ...(length === undefined ? [] : ['-n', length])]));
    }
  });
});
