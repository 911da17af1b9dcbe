// shmscope snap / diff / load (issue 10, item 4) on real segments and real files: a snapshot,
// a change made by another process, the diff showing exactly that change, and load restoring the
// segment byte for byte, checked with cmp and hexdump rather than with shmscope's own reader.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ChatRoom } from '../../main/chat';
import { native } from '../../main/native';
import { SegmentJanitor } from '../helpers/cleanup';
import { shmscope } from '../helpers/cli';
import { pyChild, stopAll } from '../helpers/python-children';
import { uniquePosixName, uniqueSysvKey } from '../helpers/unique';

const janitor = new SegmentJanitor();
afterEach(() => janitor.cleanup());
const dir = mkdtempSync(join(tmpdir(), 'shmscope-snap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ok(args: string[]): string {
  const result = shmscope(args);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

function file(name: string): string {
  return join(dir, `${name}-${randomBytes(3).toString('hex')}`);
}

/** The data part of a snapshot file: everything after its second newline. */
function snapshotData(path: string): Buffer {
  const bytes = readFileSync(path);
  return bytes.subarray(bytes.indexOf(0x0a, bytes.indexOf(0x0a) + 1) + 1);
}

function snapshotHeader(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'latin1').split('\n')[1]!) as Record<string, unknown>;
}

function hexdumpOf(bytes: Buffer): string {
  const path = file('raw');
  writeFileSync(path, bytes);
  return spawnSync('hexdump', ['-C', path], { encoding: 'latin1' }).stdout;
}

interface Range { offset: number; length: number; old: string; new: string }
interface DiffJson { ranges: Range[]; differingBytes: number; sizesDiffer: boolean; equal: boolean; old: { origin: string; size: number }; new: { origin: string; size: number } }

function diffJson(a: string, b: string): { status: number | null; json: DiffJson } {
  const result = shmscope(['diff', '--json', a, b]);
  expect(result.stderr).toBe('');
  return { status: result.status, json: JSON.parse(result.stdout) as DiffJson };
}

const kinds = [
  ['sysv', () => janitor.ref(ok(['create', 'sysv', '--key', `0x${uniqueSysvKey().toString(16)}`, '--size', '8K', '--mode', '0600']))],
  ['posix', () => {
    const name = uniquePosixName('snap').slice(1);
    janitor.posix(name);
    return ok(['create', 'posix', name, '--size', '8K']).trim();
  }],
] as const;

