// Segment references as users type them: sysv:ID, key:0xHEX (or decimal), posix:NAME,
// and room:NAME for the segment of a shmscope chat room; and, for what has no name, the
// identity the scanner found it by: memfd:DEV:INO, anon:DEV:INO, posix-deleted:DEV:INO (DEV as
// /proc/PID/maps prints it, "00:01") and ipcns:NSINODE:ID (a SysV segment of another IPC namespace).
import { roomKey, roomNameProblem } from '../chat/naming';
import { ShmscopeError } from '../errors';
import { escapePosixName, MAX_POSIX_NAME_BYTES, unescapePosixName } from './posix-name';

export type SegmentRef =
  | { kind: 'sysv'; id: number }
  /** room: the room a room:NAME reference named, so messages name it as the user did. */
  | { kind: 'key'; key: number; room?: string }
  /** name: "/" + the canonical escaped spelling of the name's bytes (posix-name.ts), as listed;
   *  posixNameBytes(name) gives the bytes that shm_open takes. */
  | { kind: 'posix'; name: string }
  /** An object reachable only through the mappings (or fds) of the processes that have it. */
  | { kind: 'mapped'; scheme: MappedScheme; dev: string; ino: number }
  | { kind: 'ipcns'; ns: number; id: number };

export type MappedScheme = 'memfd' | 'anon' | 'posix-deleted';

/** "00:01:50359" → dev "00:01", ino 50359 (major and minor in lowercase hex, as maps prints them). */
const DEV_INO = /^([0-9a-f]{2,3}:[0-9a-f]{2,5}):([0-9]{1,16})$/;

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

/** A POSIX object name (escaped spelling, with or without the leading slash) validated like
 *  shm_open wants it, as "/" + its canonical escaped spelling. */
export function normalizePosixName(name: string): string {
  const subject = `posix:${name.startsWith('/') ? name.slice(1) : name}`;  // refs are spelled one way
  const bytes = unescapePosixName(name.startsWith('/') ? name.slice(1) : name);
  if (!Buffer.isBuffer(bytes)) throw new ShmscopeError(subject, bytes.problem, 'EINVAL');
  const bare = bytes.toString('latin1');  // byte-for-byte, only for the checks below
  if (bare.length === 0 || bare.includes('/') || bare === '.' || bare === '..' || bare.includes('\0')) {
    throw new ShmscopeError(subject, 'a POSIX shared memory name is one path component without "/" or NUL (e.g. posix:demo)', 'EINVAL');
  }
  // NAME_MAX counts bytes: 200 "é" are 400 bytes, too long for shm_open although 200 characters.
  if (bytes.length > MAX_POSIX_NAME_BYTES) {
    throw new ShmscopeError(subject, `name is longer than ${MAX_POSIX_NAME_BYTES} bytes (it has ${bytes.length})`, 'ENAMETOOLONG');
  }
  return `/${escapePosixName(bytes)}`;
}

/** The bytes shm_open takes ("/" included) for a name normalizePosixName returned. */
export function posixNameBytes(name: string): Buffer {
  const bytes = unescapePosixName(name.slice(1));
  if (!Buffer.isBuffer(bytes)) throw new ShmscopeError(`posix:${name.slice(1)}`, bytes.problem, 'EINVAL');
  return Buffer.concat([Buffer.from('/'), bytes]);
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
      return { kind: 'key', key: roomKey(value), room: value };
    }
    case 'memfd':
    case 'anon':
    case 'posix-deleted': {
      const m = DEV_INO.exec(value);
      const ino = m === null ? undefined : parseUnsigned(m[2]!);
      if (m === null || ino === undefined) throw badRef(text, `${scheme}: takes DEV:INODE as ls lists it (e.g. ${scheme}:00:01:4242)`);
      return { kind: 'mapped', scheme, dev: m[1]!, ino };
    }
    case 'ipcns': {
      const m = /^([0-9]{1,16}):([0-9]{1,10})$/.exec(value);
      const ns = m === null ? undefined : parseUnsigned(m[1]!);
      const id = m === null ? undefined : parseUnsigned(m[2]!);
      if (ns === undefined || id === undefined || id > 0x7fffffff) throw badRef(text, 'ipcns: takes NSINODE:SHMID as ls lists it (e.g. ipcns:4026532281:0)');
      return { kind: 'ipcns', ns, id };
    }
    default:
      throw badRef(text, 'a segment reference is sysv:ID, key:0xHEX (or decimal), posix:NAME, room:NAME, or memfd:, anon:, posix-deleted:, ipcns: as ls lists them');
  }
}

export function formatRef(ref: SegmentRef): string {
  switch (ref.kind) {
    case 'sysv': return `sysv:${ref.id}`;
    case 'key': return ref.room !== undefined ? `room:${ref.room}` : `key:${formatKey(ref.key)}`;
    case 'posix': return `posix:${ref.name.slice(1)}`;
    case 'mapped': return `${ref.scheme}:${ref.dev}:${ref.ino}`;
    case 'ipcns': return `ipcns:${ref.ns}:${ref.id}`;
  }
}

/** System V keys the way ipcs prints them: 0x%08x. */
export function formatKey(key: number): string {
  return `0x${(key >>> 0).toString(16).padStart(8, '0')}`;
}

function badRef(text: string, why: string): ShmscopeError {
  return new ShmscopeError(text === '' ? '(empty reference)' : text, why, 'EINVAL');
}
