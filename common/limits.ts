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

/** UTF-8 length of a string, as the C++ sees it (a lone surrogate counts as U+FFFD, 3 bytes, as
 *  TextEncoder writes it). Counted by hand: the sandboxed preload bundles this file, and its
 *  test runs it where there is no TextEncoder. */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Why `nick` is too long, or null: at most NICK_MAX_BYTES bytes of UTF-8 ("é" is 2). */
export function nickProblem(nick: string): string | null {
  const bytes = utf8Bytes(nick);
  return bytes > NICK_MAX_BYTES ? `nick must be at most ${NICK_MAX_BYTES} bytes of UTF-8 (it has ${bytes})` : null;
}