describe.each(kinds)('snapshot round trip (%s)', (kind, make) => {
  it('snap → another process writes → diff shows exactly that range → load → the bytes are the snapshot\'s (cmp)', () => {
    const ref = make();
    const before = randomBytes(64);
    ok(['write', ref, '--offset', '100', '--hex', before.toString('hex')]);
    const a = file('a.snap');
    expect(ok(['snap', ref, '-o', a])).toBe(`saved 8192 bytes of ${ref} to ${a}\n`);
    expect(statSync(a).mode & 0o777).toBe(0o600);
    expect(snapshotHeader(a)).toMatchObject({ ref, kind, size: 8192, shmscope: expect.any(String), time: expect.any(String) });
    if (kind === 'sysv') expect(snapshotHeader(a).key).toMatch(/^0x5c[0-9a-f]{6}$/);
    else expect(snapshotHeader(a).name).toBe(`/${ref.slice('posix:'.length)}`);
    const expected = Buffer.alloc(8192);
    before.copy(expected, 100);
    expect(snapshotData(a).equals(expected)).toBe(true);
    expect(shmscope(['diff', a, ref])).toMatchObject({ status: 0, stdout: '', stderr: '' });

    // Another process (a separate shmscope write) changes 5 bytes at 0x1002 and 1 at 0x1ff0.
    ok(['write', ref, '--offset', '0x1002', '--text', 'hello']);
    ok(['write', ref, '--offset', '0x1ff0', '--hex', 'ff']);

    const { status, json } = diffJson(a, ref);
    expect(status).toBe(1);
    expect(json).toMatchObject({ differingBytes: 6, sizesDiffer: false, equal: false, old: { origin: 'snapshot', size: 8192 }, new: { origin: 'segment', size: 8192 } });
    expect(json.ranges).toEqual([
      { offset: 0x1002, length: 5, old: '0000000000', new: Buffer.from('hello').toString('hex') },
      { offset: 0x1ff0, length: 1, old: '00', new: 'ff' },
    ]);
    const text = shmscope(['diff', a, ref]);
    expect(text.status).toBe(1);
    expect(text.stdout.split('\n').slice(2).join('\n')).toBe(
      '-00001000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n' +
      '+00001000  00 00 68 65 6c 6c 6f 00  00 00 00 00 00 00 00 00  |..hello.........|\n' +
      '                 ^^ ^^ ^^ ^^ ^^                                 ^^^^^\n' +
      '-00001ff0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n' +
      '+00001ff0  ff 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n' +
      '           ^^                                                 ^\n' +
      '6 bytes differ in 2 ranges\n');
    expect(text.stdout).toMatch(new RegExp(`^--- ${a} \\(snapshot of ${ref}, (key 0x5c[0-9a-f]{6}, )?8192 bytes, taken 20\\d\\d-[-0-9T:.]+Z\\)\n\\+\\+\\+ ${ref} \\(live, 8192 bytes\\)\n`));

    expect(ok(['load', ref, a])).toMatch(new RegExp(`^loaded 8192 bytes from ${a} \\(snapshot of ${ref}, taken .*\\) into ${ref} at offset 0\n$`));
    // The segment holds the snapshot's bytes again: a second snapshot's data is the same (cmp),
    // and so is what dump prints (hexdump -C of the first snapshot's data).
    const b = file('b.snap');
    ok(['snap', ref, '-o', b]);
    const rawA = file('a.raw');
    const rawB = file('b.raw');
    writeFileSync(rawA, snapshotData(a));
    writeFileSync(rawB, snapshotData(b));
    expect(spawnSync('cmp', [rawA, rawB]).status).toBe(0);
    if (kind === 'posix') expect(spawnSync('cmp', [rawA, `/dev/shm/${ref.slice('posix:'.length)}`]).status).toBe(0);
    expect(ok(['dump', ref])).toBe(hexdumpOf(snapshotData(a)));
    expect(shmscope(['diff', a, b])).toMatchObject({ status: 0, stdout: '' });
    expect(shmscope(['diff', a, ref])).toMatchObject({ status: 0, stdout: '' });
  });
});

describe('shmscope snap of a segment another process holds', () => {
  it('reads through the holder\'s mapping: the bytes it wrote, and the kernel\'s lpid and nattch stay as they were', async () => {
    const ref = janitor.ref(ok(['create', 'sysv', '--private', '--size', '4096', '--mode', '0600']));
    const shmid = Number(ref.slice('sysv:'.length));
    const holder = await pyChild('sysv', String(shmid), 'rw', '1', '16'); // attaches, writes 16 × 'A'
    try {
      const before = native().sysvStat(shmid);
      expect([before.lpid, before.nattch]).toEqual([holder.pid, 1]);
      const a = file('held.snap');
      ok(['snap', ref, '-o', a]);
      expect(snapshotData(a).subarray(0, 17).toString('latin1')).toBe(`${'A'.repeat(16)}\0`);
      const after = native().sysvStat(shmid);
      expect([after.lpid, after.nattch, after.atime]).toEqual([holder.pid, 1, before.atime]);
    } finally {
      await stopAll([holder]);
    }
  });
});

