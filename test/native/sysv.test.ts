// System V segments through the addon, against the real kernel.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { native, type SysvAttachment } from '../../main/native';
import { type Holder as Attacher, spawnAttacher } from '../helpers/children';
import { uniqueSysvKey } from '../helpers/unique';
import { thrown, tryEach } from './errors';

const addon = native();
const created: number[] = [];
const handles: SysvAttachment[] = [];
const children: Attacher[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) await child.stop();
  tryEach(handles.splice(0).map((h) => () => h.close()));
  tryEach(created.splice(0).map((id) => () => addon.sysvRemove(id)));
});

function create(size = 4096, mode = 0o600, key = uniqueSysvKey()): { key: number; shmid: number } {
  const shmid = addon.sysvGet(key, { create: true, exclusive: true, mode, size });
  created.push(shmid);
  return { key, shmid };
}

function attach(shmid: number, readOnly: boolean): SysvAttachment {
  const handle = new addon.SysvAttachment(shmid, readOnly);
  handles.push(handle);
  return handle;
}

/** The kernel's own row for a shmid in /proc/sysvipc/shm, by column name. */
function procRow(shmid: number): Record<string, number> {
  const [header, ...lines] = readFileSync('/proc/sysvipc/shm', 'utf8').trim().split('\n');
  const names = header!.trim().split(/\s+/);
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    if (Number(fields[1]) !== shmid) continue;
    return Object.fromEntries(names.map((name, i) => [name, name === 'perms' ? parseInt(fields[i]!, 8) : Number(fields[i])]));
  }
  throw new Error(`shmid ${shmid} not in /proc/sysvipc/shm`);
}

describe('sysvGet / sysvStat', () => {
  it('creates a segment whose stat matches the request and the kernel', () => {
    const before = Math.floor(Date.now() / 1000);
    const { key, shmid } = create(4096, 0o640);
    const st = addon.sysvStat(shmid);
    expect(st).toMatchObject({
      shmid, key, size: 4096, nattch: 0, cpid: process.pid, lpid: 0, mode: 0o640,
      uid: process.getuid!(), gid: process.getgid!(), cuid: process.getuid!(), cgid: process.getgid!(),
      atime: 0, dtime: 0, dest: false, locked: false,
    });
    expect(st.ctime).toBeGreaterThanOrEqual(before - 1);
    expect(st.ctime).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 1);

    const row = procRow(shmid);
    expect(row.key! >>> 0).toBe(key);
    expect(row.size).toBe(st.size);
    expect(row.cpid).toBe(st.cpid);
    expect(row.nattch).toBe(st.nattch);
    expect(row.perms! & 0o777).toBe(st.mode);
    expect(row.uid).toBe(st.uid);
  });

  it('opens an existing segment by key and refuses IPC_EXCL on it', () => {
    const { key, shmid } = create();
    expect(addon.sysvGet(key, { create: false, exclusive: false, mode: 0, size: 0 })).toBe(shmid);
    expect(addon.sysvGet(key, { create: true, exclusive: false, mode: 0o600, size: 4096 })).toBe(shmid);
    const error = thrown(() => addon.sysvGet(key, { create: true, exclusive: true, mode: 0o600, size: 4096 }));
    expect(error.code).toBe('EEXIST');
    expect(error.syscall).toBe('shmget');
    expect(error.message).toContain(`key:0x${key.toString(16).padStart(8, '0')}`);
  });

  it('reports ENOENT for a key nobody created', () => {
    const key = uniqueSysvKey();
    const error = thrown(() => addon.sysvGet(key, { create: false, exclusive: false, mode: 0, size: 0 }));
    expect(error.code).toBe('ENOENT');
    expect(error.subject).toBe(`key:0x${key.toString(16).padStart(8, '0')}`);
  });

  it('creates a fresh IPC_PRIVATE segment for key 0 every time', () => {
    const a = create(4096, 0o600, 0).shmid;
    const b = create(4096, 0o600, 0).shmid;
    expect(a).not.toBe(b);
    expect(addon.sysvStat(a).key).toBe(0);
  });

  it('rejects mode bits beyond 0777 and bad numbers', () => {
    const key = uniqueSysvKey();
    expect(thrown(() => addon.sysvGet(key, { create: true, exclusive: true, mode: 0o1777, size: 4096 }))).toBeInstanceOf(RangeError);
    expect(thrown(() => addon.sysvGet(-1, { create: false, exclusive: false, mode: 0, size: 0 }))).toBeInstanceOf(RangeError);
    expect(thrown(() => addon.sysvGet(2 ** 32, { create: false, exclusive: false, mode: 0, size: 0 }))).toBeInstanceOf(RangeError);
    expect(thrown(() => addon.sysvGet(key, { create: true, exclusive: true, mode: 0o600, size: -1 }))).toBeInstanceOf(RangeError);
    expect(thrown(() => addon.sysvStat(Number.NaN))).toBeInstanceOf(RangeError);
    expect(thrown(() => addon.sysvStat('1' as unknown as number))).toBeInstanceOf(TypeError);
  });

  it('stat of a missing shmid is an OS error naming it', () => {
    const { shmid } = create();
    addon.sysvRemove(shmid);
    const error = thrown(() => addon.sysvStat(shmid));
    expect(['EINVAL', 'EIDRM']).toContain(error.code);
    expect(error.message).toContain(`sysv:${shmid}`);
    expect(thrown(() => addon.sysvRemove(shmid)).subject).toBe(`sysv:${shmid}`);
  });
});

