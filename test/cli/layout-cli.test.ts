// `shmscope layout` and `shmscope decode` (without --watch) as a user runs them: the built CLI
// on real headers and real segments.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { native } from '../../main/native';
import { spawnAttacher } from '../helpers/children';
import { SegmentJanitor } from '../helpers/cleanup';
import { shmscope } from '../helpers/cli';
import { uniquePosixName, uniqueSysvKey } from '../helpers/unique';

const bounded = fileURLToPath(new URL('../fixtures/layout/bounded.h', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'shmscope-layout-cli-'));
const janitor = new SegmentJanitor();
afterEach(() => janitor.cleanup());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function header(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function ok(args: string[]): string {
  const result = shmscope(args);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

/** A POSIX segment holding exactly `bytes` (written through /dev/shm, not through shmscope). */
function posixWith(bytes: Uint8Array): string {
  const name = janitor.posix(uniquePosixName('layout').slice(1));
  writeFileSync(`/dev/shm/${name}`, bytes, { mode: 0o600 });
  return `posix:${name}`;
}

describe('shmscope layout', () => {
  it('prints every member with offset, size and type, holes and padding as rows', () => {
    expect(ok(['layout', bounded])).toBe(`struct shared: 48 bytes, aligned to 4
OFFSET  SIZE  TYPE      MEMBER
     0     4  int       in
     4     4  int       out
     8    40  item[10]  buffer
no holes or padding
`);
    const path = header('holes.h', 'struct rec { char tag; double d; struct { short s; char c; } inner; unsigned f : 3; };');
    expect(ok(['layout', path, '--type', 'rec'])).toBe(`struct rec: 24 bytes, aligned to 8
OFFSET  SIZE  TYPE                MEMBER
     0     1  char                tag
     1     7                      (hole)
     8     8  double              d
    16     4  struct <anonymous>  inner
    16     2  short                 inner.s
    18     1  char                  inner.c
    19     1                        (padding)
  20:0    3b  unsigned int        f
  20:3    5b                      (padding)
    21     3                      (padding)
4 holes/padding, 11 bytes 5 bits unused
(offset a:b = bit b of byte a, bit 0 the least significant; Nb = N bits)
`);
  });

  it('lists an enum\'s values', () => {
    const path = header('enum.h', 'enum state { IDLE, RUNNING = 5, DONE };');
    expect(ok(['layout', path, '--type', 'state'])).toBe('enum state: 4 bytes, aligned to 4, unsigned\n  IDLE = 0\n  RUNNING = 5\n  DONE = 6\n');
  });

  it('--json gives the same rows', () => {
    const json = JSON.parse(ok(['layout', bounded, '--json'])) as { types: unknown[] };
    expect(json.types).toEqual([{
      type: 'struct shared', size: 48, align: 4, holes: [],
      fields: [{ path: 'in', type: 'int', offset: 0, size: 4 }, { path: 'out', type: 'int', offset: 4, size: 4 }, { path: 'buffer', type: 'item[10]', offset: 8, size: 40 }],
    }]);
  });

  it('reports a mistake in the header by file, line and column, and refuses what is not a regular file', () => {
    const path = header('bad.h', 'struct a {\n  int x\n  int y;\n};\n');
    const result = shmscope(['layout', path]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`shmscope layout: ${path}:2:8: expected ';' after member, found 'int' (EINVAL)\n`);
    // A FIFO would block a reader for ever.
    const fifo = join(dir, 'fifo.h');
    execFileSync('mkfifo', [fifo]);
    expect(shmscope(['layout', fifo]).stderr).toBe(`shmscope layout: ${fifo}: not a regular file (EINVAL)\n`);
    expect(shmscope(['layout', bounded, '--type', 'nope']).stderr).toBe(`shmscope layout: ${bounded}: no type named "nope": it declares struct shared (ENOENT)\n`);
  });
});

describe('shmscope decode', () => {
  it('prints the values of a struct in a POSIX segment, and as JSON', () => {
    const bytes = new Uint8Array(64);
    const view = new DataView(bytes.buffer);
    view.setInt32(0, 3, true);
    view.setInt32(4, 1, true);
    for (let i = 0; i < 10; i++) view.setInt32(8 + 4 * i, 100 + i, true);
    const ref = posixWith(bytes);
    const text = ok(['decode', ref, '--layout', bounded]);
    expect(text.split('\n').slice(1, 6)).toEqual([
      'OFFSET  TYPE  MEMBER     VALUE', '     0  int   in         3', '     4  int   out        1', '     8  item  buffer[0]  100', '    12  item  buffer[1]  101',
    ]);
    const json = JSON.parse(ok(['decode', ref, '--layout', bounded, '--type', 'shared', '--json'])) as { type: string; size: number; fields: { path: string; value: unknown }[] };
    expect(json).toMatchObject({ type: 'struct shared', size: 48 });
    expect(json.fields[11]).toEqual({ path: 'buffer[9]', offset: 44, size: 4, type: 'item', value: 109 });
  });

  it('decodes an array of the type with --count at an --offset; refuses to read past the end', () => {
    const path = header('pair.h', 'struct pair { unsigned long long big; char name[8]; };');
    const bytes = new Uint8Array(4096);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(16, 2n ** 64n - 2n, true);
    bytes.set(new TextEncoder().encode('second'), 40);
    const ref = posixWith(bytes);
    const json = JSON.parse(ok(['decode', ref, '--layout', path, '--offset', '16', '--count', '2', '--json'])) as { count: number; fields: Record<string, unknown>[] };
    expect(json.count).toBe(2);
    expect(json.fields).toEqual([
      { path: '[0].big', offset: 16, size: 8, type: 'unsigned long long', value: '18446744073709551614' },
      { path: '[0].name', offset: 24, size: 8, type: 'char[8]', value: '', bytes: '0000000000000000' },
      { path: '[1].big', offset: 32, size: 8, type: 'unsigned long long', value: '0' },
      { path: '[1].name', offset: 40, size: 8, type: 'char[8]', value: 'second', bytes: '7365636f6e640000' },
    ]);
    const past = shmscope(['decode', ref, '--layout', path, '--offset', '4090']);
    expect(past.status).toBe(1);
    expect(past.stderr).toBe(`shmscope decode: ${ref}: struct pair (16 bytes) at offset 4090 runs past the end of the segment (4096 bytes) (ERANGE)\n`);
    expect(shmscope(['decode', ref, '--layout', path, '--count', '0']).status).toBe(2);
  });

  it('prints text from the segment with C escapes: terminal controls written there stay inert', () => {
    const path = header('msg.h', 'struct msg { int n; char text[32]; };');
    const bytes = new Uint8Array(36);
    bytes.set(new TextEncoder().encode('\x1b]2;owned\x07\x1b[2J\r\n\u202e'), 4);
    const ref = posixWith(bytes);
    const text = ok(['decode', ref, '--layout', path]);
    expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(text).toContain('"\\x1b]2;owned\\x07\\x1b[2J\\r\\n\\xe2\\x80\\xae"');
  });

  it('refuses a type with more members or bytes than it will print', () => {
    const path = header('huge.h', 'struct huge { int cells[1000][1000]; };');
    const result = shmscope(['decode', posixWith(new Uint8Array(16)), '--layout', path]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/struct huge: 1 × 1000000 members is more than 100000 to print.*\(E2BIG\)\n$/);
    const text = header('text.h', 'struct text { char all[1 << 30]; };');
    const big = shmscope(['decode', posixWith(new Uint8Array(16)), '--layout', text]);
    expect(big.stderr).toMatch(/struct text: 1 × 1073741824 bytes is more than 16777216 to decode.*\(E2BIG\)\n$/);
  });

  it.runIf(process.getuid?.() === 0)('as root, reads a System V segment through a holder\'s mapping: lpid, atime and nattch stay as they were', async () => {
    const key = uniqueSysvKey();
    const shmid = janitor.sysv(native().sysvGet(key, { create: true, exclusive: true, mode: 0o600, size: 48 }));
    const holder = await spawnAttacher('sysv', shmid, 'rw');
    try {
      const before = native().sysvStat(shmid);
      ok(['decode', `key:0x${key.toString(16)}`, '--layout', bounded]);
      const after = native().sysvStat(shmid);
      expect([after.lpid, after.atime, after.dtime, after.nattch]).toEqual([before.lpid, before.atime, before.dtime, before.nattch]);
    } finally {
      await holder.stop();
    }
  });
});
