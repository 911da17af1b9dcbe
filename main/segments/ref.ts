// Segment references as users type them: sysv:ID, key:0xHEX (or decimal), posix:NAME,
// and room:NAME for the segment of a shmscope chat room.
import { roomKey, roomNameProblem } from '../chat/naming';
import { ShmscopeError } from '../errors';

export type SegmentRef =
  | { kind: 'sysv'; id: number }
  | { kind: 'key'; key: number }
  | { kind: 'posix'; name: string };

const MAX_POSIX_NAME = 255;

/** Parses an unsigned integer in decimal or 0x-hex, or returns undefined. */
export function parseUnsigned(text: string): number | undefined {
  if (/^0x[0-9a-f]+$/i.test(text)) {
    const value = Number.parseInt(text.slice(2), 16);
    return Number.isSafeInteger(value) ? value : undefined;
  }
  if (/^[0-9]+$/.test(text)) {
    const value = Number(text);
    return Number.isSafeInteger(value) ? value : undefined;
  }
  return undefined;
}

/** A POSIX object name with exactly one leading slash, validated like shm_open wants it. */
export function normalizePosixName(name: string): string {
  const withSlash = name.startsWith('/') ? name : `/${name}`;
  const bare = withSlash.slice(1);
  if (bare.length === 0 || bare.includes('/') || bare === '.' || bare === '..' || bare.includes('\0')) {
    throw new ShmscopeError(`posix:${name}`, 'a POSIX shared memory name is one path component without "/" (e.g. posix:demo)', 'EINVAL');
  }
  // NAME_MAX counts bytes: 200 "é" are 400 bytes, too long for shm_open although 200 characters.
  if (Buffer.byteLength(bare, 'utf8') > MAX_POSIX_NAME) {
    throw new ShmscopeError(`posix:${name}`, `name is longer than ${MAX_POSIX_NAME} bytes`, 'ENAMETOOLONG');
  }
  return withSlash;
}

export function parseRef(text: string): SegmentRef {
  const colon = text.indexOf(':');
  const scheme = colon < 0 ? '' : text.slice(0, colon);
  const value = colon < 0 ? '' : text.slice(colon + 1);
  switch (scheme) {
    case 'sysv': {
      const id = parseUnsigned(value);
      if (id === undefined || id > 0x7fffffff) throw badRef(text, 'sysv: takes a shmid, a non-negative integer (e.g. sysv:32768)');
      return { kind: 'sysv', id };
    }
    case 'key': {
      const key = parseUnsigned(value);
      if (key === undefined || key > 0xffffffff) throw badRef(text, 'key: takes a 32-bit key in hex or decimal (e.g. key:0x000004d2 or key:1234)');
      if (key === 0) throw badRef(text, 'key 0 is IPC_PRIVATE and names no segment; use sysv:ID');
      return { kind: 'key', key };
    }
    case 'posix':
      return { kind: 'posix', name: normalizePosixName(value) };
    case 'room': {
      const problem = roomNameProblem(value);
      if (problem !== null) throw badRef(text, problem);
      return { kind: 'key', key: roomKey(value) };
    }
    default:
      throw badRef(text, 'a segment reference is sysv:ID, key:0xHEX (or decimal), posix:NAME or room:NAME');
  }
}

export function formatRef(ref: SegmentRef): string {
  switch (ref.kind) {
    case 'sysv': return `sysv:${ref.id}`;
    case 'key': return `key:${formatKey(ref.key)}`;
    case 'posix': return `posix:${ref.name.slice(1)}`;
  }
}

/** System V keys the way ipcs prints them: 0x%08x. */
export function formatKey(key: number): string {
  return `0x${(key >>> 0).toString(16).padStart(8, '0')}`;
}

function badRef(text: string, why: string): ShmscopeError {
  return new ShmscopeError(text === '' ? '(empty reference)' : text, why, 'EINVAL');
}
