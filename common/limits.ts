// Name and nick limits, one place. The C++ enforces them and exports them (the addon's LIMITS);
// these are the same numbers for code that cannot load the addon (the contract's validators in
// the preload and the renderer). test/unit/limits-agree.test.ts asserts the two agree. All are
// counts of UTF-8 bytes, as the C++ and the kernel count them. Pure: no Node, no DOM.

/** A room's name in the channel header. */
export const ROOM_NAME_MAX_BYTES = 64;
/** A nick in a presence slot and a message record. */
export const NICK_MAX_BYTES = 32;
/** A POSIX shared memory name after the leading '/': NAME_MAX. */
export const POSIX_NAME_MAX_BYTES = 255;

const utf8 = new TextEncoder();

/** UTF-8 length of a string, as the C++ sees it. */
export function utf8Bytes(text: string): number {
  return utf8.encode(text).length;
}

/** Why `nick` is too long, or null: at most NICK_MAX_BYTES bytes of UTF-8 ("é" is 2). */
export function nickProblem(nick: string): string | null {
  const bytes = utf8Bytes(nick);
  return bytes > NICK_MAX_BYTES ? `nick must be at most ${NICK_MAX_BYTES} bytes of UTF-8 (it has ${bytes})` : null;
}
