// Small helpers for reading /proc and friends without throwing on the expected errors.
import { readFileSync } from 'node:fs';

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
