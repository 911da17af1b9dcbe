// Splits C source into tokens with their line and column. Comments vanish; a line starting
// with '#' becomes one 'directive' token holding that logical line's tokens (backslash-newline
// joins lines), for the preprocessor (preprocess.ts) to act on.
import { LayoutError } from './errors';
import type { SourceLocation } from './types';

export type Token =
  | { kind: 'ident' | 'number' | 'char' | 'string' | 'punct'; text: string; at: SourceLocation }
  | { kind: 'directive'; tokens: Token[]; at: SourceLocation }
  | { kind: 'eof'; text: ''; at: SourceLocation };

// Longest first, so "<<" wins over "<".
const PUNCTUATORS = ['...', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '->', '##', '++', '--',
  '{', '}', '[', ']', '(', ')', ';', ':', ',', '*', '&', '|', '^', '~', '!', '+', '-', '/', '%', '<', '>', '=', '?', '.', '#'];

export function tokenize(source: string, file: string): Token[] {
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  const at = (): SourceLocation => ({ file, line, column: pos - lineStart + 1 });
  const fail = (message: string, where = at()): never => { throw new LayoutError(where, message); };

  /** Skips blanks and comments; stops before a newline when `inDirective` (it ends the directive). */
  function skipSpace(inDirective: boolean): void {
    while (pos < source.length) {
      const c = source[pos]!;
      if (c === '\\' && source[pos + 1] === '\n') { pos += 2; line++; lineStart = pos; continue; }
      if (c === '\n') {
        if (inDirective) return;
        pos++; line++; lineStart = pos;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
        pos++;
      } else if (c === '/' && source[pos + 1] === '/') {
        while (pos < source.length && source[pos] !== '\n') pos++;
      } else if (c === '/' && source[pos + 1] === '*') {
        const start = at();
        const end = source.indexOf('*/', pos + 2);
        if (end < 0) fail('unterminated comment', start);
        for (let i = pos; i < end; i++) if (source[i] === '\n') { line++; lineStart = i + 1; }
        pos = end + 2;
      } else {
        return;
      }
    }
  }

  function quoted(quote: string): string {
    const start = at();
    let end = pos + 1;
    while (end < source.length && source[end] !== quote) {
      if (source[end] === '\n') break;
      end += source[end] === '\\' ? 2 : 1;
    }
    if (source[end] !== quote) fail(`missing terminating ${quote} character`, start);
    const text = source.slice(pos, end + 1);
    pos = end + 1;
    return text;
  }

  function next(): Token {
    const where = at();
    const c = source[pos]!;
    const word = /[A-Za-z_][A-Za-z0-9_]*/y;
    word.lastIndex = pos;
    const ident = word.exec(source);
    if (ident) { pos += ident[0].length; return { kind: 'ident', text: ident[0], at: where }; }
    const numeric = /\.?[0-9](?:[eEpP][+-]|[0-9A-Za-z_.])*/y;
    numeric.lastIndex = pos;
    const number = numeric.exec(source);
    if (number) { pos += number[0].length; return { kind: 'number', text: number[0], at: where }; }
    if (c === '\'') return { kind: 'char', text: quoted('\''), at: where };
    if (c === '"') return { kind: 'string', text: quoted('"'), at: where };
    const punct = PUNCTUATORS.find((p) => source.startsWith(p, pos));
    if (punct !== undefined) { pos += punct.length; return { kind: 'punct', text: punct, at: where }; }
    return fail(`unexpected character '${c.codePointAt(0)! < 0x21 || c.codePointAt(0)! > 0x7e ? `\\u{${c.codePointAt(0)!.toString(16)}}` : c}'`);
  }

  const tokens: Token[] = [];
  let atLineStart = true;
  for (;;) {
    const before = line;
    skipSpace(false);
    if (line !== before) atLineStart = true;
    if (pos >= source.length) break;
    if (atLineStart && source[pos] === '#') {
      const where = at();
      pos++;
      const body: Token[] = [];
      for (;;) {
        skipSpace(true);
        if (pos >= source.length || source[pos] === '\n') break;
        body.push(next());
      }
      tokens.push({ kind: 'directive', tokens: body, at: where });
      continue;
    }
    atLineStart = false;
    tokens.push(next());
  }
  tokens.push({ kind: 'eof', text: '', at: at() });
  return tokens;
}
