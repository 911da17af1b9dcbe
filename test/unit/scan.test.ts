// The scanner against real segments and real attaching processes.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type PosixRow, scanSegments, type SegmentRow, type SysvRow } from '../../main/scan/index';
import { spawnAttacher } from '../helpers/children';
import { uniquePosixName, uniqueSysvKey } from '../helpers/unique';
import { type Child, ipcmk, pyChild, removePosix, removeSysv, shmgetKey, shmLock, stopAll } from '../helpers/python-children';

// Everything a test creates is registered here and removed after it, pass or fail.
const children: Child[] = [];
const sysvIds: number[] = [];
const posixNames: string[] = [];
afterEach(async () => {
  await stopAll(children.splice(0));
  for (const id of sysvIds.splice(0)) removeSysv(id);
  for (const name of posixNames.splice(0)) removePosix(name);
});

function newSysv(size = 4096, mode = '0640'): number {
  const id = ipcmk(size, mode);
  sysvIds.push(id);
  return id;
}

/** A fresh /dev/shm object; returns its name without the slash. */
function newPosix(tag: string, size = 4096, mode = 0o640): string {
  const name = uniquePosixName(tag).slice(1);
  posixNames.push(name);
  writeFileSync(`/dev/shm/${name}`, Buffer.alloc(size), { mode });
  chmodSync(`/dev/shm/${name}`, mode); // not subject to umask
  return name;
}

async function child(...args: string[]): Promise<Child> {
  const c = await pyChild(...args);
  children.push(c);
  return c;
}

function sysvRow(id: number, rows: SegmentRow[] = scanSegments().segments): SysvRow | undefined {
  return rows.find((r): r is SysvRow => r.kind === 'sysv' && r.id === id);
}

function posixRow(name: string, rows: SegmentRow[] = scanSegments().segments): PosixRow | undefined {
  return rows.find((r): r is PosixRow => r.kind === 'posix' && r.name === name);
}

const uid = process.getuid!();
const userName = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();

describe('System V rows', () => {
  it('has every /proc/sysvipc/shm field of a segment made by ipcmk', () => {
    const before = Math.floor(Date.now() / 1000);
    const id = newSysv(4096, '0640');
    const row = sysvRow(id);
    expect(row).toBeDefined();
    expect(row).toMatchObject({
      kind: 'sysv', ref: `sysv:${id}`, id, name: null, size: 4096, perms: '0640', mode: 0o640,
      uid, cuid: uid, owner: userName, nattch: 0, attachers: [], unreadableProcesses: 0,
      lpid: 0, atime: 0, dtime: 0, rss: 0, swap: 0, dest: false, locked: false,
    });
    expect(row!.key).toMatch(/^0x[0-9a-f]{8}$/);
    expect(row!.keyNumber).toBe(parseInt(row!.key, 16));
    expect(row!.cpid).toBeGreaterThan(0);
    expect(row!.ctime).toBeGreaterThanOrEqual(before - 1);
  });

  it('shows the key it was created with, as 0x%08x', () => {
    const key = uniqueSysvKey();
    const id = shmgetKey(key, 8192, '0600');
    sysvIds.push(id);
    expect(sysvRow(id)).toMatchObject({ key: `0x${key.toString(16).padStart(8, '0')}`, keyNumber: key, size: 8192, perms: '0600' });
  });

  it('lists attachers with pid, command, uid and ro/rw access; rss is in bytes', async () => {
    const id = newSysv(3 * 4096);
    const rw = await child('sysv', String(id), 'rw', '1', String(2 * 4096)); // touches two pages
    const ro = await child('sysv', String(id), 'ro', '1');
    const row = sysvRow(id)!;
    expect(row.nattch).toBe(2);
    expect(row.rss).toBe(2 * 4096);
    expect(row.lpid).toBe(ro.pid);
    expect(row.atime).toBeGreaterThan(0);
    expect(row.unreadableProcesses).toBe(0);
    const byPid = new Map(row.attachers.map((a) => [a.pid, a]));
    expect([...byPid.keys()].sort()).toEqual([rw.pid, ro.pid].sort());
    expect(byPid.get(rw.pid)).toMatchObject({ access: 'rw', command: 'python3', uid, user: userName });
    expect(byPid.get(ro.pid)).toMatchObject({ access: 'ro', command: 'python3', uid, user: userName });
    for (const a of row.attachers) {
      expect(a.start).toMatch(/^0x[0-9a-f]+$/);
      expect(BigInt(a.end) - BigInt(a.start)).toBe(3n * 4096n);
    }
  });

  it('reports a process that attached twice once (the kernel counts two)', async () => {
    const id = newSysv();
    const twice = await child('sysv', String(id), 'rw', '2');
    const row = sysvRow(id)!;
    expect(row.nattch).toBe(2);
    expect(row.attachers.map((a) => a.pid)).toEqual([twice.pid]);
    expect(row.unreadableProcesses).toBe(0);
  });

  it('shows a segment removed while attached as dest, key 0, still with its attacher', async () => {
    const id = newSysv();
    const holder = await child('sysv', String(id), 'ro', '1');
    execFileSync('ipcrm', ['-m', String(id)]);
    const row = sysvRow(id)!;
    expect(row).toMatchObject({ dest: true, key: '0x00000000', nattch: 1, perms: '0640' });
    expect(row.attachers.map((a) => a.pid)).toEqual([holder.pid]);
    await holder.stop();
    expect(sysvRow(id)).toBeUndefined(); // gone with its last attacher
  });

  it.runIf(uid === 0)('shows SHM_LOCK as locked', () => {
    const id = newSysv();
    shmLock(id);
    expect(sysvRow(id)).toMatchObject({ locked: true, dest: false, perms: '0640', mode: 0o640 });
  });
});

