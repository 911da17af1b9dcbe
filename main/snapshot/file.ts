// Reading a snapshot file, or a raw file of bytes, as a ByteSource. The file is untrusted: it is
// opened without following a symlink and must have a single hard link (a link planted where root
// will read would feed any file root can read into a segment others read), must be a regular file
// (a FIFO or device would block or never end), and a snapshot's header and checksum are checked
// before any of its bytes are used.
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { errorCode, ShmscopeError } from '../errors';
import { MAGIC, MAGIC_PREFIX, MAX_HEADER_BYTES, parseHeader } from './format';
import type { ByteSource } from './byte-source';

/** Reads are this big at most, so a large file never sits in memory whole. */
export const CHUNK_BYTES = 1 << 20;

/** A Node fs error as a ShmscopeError naming the file: "FILE: cannot open: no such file or directory (ENOENT)". */
export function fileError(file: string, doing: string, error: unknown): Error {
  const code = errorCode(error);
  if (code === undefined || !(error instanceof Error)) return error instanceof Error ? error : new Error(String(error));
  if (code === 'ELOOP') return new ShmscopeError(file, `is a symbolic link — refusing to follow it (give the file it points to)`, code);
  // Node's message is "ENOENT: no such file or directory, open '/x'": keep the reason only.
  const reason = /^[A-Z]+: ([^,]+)/.exec(error.message)?.[1] ?? error.message;
  return new ShmscopeError(file, `cannot ${doing}: ${reason}`, code);
}

/** Exactly `length` bytes at `position`, or ETRUNCATED when the file ends first. */
function readFully(fd: number, file: string, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    let got: number;
    try {
      got = readSync(fd, buffer, done, length - done, position + done);
    } catch (error) {
      throw fileError(file, 'read', error);
    }
    if (got === 0) throw new ShmscopeError(file, `ends at byte ${position + done}, before the ${length} bytes expected there (the file changed while being read?)`, 'ETRUNCATED');
    done += got;
  }
  return buffer;
}

/** Opens FILE: a shmscope snapshot when it starts with "shmscope-snapshot/", raw bytes otherwise. */
export function openFileSource(file: string): ByteSource {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    throw fileError(file, 'open', error);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new ShmscopeError(file, 'is not a regular file — refusing to read it', 'ENOTREG');
    if (stat.nlink > 1) throw new ShmscopeError(file, `has ${stat.nlink} hard links — refusing to read it (another user may have linked in a file only root can read; copy it first)`, 'EMLINK');
    const head = readFully(fd, file, 0, Math.min(stat.size, MAGIC.length + MAX_HEADER_BYTES));
    const parsed = head.subarray(0, MAGIC_PREFIX.length).equals(Buffer.from(MAGIC_PREFIX, 'latin1')) ? parseHeader(file, head, stat.size) : undefined;
    if (parsed !== undefined) verifyChecksum(fd, file, parsed.dataOffset, parsed.header.size, parsed.header.sha256);
    const dataOffset = parsed?.dataOffset ?? 0;
    return {
      label: file,
      origin: parsed === undefined ? 'raw' : 'snapshot',
      size: parsed?.header.size ?? stat.size,
      snapshot: parsed?.header,
      read: (offset, length) => readFully(fd, file, dataOffset + offset, length),
      close: () => closeSync(fd),
    };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function verifyChecksum(fd: number, file: string, dataOffset: number, size: number, expected: string): void {
  const hash = createHash('sha256');
  for (let at = 0; at < size; at += CHUNK_BYTES) hash.update(readFully(fd, file, dataOffset + at, Math.min(CHUNK_BYTES, size - at)));
  if (hash.digest('hex') !== expected) {
    throw new ShmscopeError(file, 'not a valid shmscope snapshot: its bytes do not match the checksum in its metadata (the file was changed or damaged)', 'EINVAL');
  }
}