describe('shmscope diff FILE1 FILE2', () => {
  it('compares two snapshot files, and raw files of different sizes', () => {
    const ref = kinds[0][1]();
    const a = file('a.snap');
    ok(['snap', ref, '-o', a]);
    ok(['write', ref, '--offset', '0', '--hex', 'de ad be ef']);
    const b = file('b.snap');
    ok(['snap', ref, '-o', b]);
    const { status, json } = diffJson(a, b);
    expect(status).toBe(1);
    expect(json.ranges).toEqual([{ offset: 0, length: 4, old: '00000000', new: 'deadbeef' }]);
    expect(json.new.origin).toBe('snapshot');
    expect(shmscope(['diff', b, b])).toMatchObject({ status: 0, stdout: '', stderr: '' });

    const short = file('short.raw');
    const long = file('long.raw');
    writeFileSync(short, Buffer.from('abcdef'));
    writeFileSync(long, Buffer.from('abXdefgh'));
    const sized = diffJson(short, long);
    expect(sized.status).toBe(1);
    expect(sized.json).toMatchObject({ sizesDiffer: true, differingBytes: 1, ranges: [{ offset: 2, length: 1, old: '63', new: '58' }], old: { origin: 'raw', size: 6 }, new: { size: 8 } });
    const sameStart = file('same.raw');
    writeFileSync(sameStart, Buffer.from('abcdefgh'));
    const text = shmscope(['diff', short, sameStart]);
    expect(text.status).toBe(1);
    expect(text.stdout).toBe(`--- ${short} (raw file, 6 bytes)\n+++ ${sameStart} (raw file, 8 bytes)\nsizes differ: 6 bytes old, 8 bytes new; compared the first 6\n0 bytes differ in 0 ranges\n`);
  });

  it('finds one range across the 1 MiB read chunks of a 3 MiB segment', () => {
    const ref = janitor.ref(ok(['create', 'sysv', '--private', '--size', '3M', '--mode', '0600']));
    const a = file('big.snap');
    ok(['snap', ref, '-o', a]);
    const change = Buffer.from(Array.from(randomBytes(32), (byte) => byte | 1)); // every byte differs from zero
    ok(['write', ref, '--offset', String((1 << 20) - 16), '--hex', change.toString('hex')]);
    const { status, json } = diffJson(a, ref);
    expect(status).toBe(1);
    expect(json.ranges).toEqual([{ offset: (1 << 20) - 16, length: 32, old: '00'.repeat(32), new: change.toString('hex') }]);
  });

  it('exits 2 with a message naming what failed', () => {
    const missing = shmscope(['diff', join(dir, 'nonexistent'), 'posix:shmscope-test-nonexistent']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`shmscope diff: ${join(dir, 'nonexistent')}: cannot open: no such file or directory (ENOENT)\n`);
    expect(shmscope(['diff', 'only-one']).status).toBe(2);
  });
});

describe('shmscope load', () => {
  it('refuses a size mismatch without --force and leaves the segment alone; with --force writes just those bytes', () => {
    const ref = janitor.ref(ok(['create', 'sysv', '--private', '--size', '64', '--mode', '0600']));
    const raw = file('three.raw');
    writeFileSync(raw, Buffer.from('abc'));
    const refused = shmscope(['load', ref, raw]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(`shmscope load: ${raw}: holds 3 bytes but ${ref} has 64 from offset 0: the sizes differ — pass --force to load anyway (EINVAL)\n`);
    expect(ok(['dump', ref])).toBe(hexdumpOf(Buffer.alloc(64)));

    expect(ok(['load', ref, raw, '--offset', '0x10', '--force'])).toBe(`loaded 3 bytes from ${raw} into ${ref} at offset 16\n`);
    const expected = Buffer.alloc(64);
    expected.write('abc', 16);
    expect(ok(['dump', ref])).toBe(hexdumpOf(expected));
    // A raw file that fills the rest exactly needs no --force; one that runs past the end never loads.
    expect(shmscope(['load', ref, raw, '--offset', '61']).status).toBe(0);
    const past = shmscope(['load', ref, raw, '--offset', '62', '--force']);
    expect(past.status).toBe(1);
    expect(past.stderr).toContain(`${raw}: holds 3 bytes, more than fit in ${ref} from offset 62 (2 bytes) (ERANGE)`);
    const snapshotOfOther = file('other.snap');
    ok(['snap', janitor.ref(ok(['create', 'sysv', '--private', '--size', '128', '--mode', '0600'])), '-o', snapshotOfOther]);
    expect(shmscope(['load', ref, snapshotOfOther]).stderr).toContain('holds 128 bytes, more than fit');
  });

  it('refuses a chat room\'s header page unless --force-room (the check shmscope write uses)', () => {
    const room = `cli-load-${process.pid}-${randomBytes(3).toString('hex')}`;
    ChatRoom.join(room, { nick: 'me', keepAlive: false }).leave();
    try {
      const raw = file('room.raw');
      writeFileSync(raw, Buffer.from([9]));
      const refused = shmscope(['load', `room:${room}`, raw, '--offset', '8', '--force']);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(new RegExp(`: is the chat room "${room}": writing into its header page \\(bytes 0-4095\\) breaks the room for everyone in it \\(ECHANNEL\\) — pass --force-room to write anyway \\(EPERM\\)\n$`));
      expect(shmscope(['chat', room, '--send', 'still fine']).status).toBe(0);
      expect(shmscope(['load', `room:${room}`, raw, '--offset', '0x10000', '--force']).status).toBe(0);
    } finally {
      ChatRoom.remove(room);
    }
  });
});