describe('SysvAttachment', () => {
  it('round-trips bytes between a read-write and a read-only attachment', () => {
    const { shmid } = create(4096);
    const rw = attach(shmid, false);
    const ro = attach(shmid, true);
    expect(rw).toMatchObject({ shmid, size: 4096, readOnly: false, closed: false });
    expect(ro.readOnly).toBe(true);
    rw.write(100, Buffer.from('hello shm'));
    rw.write(4090, new Uint8Array([1, 2, 3, 4, 5, 6]));
    expect(ro.read(100, 9).toString()).toBe('hello shm');
    expect([...ro.read(4090, 6)]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(ro.read(0, 0).length).toBe(0);
    expect(ro.read(4096, 0).length).toBe(0);
    const st = addon.sysvStat(shmid);
    expect(st.nattch).toBe(2);
    expect(st.lpid).toBe(process.pid);
    expect(st.atime).toBeGreaterThan(0);
  });

  it('returns a copy, not a view of the segment', () => {
    const { shmid } = create(4096);
    const rw = attach(shmid, false);
    rw.write(0, Buffer.from('abcd'));
    const copy = rw.read(0, 4);
    rw.write(0, Buffer.from('wxyz'));
    expect(copy.toString()).toBe('abcd');
    copy[0] = 0;
    expect(rw.read(0, 1).toString()).toBe('w');
  });

  it('counts attachments of other processes (nattch, lpid) and their detach', async () => {
    const { shmid } = create(4096);
    const child = await spawnAttacher('sysv', shmid, 'ro');
    children.push(child);
    let st = addon.sysvStat(shmid);
    expect(st.nattch).toBe(1);
    expect(st.lpid).toBe(child.pid);
    const own = attach(shmid, true);
    expect(addon.sysvStat(shmid).nattch).toBe(2);
    own.close();
    await child.stop();
    st = addon.sysvStat(shmid);
    expect(st.nattch).toBe(0);
    expect(st.dtime).toBeGreaterThan(0);
  });

  it('marks a removed but still attached segment as dest', () => {
    const { shmid } = create(4096);
    const handle = attach(shmid, false);
    addon.sysvRemove(shmid);
    expect(addon.sysvStat(shmid).dest).toBe(true);
    handle.write(0, Buffer.from('still mapped'));
    expect(handle.read(0, 12).toString()).toBe('still mapped');
    handle.close();
    expect(['EINVAL', 'EIDRM']).toContain(thrown(() => addon.sysvStat(shmid)).code);
  });

  it('gives a RangeError naming the segment for ranges outside it', () => {
    const { shmid } = create(4096);
    const h = attach(shmid, false);
    const error = thrown(() => h.read(4090, 16));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe(`sysv:${shmid}: read of 16 bytes at offset 4090 is outside the segment (4096 bytes)`);
    expect(thrown(() => h.read(4097, 0))).toBeInstanceOf(RangeError);
    expect(thrown(() => h.read(2 ** 53 - 1, 1))).toBeInstanceOf(RangeError);
    expect(thrown(() => h.read(1, 2 ** 53 - 1))).toBeInstanceOf(RangeError);
    expect(thrown(() => h.read(2 ** 53, 1))).toBeInstanceOf(RangeError);
    expect(thrown(() => h.read(-1, 1))).toBeInstanceOf(RangeError);
    expect(thrown(() => h.read(Number.NaN, 1))).toBeInstanceOf(RangeError);
    expect(thrown(() => h.read(0, Number.POSITIVE_INFINITY))).toBeInstanceOf(RangeError);
    expect(thrown(() => h.read(0.5, 1))).toBeInstanceOf(RangeError);
    expect(thrown(() => h.read('0' as unknown as number, 1))).toBeInstanceOf(TypeError);
    expect(thrown(() => h.write(4095, Buffer.alloc(2))).message).toContain('write of 2 bytes at offset 4095');
    expect(thrown(() => h.write(2 ** 53 - 1, Buffer.alloc(1)))).toBeInstanceOf(RangeError);
    expect(thrown(() => h.write(0, 'text' as unknown as Uint8Array))).toBeInstanceOf(TypeError);
    expect(thrown(() => h.write(0, new Uint16Array(2) as unknown as Uint8Array))).toBeInstanceOf(TypeError);
  });

  it('refuses to write through a read-only attachment with EACCES', () => {
    const { shmid } = create(4096);
    const ro = attach(shmid, true);
    const error = thrown(() => ro.write(0, Buffer.from('x')));
    expect(error.code).toBe('EACCES');
    expect(error.message).toContain(`sysv:${shmid}`);
    expect(error.message).toContain('read-only');
  });

  it('closes idempotently and reports ECLOSED on use after close', () => {
    const { shmid } = create(4096);
    const h = attach(shmid, false);
    h.close();
    h.close();
    expect(h.closed).toBe(true);
    expect(h.size).toBe(4096);
    expect(addon.sysvStat(shmid).nattch).toBe(0);
    for (const use of [() => h.read(0, 1), () => h.write(0, Buffer.alloc(1))]) {
      const error = thrown(use);
      expect(error.code).toBe('ECLOSED');
      expect(error.message).toContain(`sysv:${shmid}`);
    }
  });

  it('fails to attach a missing shmid with an OS error', () => {
    const { shmid } = create(4096);
    addon.sysvRemove(shmid);
    const error = thrown(() => new addon.SysvAttachment(shmid, true));
    expect(['EINVAL', 'EIDRM']).toContain(error.code);
    expect(error.subject).toBe(`sysv:${shmid}`);
  });
});

describe('ftok', () => {
  it('gives the key glibc computes from the inode, device and project id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shmscope-ftok-'));
    try {
      const path = join(dir, 'anchor');
      writeFileSync(path, '');
      const st = statSync(path, { bigint: true });
      const expected = ((0x41 << 24) | (Number(st.dev & 0xffn) << 16) | Number(st.ino & 0xffffn)) >>> 0;
      expect(addon.ftok(path, 0x41)).toBe(expected);
      expect(addon.ftok(path, 0x41)).toBe(addon.ftok(path, 0x41));
      expect(addon.ftok(path, 0x42)).not.toBe(addon.ftok(path, 0x41));
      expect(addon.ftok(path, 0xff) >>> 24).toBe(0xff);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the path when it does not exist', () => {
    const path = join(tmpdir(), `shmscope-missing-${process.pid}-${Date.now()}`);
    const error = thrown(() => addon.ftok(path, 1));
    expect(error.code).toBe('ENOENT');
    expect(error.message).toContain(path);
  });

  it('refuses project ids ftok would silently change', () => {
    expect(thrown(() => addon.ftok('/', 0))).toBeInstanceOf(RangeError);
    expect(thrown(() => addon.ftok('/', 256))).toBeInstanceOf(RangeError);
    expect(thrown(() => addon.ftok(1 as unknown as string, 1))).toBeInstanceOf(TypeError);
  });
});
