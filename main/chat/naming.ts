// Room names and the System V keys they live at (documented in docs/channel-format.md).
// A room is found by key, so every process must compute the same key from the same
// name: key = 0x53000000 | (FNV-1a-32(name) & 0x00ffffff). The 0x53 ('S') top byte
// keeps rooms in one recognisable block; 24 hash bits make collisions rare, and a
// collision is caught because the header stores the full room name (code 'EEXIST').

export const ROOM_KEY_PREFIX = 0x53000000;
import { ROOM_NAME_MAX_BYTES } from '../../common/limits';

// Room names are ASCII, so characters are bytes.
export const ROOM_NAME_MAX = ROOM_NAME_MAX_BYTES;
const ROOM_NAME = new RegExp(`^[A-Za-z0-9._-]{1,${ROOM_NAME_MAX}}$`);

/** FNV-1a, 32 bits, over the UTF-8 bytes (room names are ASCII anyway). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Why `name` is not a valid room name, or null when it is. */
export function roomNameProblem(name: string): string | null {
  if (ROOM_NAME.test(name)) return null;
  return `invalid room name ${JSON.stringify(name)}: use 1 to ${ROOM_NAME_MAX} characters of A-Z a-z 0-9 . _ -`;
}

/** Throws a RangeError (code ERR_INVALID_ARG_VALUE) for an invalid room name. */
export function validateRoomName(name: string): string {
  const problem = roomNameProblem(name);
  if (problem !== null) throw Object.assign(new RangeError(problem), { code: 'ERR_INVALID_ARG_VALUE' });
  return name;
}

/** The System V key of a room. */
export function roomKey(name: string): number {
  validateRoomName(name);
  return (ROOM_KEY_PREFIX | (fnv1a32(name) & 0x00ffffff)) >>> 0;
}

/** Whether a key lies in the block room keys use (the header decides whether it is a channel). */
export function isRoomKey(key: number): boolean {
  return ((key >>> 24) << 24) >>> 0 === ROOM_KEY_PREFIX;
}
