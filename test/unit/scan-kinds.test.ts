// Issue 9 item 1: the kinds of shared memory that have no name in the IPC tables: memfd objects,
// anonymous MAP_SHARED memory shared after fork, POSIX objects unlinked while mapped, and SysV
// segments of another IPC namespace. Each is made for real and checked against /proc and the
// bytes the test programs wrote.
import { spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { scanSegments, type MemfdRow, type SegmentRow, type SharedAnonRow, type SysvRow } from '../../main/scan/index';
import { openSegment, parseRef, formatRef } from '../../main/segments';
import { openUnnamed } from '../../main/segments/mapped';
import { matchKinds } from '../../main/scan/maps-kinds';
import { SegmentJanitor } from '../helpers/cleanup';
import { shmscope, shmscopeAsNobody } from '../helpers/cli';
import { type Family, pyFamily } from '../helpers/kinds-children';
import { type Child, pyChild, stopAll } from '../helpers/python-children';
import { uniquePosixName, uniqueSysvKey } from '../helpers/unique';

const root = process.geteuid!() === 0;
const janitor = new SegmentJanitor();
const families: Array<Family | Child> = [];
afterEach(async () => {
  await stopAll(families.splice(0));
  janitor.cleanup();
});

interface MapsLine { start: string; end: string; access: 'ro' | 'rw'; dev: string; inode: number; path: string }

/** The lines of /proc/PID/maps whose path starts with `path`, as the scanner should report them. */
function mapsLines(pid: number, path: string): MapsLine[] {
  return readFileSync(`/proc/${pid}/maps`, 'latin1').split('\n').flatMap((line) => {
    const m = /^([0-9a-f]+)-([0-9a-f]+) (.)(.)..\s\S+\s(\S+)\s(\d+)\s+(.*)$/.exec(line);
    if (m === null || !m[7]!.startsWith(path)) return [];
    return [{ start: `0x${m[1]}`, end: `0x${m[2]}`, access: m[4] === 'w' ? 'rw' : 'ro', dev: m[5]!, inode: Number(m[6]), path: m[7]! } as MapsLine];
  });
}

/** hexdump -C of exactly these bytes (the format dump promises). */
function hexdumpOf(bytes: Buffer): string {
  return spawnSync('hexdump', ['-C'], { input: bytes, encoding: 'latin1' }).stdout;
}

function rowByRef<Row extends SegmentRow>(ref: string): Row | undefined {
  return scanSegments().segments.find((r) => r.ref === ref) as Row | undefined;
}

function text(size: number, words: string): Buffer {
  const bytes = Buffer.alloc(size);
  bytes.write(words);
  return bytes;
}

describe('memfd objects', () => {
  it('are one row per object with its name, size, mappers per mapping and fd-only holders; dump prints their bytes', async () => {
    const name = `shmscope-test-memfd-${process.pid}`;
    const family = await pyFamily(['memfd', name, '20000', 'written by the memfd test']);
    families.push(family);
    const [mapper, holderOnly] = family.kids as [number, number];
    const lines = mapsLines(family.pid, `/memfd:${name} (deleted)`);
    expect(lines).toHaveLength(1);
    const { dev, inode } = lines[0]!;
    const ref = `memfd:${dev}:${inode}`;

    const row = rowByRef<MemfdRow>(ref)!;
    expect(row).toMatchObject({ kind: 'memfd', name, size: 20000, key: null, id: null, nattch: 2 });
    if (root) expect(row).toMatchObject({ perms: '0777', uid: 0, owner: 'root' });
    expect(row.attachers.map((a) => a.pid).sort()).toEqual([family.pid, mapper].sort());
    for (const a of row.attachers) {
      expect(a.mappings).toEqual(mapsLines(a.pid, `/memfd:${name} (deleted)`).map((l) => ({ start: l.start, end: l.end, access: l.access })));
    }
    // The child that closed its mapping still holds the descriptor: a holder, not an attacher.
    const fds = readdirSync(`/proc/${holderOnly}/fd`).filter((fd) => {
      try { return readlinkSync(`/proc/${holderOnly}/fd/${fd}`) === `/memfd:${name} (deleted)`; } catch { return false; }
    }).map(Number);
    expect(row.holders).toEqual([{ pid: holderOnly, command: 'python3', uid: process.getuid!(), user: expect.any(String), fds }]);

    // The object only held as a descriptor, never mapped, by all three.
    const held = scanSegments().segments.find((r): r is MemfdRow => r.kind === 'memfd' && r.name === `${name}-held`)!;
    expect(held).toMatchObject({ size: 'written by the memfd test'.length, nattch: 0, attachers: [] });
    expect(held.holders.map((h) => h.pid).sort()).toEqual([family.pid, ...family.kids].sort());

    // Listed after SysV and POSIX.
    const order = scanSegments().segments.map((r) => r.kind);
    expect(Math.max(order.lastIndexOf('sysv'), order.lastIndexOf('posix'))).toBeLessThan(order.indexOf('memfd'));
    const listed = JSON.parse(shmscope(['ls', '--json', '--kind', 'memfd']).stdout) as { segments: SegmentRow[] };
    expect(new Set(listed.segments.map((r) => r.kind))).toEqual(new Set(['memfd']));
    expect(listed.segments.map((r) => r.ref)).toContain(ref);
    const table = shmscope(['ls', '--kind', 'memfd,shared-anon']).stdout.split('\n').find((l) => l.includes(` ${name} `));
    expect(table).toContain(`python3[${holderOnly}](fd)`);
    expect(table).toMatch(new RegExp(`^memfd +${ref} `)); // the ref to type, where a key would be

    const shown = shmscope(['show', ref]);
    expect(shown.stdout).toMatch(new RegExp(`^held open by: +python3\\[${holderOnly}\\] fd ${fds.join(',')}$`, 'm'));
    if (!root) return;
    const dumped = shmscope(['dump', ref]);
    expect(dumped.stderr).toBe('');
    expect(dumped.stdout).toBe(hexdumpOf(text(20000, 'written by the memfd test')));
    // Held only as a descriptor: read through the holder's /proc/PID/fd link.
    expect(shmscope(['dump', held.ref]).stdout).toBe(hexdumpOf(Buffer.from('written by the memfd test')));
    // Writable only when asked; the bytes land in the object the processes share.
    const written = shmscope(['write', ref, '--offset', '100', '--text', 'from shmscope']);
    expect(written.status, written.stderr).toBe(0);
    expect(readFileSync(`/proc/${mapper}/map_files/${lines[0]!.start.slice(2)}-${lines[0]!.end.slice(2)}`).subarray(100, 113).toString()).toBe('from shmscope');
    const readOnly = openSegment(parseRef(ref));
    try {
      expect(() => readOnly.write(0, Buffer.from('x'))).toThrow(/read-only/);
    } finally {
      readOnly.close();
    }
  });
});

describe('a memfd name chosen by a hostile process', () => {
  it('is listed escaped, never as raw control bytes', async () => {
    const name = `shmscope-test-evil-${process.pid}\x1b[2J\x07\\`;
    const family = await pyFamily(['memfd', name, '4096', 'x']);
    families.push(family);
    const row = scanSegments().segments.find((r): r is MemfdRow => r.kind === 'memfd' && r.attachers.some((a) => a.pid === family.pid))!;
    expect(row.name).toBe(`shmscope-test-evil-${process.pid}\\x1b[2J\\x07\\\\`);
    const table = shmscope(['ls', '--kind', 'memfd']).stdout;
    expect(table).toContain(`shmscope-test-evil-${process.pid}\\x1b[2J`);
    expect(table).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });
});

describe('shared anonymous memory', () => {
  it('is listed when two processes share it (same inode), with both; memory only one process has is not', async () => {
    const family = await pyFamily(['anon', '8192', 'shared after fork']);
    families.push(family);
    const lines = mapsLines(family.pid, '/dev/zero (deleted)');
    expect(lines).toHaveLength(2); // this kernel's spelling: /dev/zero (deleted) on its internal shmem mount
    const shared = lines.find((l) => BigInt(l.end) - BigInt(l.start) === 8192n)!;
    const alone = lines.find((l) => l !== shared)!;
    expect(mapsLines(family.kids[0]!, '/dev/zero (deleted)').map((l) => l.inode)).toEqual([shared.inode]);

    const ref = `anon:${shared.dev}:${shared.inode}`;
    const row = rowByRef<SharedAnonRow>(ref)!;
    expect(row).toMatchObject({ kind: 'shared-anon', name: null, size: 8192, nattch: 2, holders: [] });
    expect(row.attachers.map((a) => [a.pid, a.access]).sort()).toEqual([[family.pid, 'rw'], [family.kids[0]!, 'rw']].sort());
    expect(rowByRef(`anon:${alone.dev}:${alone.inode}`)).toBeUndefined();

    const listed = JSON.parse(shmscope(['ls', '--json', '--kind', 'shared-anon']).stdout) as { segments: SegmentRow[] };
    expect(listed.segments.every((r) => r.kind === 'shared-anon')).toBe(true);
    expect(listed.segments.map((r) => r.ref)).toContain(ref);
    if (!root) return;
    expect(shmscope(['dump', ref]).stdout).toBe(hexdumpOf(text(8192, 'shared after fork')));
  });

  it('reads nothing through a mapping that is not the object the reference names', async () => {
    const a = await pyFamily(['anon', '4096', 'object A']);
    families.push(a);
    const b = await pyFamily(['anon', '4096', 'object B']);
    families.push(b);
    const lineOf = (pid: number) => mapsLines(pid, '/dev/zero (deleted)').find((l) => BigInt(l.end) - BigInt(l.start) === 4096n)!;
    const rowA = rowByRef<SharedAnonRow>(`anon:${lineOf(a.pid).dev}:${lineOf(a.pid).inode}`)!;
    // A holder list pointing at B's mapping (remapped since the scan, or forged): refused, not B's bytes.
    const { start, end } = lineOf(b.pid);
    const forged = { ...rowA, attachers: [{ ...rowA.attachers[0]!, pid: b.pid, start, end, mappings: [{ start, end, access: 'rw' as const }] }] };
    expect(() => openUnnamed(parseRef(rowA.ref) as Parameters<typeof openUnnamed>[0], false, [forged])).toThrow(root ? /none of the processes/ : /needs root/);
  });
});

describe('a POSIX object unlinked while mapped', () => {
  it.runIf(root)('is readable as posix-deleted:DEV:INO through the mapping', async () => {
    const name = janitor.posix(uniquePosixName('unlinked-bytes')).slice(1);
    writeFileSync(`/dev/shm/${name}`, text(4096, 'still here after shm_unlink'), { mode: 0o600 });
    const holder = await pyChild('posix', `/dev/shm/${name}`, 'ro', '1');
    families.push(holder);
    rmSync(`/dev/shm/${name}`);
    const row = scanSegments().segments.find((r) => r.kind === 'posix' && r.deleted === true && r.name === name)!;
    expect(formatRef(parseRef(row.ref))).toBe(row.ref);
    expect(shmscope(['dump', row.ref]).stdout).toBe(hexdumpOf(text(4096, 'still here after shm_unlink')));
  });
});

describe('System V segments of another IPC namespace', () => {
  it.runIf(root)('are listed with the namespace, its processes and the kernel fields read inside it; dump prints their bytes', async () => {
    const key = uniqueSysvKey();
    const family = await pyFamily(['sysv', `0x${key.toString(16)}`, '5000', 'inside the namespace'], ['unshare', '--ipc']);
    families.push(family);
    const ns = readlinkSync(`/proc/${family.pid}/ns/ipc`);
    expect(ns).not.toBe(readlinkSync('/proc/self/ns/ipc'));
    const inode = Number(/\d+/.exec(ns)![0]);
    const line = mapsLines(family.pid, '/SYSV')[0]!;
    const shmid = line.inode;
    // Invisible in ours: not in our /proc/sysvipc/shm.
    expect(readFileSync('/proc/sysvipc/shm', 'latin1')).not.toMatch(new RegExp(`^ *${key | 0} +`, 'm'));

    const row = rowByRef<SysvRow>(`ipcns:${inode}:${shmid}`)!;
    expect(row).toMatchObject({ kind: 'sysv', ipcns: inode, id: shmid, keyNumber: key, size: 5000, perms: '0640', cpid: family.pid, nattch: 2 }); // the child inherited the attachment
    expect(row.ipcnsUnreadable).toBeUndefined();
    expect(row.ipcnsPids!.sort()).toEqual([family.pid, ...family.kids].sort());
    expect(row.attachers.map((a) => a.pid).sort()).toEqual([family.pid, ...family.kids].sort());
    expect(row.attachers.find((a) => a.pid === family.pid)!.mappings).toEqual([{ start: line.start, end: line.end, access: 'rw' }]);
    // Our namespace's sysv:ID is not this segment.
    expect(scanSegments().segments.find((r) => r.kind === 'sysv' && r.ipcns === undefined && r.attachers.some((a) => a.pid === family.pid))).toBeUndefined();

    const shown = shmscope(['show', row.ref]);
    expect(shown.stdout).toMatch(new RegExp(`^ipc namespace: +ipc:\\[${inode}\\]`, 'm'));
    expect(shmscope(['dump', row.ref]).stdout).toBe(hexdumpOf(text(5000, 'inside the namespace')));
  });

  it.runIf(root)('without privilege, list what the mappings show and say what could not be read', async () => {
    const key = uniqueSysvKey();
    const family = await pyFamily(['sysv', `0x${key.toString(16)}`, '5000', 'user namespace'],
      ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'unshare', '--user', '--ipc']);
    families.push(family);
    const inode = Number(/\d+/.exec(readlinkSync(`/proc/${family.pid}/ns/ipc`))![0]);
    const listed = JSON.parse(shmscopeAsNobody(['ls', '--json', '--kind', 'sysv']).stdout) as { segments: SysvRow[] };
    const row = listed.segments.find((r) => r.ipcns === inode)!;
    expect(row).toMatchObject({ keyNumber: key, perms: '?', uid: -1, size: 8192, ipcnsUnreadable: expect.stringMatching(/needs root/) });
    expect(row.attachers.map((a) => a.pid).sort()).toEqual([family.pid, ...family.kids].sort());
    const dumped = shmscopeAsNobody(['dump', row.ref]);
    expect(dumped.status).not.toBe(0);
    expect(dumped.stderr).toContain('(EPERM)');
  });
});

