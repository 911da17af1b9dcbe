// What the CLI prints: every string from outside shmscope goes through `visible` (the escape is
// documented in common/visible.ts, shared with the UI), and --json stays exact but plain ASCII
// where a terminal or a bidi-aware viewer would act on a character.
export { visible } from '../../common/visible';
import { visibleLines } from '../../common/visible';

/**
 * `prefix` then the message; a message's further lines are indented by the prefix's width, so a
 * line inside a message cannot pass for the start of a new one ("[12:00:00] <root@1> ...").
 */
export function hangingLines(prefix: string, text: string): string {
  const indent = ' '.repeat(prefix.length);
  return visibleLines(text).map((line, i) => (i === 0 ? prefix : indent) + line).join('\n');
}

// JSON.stringify escapes C0 controls but writes DEL, C1 controls and bidi characters raw: a
// terminal may act on U+009B (CSI) as on ESC [. Written as \uXXXX they parse back the same.
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** JSON.stringify, with the characters above escaped: exact when parsed, inert when printed. */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(RAW_IN_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
