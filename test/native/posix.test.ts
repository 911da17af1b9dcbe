// POSIX shared memory objects through the addon, against the real kernel.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { native, type PosixOpenOptions, type PosixSegmentHandle } from '../../main/native';
import { type Holder as Attacher, spawnAttacher } from '../helpers/children';
import { uniquePosixName } from '../helpers/unique';
import { thrown, tryEach } from './errors';

const addon = native();
const names: string[] = [];
const handles: PosixSegmentHandle[] = [];
const children: Attacher[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) await child.stop();
  tryEach(handles.splice(0).map((h) => () => h.close()));
  tryEach(names.splice(0).map((name) => () => addon.posixUnlink(name)));
});

const rw: PosixOpenOptions = { create: false, exclusive: false, mode: 0, readOnly: false };
const ro: PosixOpenOptions = { ...rw, readOnly: true };

function open(name: string, options: PosixOpenOptions): PosixSegmentHandle {
  const handle = new addon.PosixSegment(name, options);
  handles.push(handle);
  return handle;
}

function create(tag: string, size: number, mode = 0o600): { name: string; handle: PosixSegmentHandle } {
  const name = uniquePosixName(tag);
  names.push(name);
  return { name, handle: open(name, { create: true, exclusive: true, mode, readOnly: false, size }) };
}

/** Whether /proc/PID/maps shows a mapping of /dev/shm/NAME. */
function mapsShow(pid: number | 'self', name: string): boolean {
  return readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n').some((line) => line.endsWith(` /dev/shm${name}`));
}

