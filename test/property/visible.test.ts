// The one visible form (common/visible.ts) and the CLI's JSON (main/format/terminal.ts): what
// they print holds no character a terminal acts on or that reorders text, and JSON parses back
// to the exact original.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hangingLines, safeJson, visible } from '../../main/format/terminal';

const RUNS = 3000;
/** Controls (C0 incl. LF), DEL, C1, bidi controls and line/paragraph separators. */
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;

/** The same, but LF: indented JSON is made of lines. */
const HIDDEN_BUT_LF = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;

/** Strings rich in the characters that matter, plus any code point at all. */
const hostile = fc.string({
  maxLength: 40,
  unit: fc.oneof(
    fc.integer({ min: 0, max: 0x20 }).map((c) => String.fromCharCode(c)),
    fc.integer({ min: 0x7f, max: 0xa0 }).map((c) => String.fromCharCode(c)),
    fc.constantFrom('\u061c', '\u200e', '\u200f', '\u2028', '\u2029', '\u202a', '\u202e', '\u2066', '\u2069', '\\', 'a', 'é', '😀', '['),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
});

describe('visible', () => {
  it('spells each kind of hidden character as documented, and leaves the rest alone', () => {
    expect(visible('\u001b]2;t\u0007\u001b[2J\r\n\t\u0000\u007f')).toBe('\\e]2;t\\x07\\e[2J\\r\\n\\t\\x00\\x7f');
    expect(visible('\u0080\u009b\u0085')).toBe('\\u0080\\u009b\\u0085');
    expect(visible('a\u202Etxt.exe\u2066\u200F\u061C\u2028')).toBe('a<U+202E>txt.exe<U+2066><U+200F><U+061C><U+2028>');
    expect(visible('posix:bad\\xff é 😀 漢字 \u200D')).toBe('posix:bad\\xff é 😀 漢字 \u200D');
  });

  it('never lets a hidden character through', () => {
    fc.assert(fc.property(hostile, (text) => !HIDDEN.test(visible(text))), { numRuns: RUNS });
  });
});

describe('safeJson', () => {
  it('parses back to the exact value and prints no hidden character', () => {
    fc.assert(fc.property(hostile, hostile, (nick, text) => {
      const json = safeJson({ nick, text, nested: [text] }, 2);
      expect(json).not.toMatch(HIDDEN_BUT_LF);
      expect(JSON.parse(json)).toEqual({ nick, text, nested: [text] });
    }), { numRuns: RUNS });
  });
});

describe('hangingLines', () => {
  it('keeps a message one message: every further line starts with the prefix\'s width of spaces', () => {
    fc.assert(fc.property(hostile, (text) => {
      const prefix = '[12:00:00] <n@1> ';
      const lines = hangingLines(prefix, text).split('\n');
      expect(lines[0]!.startsWith(prefix)).toBe(true);
      for (const line of lines.slice(1)) expect(line.startsWith(' '.repeat(prefix.length))).toBe(true);
      expect(lines.length).toBe(text.split('\n').length);
    }), { numRuns: RUNS });
  });
});
