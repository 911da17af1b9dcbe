// Small helpers for reading /proc and friends without throwing on the expected errors.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

/** errno code of a thrown fs error, or undefined. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** A process that went away while we were looking at it. */
export function isGone(code: string | undefined): boolean {
  return code === 'ENOENT' || code === 'ESRCH';
}

/** Reads a text file as latin1 (fast, byte-preserving). Returns null if it does not exist. */
export function readTextOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'latin1');
  } catch (err) {
    if (isGone(errnoCode(err))) return null;
    throw err;
  }
}

let shared = Buffer.allocUnsafe(256 * 1024);

/**
 * Reads a whole (/proc) file into a buffer that is reused by the next call: no stat, no copy, no
 * string. Returns a view of the bytes; it is only valid until the next call. Throws fs errors.
 */
export function readShared(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    let length = 0;
    for (;;) {
      if (length === shared.length) {
        const bigger = Buffer.allocUnsafe(shared.length * 2);
        shared.copy(bigger, 0, 0, length);
        shared = bigger;
      }
      const n = readSync(fd, shared, length, shared.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return shared.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}
