// Walking a token list for the parser: look ahead, take, expect, skip what layout ignores
// (initializers, function bodies and parameter lists). Errors carry the token's place.
import { LayoutError } from './errors';
import { expectPunct, type ExprCursor } from './expr';
import type { Token } from './lexer';

export function describe(token: Token): string {
  if (token.kind === 'eof') return 'end of input';
  if (token.kind === 'directive') return 'a directive';
  return `'${token.text}'`;
}

export class TokenCursor implements ExprCursor {
  protected pos = 0;

  constructor(protected readonly tokens: Token[]) {}

  peek(offset = 0): Token { return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!; }
  next(): Token { const token = this.peek(); if (this.pos < this.tokens.length - 1) this.pos++; return token; }

  protected isPunct(text: string, offset = 0): boolean { const t = this.peek(offset); return t.kind === 'punct' && t.text === text; }
  protected isWord(text: string, offset = 0): boolean { const t = this.peek(offset); return t.kind === 'ident' && t.text === text; }
  protected accept(text: string): boolean { if (this.isPunct(text)) { this.next(); return true; } return false; }
  protected fail(message: string, token = this.peek()): never { throw new LayoutError(token.at, message); }
  /** Like a compiler, a missing ';' at the end of a line is reported just after the line's last token. */
  protected expect(text: string, why: string): Token {
    const previous = this.tokens[this.pos - 1];
    if (previous !== undefined && 'text' in previous && !this.isPunct(text) && this.peek().at.line > previous.at.line) {
      const found = this.peek();
      throw new LayoutError({ ...previous.at, column: previous.at.column + previous.text.length },
        `expected '${text}' ${why}, found ${describe(found)}`);
    }
    return expectPunct(this, text, why);
  }

  protected skipInitializer(): void {
    let depth = 0;
    while (this.peek().kind !== 'eof') {
      if (depth === 0 && (this.isPunct(',') || this.isPunct(';'))) return;
      const t = this.next();
      if (t.kind === 'punct' && (t.text === '(' || t.text === '{' || t.text === '[')) depth++;
      if (t.kind === 'punct' && (t.text === ')' || t.text === '}' || t.text === ']')) depth--;
    }
  }

  protected skipBalanced(open: string, close: string): void {
    const start = this.expect(open, '');
    let depth = 1;
    while (depth > 0) {
      const t = this.next();
      if (t.kind === 'eof') this.fail(`expected '${close}' to match this '${open}'`, start);
      if (t.kind === 'punct' && t.text === open) depth++;
      if (t.kind === 'punct' && t.text === close) depth--;
    }
  }
}