describe('PosixSegment', () => {
  it('creates an object with the exact size and mode asked for, whatever the umask', () => {
    const old = process.umask(0o077);
    let created;
    try {
      created = create('stat', 8192, 0o644);
    } finally {
      process.umask(old);
    }
    const { name, handle } = created;
    const fsStat = statSync(`/dev/shm${name}`);
    const st = handle.stat();
    expect(st).toMatchObject({ size: 8192, mode: 0o644, uid: process.getuid!(), gid: process.getgid!(), dev: fsStat.dev, ino: fsStat.ino });
    expect(fsStat.mode & 0o777).toBe(0o644);
    expect(Math.abs(st.mtimeMs - fsStat.mtimeMs)).toBeLessThan(1);
    expect(handle).toMatchObject({ name: Buffer.from(name), size: 8192, readOnly: false, closed: false });
    expect(mapsShow('self', name)).toBe(true);
  });

  it('round-trips bytes between a read-write and a read-only handle', () => {
    const { name, handle } = create('rw', 4096);
    const reader = open(name, ro);
    expect(reader).toMatchObject({ size: 4096, readOnly: true });
    handle.write(10, Buffer.from('hello posix'));
    handle.write(4092, new Uint8Array([9, 8, 7, 6]));
    expect(reader.read(10, 11).toString()).toBe('hello posix');
    expect([...reader.read(4092, 4)]).toEqual([9, 8, 7, 6]);
    expect(reader.read(4096, 0).length).toBe(0);
    const copy = reader.read(10, 5);
    handle.write(10, Buffer.from('HELLO'));
    expect(copy.toString()).toBe('hello');
  });

  it('is seen mapped by another process that opens it', async () => {
    const { name, handle } = create('child', 4096);
    handle.write(0, Buffer.from('x'));
    const child = await spawnAttacher('posix', name, 'ro');
    children.push(child);
    expect(mapsShow(child.pid, name)).toBe(true);
  });

  it('opens an existing object without resizing it, and refuses O_EXCL on it', () => {
    const { name } = create('excl', 4096);
    const again = open(name, { create: true, exclusive: false, mode: 0o600, readOnly: false, size: 100 });
    expect(again.size).toBe(4096);
    const error = thrown(() => open(name, { create: true, exclusive: true, mode: 0o600, readOnly: false, size: 4096 }));
    expect(error.code).toBe('EEXIST');
    expect(error.subject).toBe(`posix:${name}`);
    expect(error.message).toContain(`posix:${name}`);
  });

  it('reports ENOENT for a missing object, and on unlink of one', () => {
    const name = uniquePosixName('missing');
    const error = thrown(() => open(name, ro));
    expect(error.code).toBe('ENOENT');
    expect(error.syscall).toBe('shm_open');
    expect(error.message).toContain(`posix:${name}`);
    expect(thrown(() => addon.posixUnlink(name)).code).toBe('ENOENT');
  });

  it('handles a zero-size object (nothing mapped) and grows it with truncate()', () => {
    const { name, handle } = create('empty', 0);
    expect(handle.size).toBe(0);
    expect(handle.read(0, 0).length).toBe(0);
    expect(thrown(() => handle.read(0, 1))).toBeInstanceOf(RangeError);
    expect(mapsShow('self', name)).toBe(false);
    handle.truncate(10000);
    expect(handle.size).toBe(10000);
    expect(handle.stat().size).toBe(10000);
    expect(mapsShow('self', name)).toBe(true);
    expect([...handle.read(9996, 4)]).toEqual([0, 0, 0, 0]);
    handle.write(9999, Buffer.from('z'));
    handle.truncate(0);
    expect(mapsShow('self', name)).toBe(false);
    expect(thrown(() => handle.read(9999, 1))).toBeInstanceOf(RangeError);
  });

  it('gives ETRUNCATED, not SIGBUS, when another process truncates the object', () => {
    const { name, handle } = create('trunc', 8192);
    const reader = open(name, ro);
    handle.write(0, Buffer.alloc(8192, 0xab));

    execFileSync('truncate', ['-s', '100', `/dev/shm${name}`]);
    expect([...reader.read(0, 100)].every((b) => b === 0xab)).toBe(true);
    let error = thrown(() => reader.read(0, 4096));
    expect(error.code).toBe('ETRUNCATED');
    expect(error.message).toContain(`posix:${name}`);
    expect(error.message).toContain('now 100 bytes');

    execFileSync('python3', ['-c', `import os; os.truncate('/dev/shm${name}', 0)`]);
    error = thrown(() => reader.read(4096, 16));
    expect(error.code).toBe('ETRUNCATED');
    expect(error.message).toContain('now 0 bytes');
    // A write must not silently grow the object back either.
    expect(thrown(() => handle.write(8000, Buffer.from('late'))).code).toBe('ETRUNCATED');
    expect(statSync(`/dev/shm${name}`).size).toBe(0);
    // Still alive, and the handle still works once the object is big enough again.
    handle.truncate(8192);
    expect(reader.read(8188, 4).length).toBe(4);
  });

  it('gives a RangeError naming the object for ranges outside it', () => {
    const { name, handle } = create('range', 4096);
    const error = thrown(() => handle.read(4090, 16));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe(`posix:${name}: read of 16 bytes at offset 4090 is outside the segment (4096 bytes)`);
    for (const [offset, length] of [[2 ** 53 - 1, 1], [1, 2 ** 53 - 1], [2 ** 53, 0], [-1, 1], [Number.NaN, 1], [0, -0.5]] as const) {
      expect(thrown(() => handle.read(offset, length))).toBeInstanceOf(RangeError);
    }
    expect(thrown(() => handle.write(2 ** 53 - 1, Buffer.alloc(1)))).toBeInstanceOf(RangeError);
    expect(thrown(() => handle.write(0, [1, 2] as unknown as Uint8Array))).toBeInstanceOf(TypeError);
    expect(thrown(() => handle.truncate(-1))).toBeInstanceOf(RangeError);
    expect(thrown(() => handle.truncate(2 ** 53))).toBeInstanceOf(RangeError);
    const name2 = uniquePosixName('badsize');
    expect(thrown(() => open(name2, { create: true, exclusive: true, mode: 0o600, readOnly: false, size: Number.NaN }))).toBeInstanceOf(RangeError);
    expect(thrown(() => open(name2, { create: true, exclusive: true, mode: 0o4777, readOnly: false }))).toBeInstanceOf(RangeError);
    expect(thrown(() => addon.posixUnlink(name2)).code).toBe('ENOENT');
  });

  it('refuses write and truncate on a read-only handle with EACCES', () => {
    const { name } = create('ro', 4096);
    const reader = open(name, ro);
    for (const use of [() => reader.write(0, Buffer.from('x')), () => reader.truncate(10)]) {
      const error = thrown(use);
      expect(error.code).toBe('EACCES');
      expect(error.message).toContain(`posix:${name}`);
      expect(error.message).toContain('read-only');
    }
    expect(reader.stat().size).toBe(4096);
  });

  it('closes idempotently and reports ECLOSED on use after close', () => {
    const { name, handle } = create('close', 4096);
    handle.close();
    handle.close();
    expect(handle.closed).toBe(true);
    expect(mapsShow('self', name)).toBe(false);
    for (const use of [() => handle.read(0, 1), () => handle.write(0, Buffer.alloc(1)), () => handle.stat(), () => handle.truncate(1)]) {
      const error = thrown(use);
      expect(error.code).toBe('ECLOSED');
      expect(error.message).toContain(`posix:${name}`);
    }
  });

  it('rejects invalid names with an EINVAL-coded error naming them', () => {
    for (const name of ['noslash', '/a/b', '/', '', '/.', '/..', '/nul\0byte']) {
      for (const use of [() => open(name, ro), () => addon.posixUnlink(name)]) {
        const error = thrown(use);
        expect(error.code).toBe('EINVAL');
        expect(error.message).toContain(`posix:${name}`);
      }
    }
    expect(thrown(() => open(42 as unknown as string, ro))).toBeInstanceOf(TypeError);
  });

  it('takes names of up to 255 bytes after the slash (NAME_MAX), and refuses 256 with ENAMETOOLONG', () => {
    const base = uniquePosixName('long');
    const longest = base + 'y'.repeat(256 - base.length);
    expect(Buffer.byteLength(longest)).toBe(1 + 255);
    names.push(longest);
    expect(open(longest, { create: true, exclusive: true, mode: 0o600, readOnly: false, size: 1 }).size).toBe(1);
    expect(statSync(`/dev/shm${longest}`).size).toBe(1);
    for (const use of [() => open(`${longest}z`, ro), () => addon.posixUnlink(`${longest}z`)]) {
      expect(thrown(use)).toMatchObject({ code: 'ENAMETOOLONG', message: expect.stringContaining('longer than 255') });
    }
    addon.posixUnlink(longest);
    expect(existsSync(`/dev/shm${longest}`)).toBe(false);
  });
});
