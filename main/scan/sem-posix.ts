// The value of a POSIX named semaphore, read from its file in /dev/shm without touching it.
//
// sem_getvalue would need sem_open, which may create the semaphore, and sem_wait/sem_post change
// it; so we pread the bytes the semaphore lives in (the file is the memory every process maps).
//
// Layout relied on: glibc >= 2.21 `struct new_sem` (sysdeps/nptl/internaltypes.h) on a 64-bit
// little-endian target with __HAVE_64B_ATOMICS (x86-64). The file is one sem_t, 32 bytes:
//   bytes 0..7   uint64_t data   value in the low 32 bits (<= SEM_VALUE_MAX = INT_MAX),
//                                nwaiters (threads in sem_wait's slow path) in the high 32 bits
//   bytes 8..11  int private     FUTEX_SHARED (128) for sem_open, 0 (FUTEX_PRIVATE) after a private sem_init
//   bytes 12..31 padding
// Checked by experiment on this glibc (2.36): value 7 → words 00000007 00000000 00000080; value 0 with
// two threads blocked → 00000000 00000002 00000080. We take the low 31 bits of the first word as the
// value (bit 31 is never set by glibc; musl's same-size layout keeps a waiters flag there) and refuse
// (ELAYOUT) a file of another size, another architecture, or a `private` word that is neither 0 nor 128.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { errnoCode } from './fsutil';

/** sizeof(sem_t) for the layout above. */
export const SEM_FILE_SIZE = 32;
const VALUE_MASK = 0x7fffffff;
const FUTEX_PRIVATE = 0;
const FUTEX_SHARED = 128;

export type SemValue =
  | { ok: true; value: number; waiters: number }
  | { ok: false; code: string; message: string };

function refuse(code: string, message: string): SemValue {
  return { ok: false, code, message };
}

/** Decodes the 32 bytes of a sem_t (the layout above). */
export function decodeSemaphore(bytes: Uint8Array, arch: string = process.arch): SemValue {
  if (arch !== 'x64') return refuse('ELAYOUT', `the glibc semaphore layout on ${arch} is not known to shmscope (only x86-64)`);
  if (bytes.length !== SEM_FILE_SIZE) {
    return refuse('ELAYOUT', `${bytes.length} bytes: not the ${SEM_FILE_SIZE}-byte glibc x86-64 semaphore layout shmscope knows`);
  }
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const shared = view.readUInt32LE(8);
  if (shared !== FUTEX_SHARED && shared !== FUTEX_PRIVATE) {
    return refuse('ELAYOUT', `its "private" word is ${shared}, neither 0 nor 128: not a glibc semaphore layout shmscope knows`);
  }
  return { ok: true, value: view.readUInt32LE(0) & VALUE_MASK, waiters: view.readUInt32LE(4) };
}

/**
 * Reads the semaphore in `path`, which lstat showed as `expected` (a regular file). Opening never
 * blocks and never follows a link (a FIFO or symlink put there meanwhile is refused), and the file
 * opened must be the one listed (same device and inode).
 */
export function readPosixSemaphore(path: string | Buffer, expected: Pick<Stats, 'dev' | 'ino'>): SemValue {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW | constants.O_NOCTTY);
  } catch (err) {
    const code = errnoCode(err) ?? 'EIO';
    if (code === 'ELOOP') return refuse('ELOOP', 'a symbolic link: not opened');
    return refuse(code, `open failed (${code})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return refuse('ENOTREG', 'not a regular file: not read');
    if (st.dev !== expected.dev || st.ino !== expected.ino) return refuse('ESTALE', 'replaced while being read');
    if (st.size !== SEM_FILE_SIZE) {
      return refuse('ELAYOUT', `${st.size} bytes: not the ${SEM_FILE_SIZE}-byte glibc x86-64 semaphore layout shmscope knows`);
    }
    const bytes = Buffer.alloc(SEM_FILE_SIZE);
    const n = readSync(fd, bytes, 0, SEM_FILE_SIZE, 0);
    return decodeSemaphore(bytes.subarray(0, n));
  } catch (err) {
    const code = errnoCode(err) ?? 'EIO';
    return refuse(code, `read failed (${code})`);
  } finally {
    closeSync(fd);
  }
}
