// The one visible form of strings that come from outside shmscope (segment and room names,
// process names from /proc, user and group names, nicks, chat messages, OS error text), used by
// the CLI (main/format/terminal.ts) and the UI (renderer/lib/visible.ts). Pure: no Node, no DOM.
//
// Why: shown raw, another user's string can drive the viewer's terminal. ESC ] 2;… retitles it,
// ESC [2J wipes it, ESC [6n makes the terminal type a reply into the viewer's input, CR and LF
// forge lines, and a bidi control reorders what follows (`a\u202Etxt.exe` reads "aexe.txt").
//
// The escape, decided once:
//   - C0 controls and DEL: `\e` (ESC), `\t`, `\n`, `\r`, the others `\xHH` (`\x07`, `\x7f`);
//   - C1 controls U+0080–U+009F: `\u009b`;
//   - bidi controls U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069, and the line and
//     paragraph separators U+2028, U+2029: `<U+202E>`;
//   - everything else, backslash included, as itself.
// It is for reading, not for reversing: a backslash stays a backslash, so a POSIX name already
// spelled in its reference form (`bad\xff`, `a\\b`) shows as that form and can be copied into a
// command. `--json` (and the UI's data) keeps the exact original.

const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\u001b': '\\e', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

const hex = (code: number, digits: number): string => code.toString(16).padStart(digits, '0');

function spell(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  if (code < 0x80) return `\\x${hex(code, 2)}`;
  if (code <= 0x9f) return `\\u${hex(code, 4)}`;
  return `<U+${hex(code, 4).toUpperCase()}>`;
}

/** `text` with every control and bidi character spelled out (see above). */
export function visible(text: string): string {
  return text.replace(HIDDEN, spell);
}

/** A multi-line text (a chat message) as visible lines: split at LF, each line made visible. */
export function visibleLines(text: string): string[] {
  return text.split('\n').map(visible);
}