describe('references of the unnamed kinds', () => {
  it('parse and print back as ls lists them, and are refused when malformed', () => {
    for (const ref of ['memfd:00:01:50359', 'anon:00:01:7', 'posix-deleted:00:1a:42', 'ipcns:4026532281:0']) {
      expect(formatRef(parseRef(ref))).toBe(ref);
    }
    for (const bad of ['memfd:50359', 'anon:00:01:', 'memfd:0:1:2', 'ipcns:1', 'ipcns:1:99999999999', 'anon:00:01:-1']) {
      expect(() => parseRef(bad)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    }
    const rm = shmscope(['rm', 'memfd:00:01:1']);
    expect(rm.status).not.toBe(0);
    expect(rm.stderr).toContain('has no name to remove');
    expect(shmscope(['ls', '--kind', 'sysv,bogus']).stderr).toContain('--kind: expected some of sysv,posix,memfd,shared-anon');
  });
});

describe('matchKinds (the maps lines of each kind, as this kernel and others print them)', () => {
  it('finds memfd (shared or private), shared anonymous in every spelling, and SysV lines with their key', () => {
    const maps = Buffer.from([
      '7f0000000000-7f0000004000 rw-s 00000000 00:01 50359                      /memfd:wl (deleted)',
      '7f0000004000-7f0000005000 r--p 00000000 00:01 50359                      /memfd:wl (deleted)',
      '7f0000005000-7f0000007000 rw-s 00000000 00:01 50358                      /dev/zero (deleted)',
      '7f0000007000-7f0000008000 rw-s 00000000 00:01 50360                      [anon_shmem:ring]',
      '7f0000008000-7f0000208000 rw-s 00000000 00:10 77                         /anon_hugepage (deleted)',
      '7f0000208000-7f0000209000 rw-p 00000000 00:00 0                          [anon:private]',
      '7f0000209000-7f000020a000 rw-s 00000000 00:01 9                          /SYSV5c000001 (deleted)',
      '7f000020a000-7f000020b000 r-xp 00000000 08:01 1234                       /usr/lib/libc.so.6 (deleted)',
      '',
    ].join('\n'), 'latin1');
    const ours = matchKinds(maps);
    expect([...ours.memfd]).toEqual([['00:01 50359', { name: 'wl', ranges: [
      { start: '0x7f0000000000', end: '0x7f0000004000', writable: true },
      { start: '0x7f0000004000', end: '0x7f0000005000', writable: false },
    ] }]]);
    expect([...ours.anon.keys()]).toEqual(['00:01 50358', '00:10 77', '00:01 50360']);
    expect([...ours.foreignSysv]).toEqual([[9, { key: 0x5c000001, ranges: [{ start: '0x7f0000209000', end: '0x7f000020a000', writable: true }] }]]);
  });
});