describe('POSIX rows', () => {
  it('lists /dev/shm objects with name, size, mode, owner and mtime; skips sem.* and non-files', () => {
    const name = newPosix('scan-row', 12345, 0o640);
    const sem = `sem.${uniquePosixName('scan-sem').slice(1)}`;
    posixNames.push(sem);
    writeFileSync(`/dev/shm/${sem}`, Buffer.alloc(32));
    const dir = uniquePosixName('scan-dir').slice(1);
    mkdirSync(`/dev/shm/${dir}`);
    try {
      const rows = scanSegments().segments;
      const row = posixRow(name, rows);
      expect(row).toMatchObject({
        kind: 'posix', ref: `posix:${name}`, key: null, id: null, name, size: 12345, perms: '0640', mode: 0o640,
        uid, owner: userName, nattch: 0, attachers: [], cpid: null, lpid: null,
      });
      expect(Math.abs(row!.mtime - Date.now())).toBeLessThan(60_000);
      expect(posixRow(sem, rows)).toBeUndefined();
      expect(posixRow(dir, rows)).toBeUndefined();
    } finally {
      rmSync(`/dev/shm/${dir}`, { recursive: true, force: true });
    }
  });

  it('counts distinct mapping processes as nattch, with ro/rw access', async () => {
    const name = newPosix('scan-att', 8192);
    const rw = await child('posix', `/dev/shm/${name}`, 'rw', '1');
    const ro = await child('posix', `/dev/shm/${name}`, 'ro', '2'); // two ranges, one process
    const row = posixRow(name)!;
    expect(row.nattch).toBe(2);
    const byPid = new Map(row.attachers.map((a) => [a.pid, a]));
    expect(byPid.get(rw.pid)).toMatchObject({ access: 'rw', command: 'python3', uid, user: userName });
    expect(byPid.get(ro.pid)).toMatchObject({ access: 'ro', command: 'python3' });
    expect(BigInt(byPid.get(ro.pid)!.end) - BigInt(byPid.get(ro.pid)!.start)).toBe(8192n);
  });

  it("finds an object made by Python's multiprocessing.shared_memory, with its creator attached", async () => {
    const name = uniquePosixName('scan-mp').slice(1);
    posixNames.push(name);
    const creator = await child('mpshm', name, '4096');
    const row = posixRow(name)!;
    expect(row).toMatchObject({ size: 4096, perms: '0600', nattch: 1 });
    expect(row.attachers.map((a) => a.pid)).toEqual([creator.pid]);
  });
});

describe('whole scan', () => {
  it('counts the processes it read, lists SysV rows by id, then POSIX rows by name', () => {
    const result = scanSegments();
    expect(result.scannedProcesses).toBeGreaterThan(1);
    expect(result.unreadableProcesses).toBeGreaterThanOrEqual(0);
    const kinds = result.segments.map((r) => r.kind);
    expect(kinds.lastIndexOf('sysv')).toBeLessThan(kinds.indexOf('posix') === -1 ? Infinity : kinds.indexOf('posix'));
    const ids = result.segments.flatMap((r) => (r.kind === 'sysv' ? [r.id] : []));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });
});

describe('attachers made through the native addon (test/helpers/children.ts)', () => {
  it('sees node processes holding SysV and POSIX segments via the addon, ro and rw', async () => {
    const id = newSysv();
    const name = newPosix('scan-addon');
    const held: Array<{ stop(): Promise<void> }> = [];
    try {
      const sysvRo = await spawnAttacher('sysv', id, 'ro');
      held.push(sysvRo);
      const posixRw = await spawnAttacher('posix', `/${name}`, 'rw');
      held.push(posixRw);
      const rows = scanSegments().segments;
      const sysv = sysvRow(id, rows)!;
      const posix = posixRow(name, rows)!;
      expect(sysv.nattch).toBe(1);
      expect(sysv.attachers).toEqual([expect.objectContaining({ pid: sysvRo.pid, access: 'ro', uid })]);
      expect(posix.nattch).toBe(1);
      expect(posix.attachers).toEqual([expect.objectContaining({ pid: posixRw.pid, access: 'rw', uid })]);
    } finally {
      await Promise.all(held.map((h) => h.stop()));
    }
  });
});
