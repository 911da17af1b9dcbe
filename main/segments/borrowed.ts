// Reading a System V segment through a mapping another process already holds:
// /proc/PID/map_files/START-END opened like a file and read with pread. Nothing attaches, so
// the kernel's lpid, atime, dtime and nattch stay as they were: looking leaves no trace.
// Needs CAP_SYS_ADMIN (root); without it, or without a usable holder, the caller attaches.
// The same machinery reads the objects that have no name (mapped.ts).
//
// The magic link is opened O_PATH first: that runs no driver open(), so a range the holder
// remapped to a device or FIFO since the scan has no side effect. Only a file that is the
// kernel's file for this segment is then reopened for reading (and must be the same inode):
// the kernel makes it a regular file, mode 0777, on an anonymous device (its internal shm
// mount, or hugetlbfs), with the shmid as inode number, owned by the creator's uid and gid.
// A hostile user can mount a tmpfs in a user namespace, map a "/SYSV…" file of the right
// inode number and pass for a holder; that file is owned by them, not by the creator, so
// their bytes are never shown as the segment's.
import { closeSync, constants, fstatSync, openSync, readSync, writeSync, type Stats } from 'node:fs';
import { errorCode, ShmscopeError } from '../errors';
import { devToken } from '../scan/maps';
import type { Segment } from './segment-handle';

/** Where a process maps a segment (the scanner's Attacher has these fields). */
export interface Holder { pid: number; start: string; end: string }

// Linux's O_PATH (the same value on x86-64 and arm64); node:fs does not export it.
const O_PATH = 0o10000000;
const RANGE = /^0x[0-9a-f]{1,16}$/;

/** What the kernel says about the segment (shmctl IPC_STAT, or /proc/sysvipc/shm). */
export interface ShmFacts { shmid: number; size: number; cuid: number; cgid: number }

/** True when `stat` is the kernel's file of the SysV segment `shm` (see the top of this file). */
export function isShmFile(stat: Stats, shm: ShmFacts): boolean {
  return stat.isFile() && (stat.mode & 0o7777) === 0o777 && stat.ino === shm.shmid && stat.uid === shm.cuid &&
    stat.gid === shm.cgid && devToken(stat.dev).startsWith('00:');
}

let denied = false;

/** True once the kernel refused us map_files (no CAP_SYS_ADMIN): then looking for holders is wasted work. */
export function borrowingDenied(): boolean {
  return denied;
}

/** /proc/PID/map_files/START-END of a holder's mapping, or null for a malformed one. */
export function mapFilesPath(holder: Holder): string | null {
  if (!Number.isSafeInteger(holder.pid) || !RANGE.test(holder.start) || !RANGE.test(holder.end)) return null;
  return `/proc/${holder.pid}/map_files/${holder.start.slice(2)}-${holder.end.slice(2)}`;
}

/**
 * A descriptor of the file behind a /proc magic link (map_files or fd), opened only if `accept`
 * says the file is the one we mean (checked on an O_PATH descriptor, so no driver open runs
 * first) and is still the same inode once reopened. Read-only unless `writable`. Null otherwise.
 */
export function openVerifiedLink(path: string, accept: (stat: Stats) => boolean, writable = false): number | null {
  let pathFd: number;
  try {
    pathFd = openSync(path, O_PATH);
  } catch (error) {
    // EPERM: not privileged (for every process, so stop asking); ENOENT: unmapped since the scan.
    if (errorCode(error) === 'EPERM') denied = true;
    return null;
  }
  try {
    const expected = fstatSync(pathFd);
    if (!accept(expected)) return null;
    const fd = openSync(`/proc/self/fd/${pathFd}`, (writable ? constants.O_RDWR : constants.O_RDONLY) | constants.O_NONBLOCK | constants.O_NOCTTY);
    let same = false;
    try {
      const got = fstatSync(fd);
      same = got.dev === expected.dev && got.ino === expected.ino;
    } finally {
      if (!same) closeSync(fd);
    }
    return same ? fd : null;
  } catch {
    return null;
  } finally {
    closeSync(pathFd);
  }
}

/** The segment read through the first holder whose mapping can be opened, or null. Reads are
 *  bounded by the kernel's size of the segment. */
export function openBorrowedSysv(shm: ShmFacts, holders: readonly Holder[]): Segment | null {
  if (denied) return null;
  for (const holder of holders) {
    const path = mapFilesPath(holder);
    const fd = path === null ? null : openVerifiedLink(path, (stat) => isShmFile(stat, shm));
    if (fd !== null) return fdSegment(`sysv:${shm.shmid}`, 'sysv', fd, shm.size, false);
  }
  return null;
}

/** Chunk size of find(): one buffer, reused, so a search allocates once. */
const FIND_CHUNK = 1 << 20;

/** A Segment over a descriptor: pread/pwrite bounded by `size` (never past it, never overflowing). */
export function fdSegment(ref: string, kind: Segment['kind'], fd: number, size: number, writable: boolean): Segment {
  let closed = false;
  const check = (operation: string, offset: number, length: number): void => {
    if (closed) throw new ShmscopeError(ref, `${operation} after close`, 'ECLOSED');
    // The same bounds as the native mappings: against the kernel's size, never overflowing.
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset > size || length > size - offset) {
      throw Object.assign(new RangeError(`${ref}: ${operation} of ${length} bytes at offset ${offset} is outside the segment (${size} bytes)`), { code: 'ERANGE', subject: ref });
    }
  };
  const readInto = (out: Buffer, offset: number, length: number): void => {
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, offset + done);
      if (n === 0) {
        throw new ShmscopeError(ref, `read of ${length} bytes at offset ${offset} failed: the segment's file ends at byte ${offset + done}, it is shorter than its ${size} bytes`, 'ETRUNCATED');
      }
      done += n;
    }
  };
  return {
    ref,
    kind,
    size,
    writable,
    read(offset, length) {
      check('read', offset, length);
      const out = Buffer.alloc(length);
      readInto(out, offset, length);
      return out;
    },
    find(pattern, offset, length) {
      check('find', offset, length);
      if (pattern.length === 0) return -1;
      // pread chunks overlapping by pattern.length - 1, into one buffer.
      const buffer = Buffer.allocUnsafe(Math.min(length, FIND_CHUNK + pattern.length - 1));
      const end = offset + length;
      for (let pos = offset; end - pos >= pattern.length;) {
        const want = Math.min(end - pos, buffer.length);
        readInto(buffer, pos, want);
        const hit = buffer.subarray(0, want).indexOf(pattern);
        if (hit !== -1) return pos + hit;
        pos += want - (pattern.length - 1);
      }
      return -1;
    },
    write(offset, data) {
      if (!writable) throw new ShmscopeError(ref, 'opened read-only (through another process\'s mapping)', 'EACCES');
      check('write', offset, data.length);
      let done = 0;
      while (done < data.length) done += writeSync(fd, data, done, data.length - done, offset + done);
    },
    close() {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
}
