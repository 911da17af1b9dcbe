// Integer constant expressions, as array sizes, enumerator values, bit-field widths and #if
// conditions use them: literals, names (enumerators, macros already expanded), sizeof/_Alignof
// of a type, and C's operators with C's precedence. Values are bigint so nothing overflows
// silently; the caller checks ranges where they matter.
import { LayoutError } from './errors';
import type { Token } from './lexer';

export interface ExprCursor {
  peek(): Token;
  next(): Token;
}

export interface ExprContext {
  /** The value of a name (an enumerator), or undefined when it is not a constant. */
  name(token: Token): bigint | undefined;
  /** After "sizeof" / "_Alignof": the operand in parentheses, consumed; undefined when not supported here. */
  sizeOf?(cursor: ExprCursor, which: 'size' | 'align'): bigint;
}

const BINARY: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

const INTEGER = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)(?:[uU](?:ll|LL|[lL])?|(?:ll|LL|[lL])[uU]?)?$/;

export function parseIntegerLiteral(token: Token): bigint {
  const text = 'text' in token ? token.text : '';
  const match = INTEGER.exec(text);
  if (!match) throw new LayoutError(token.at, `invalid integer constant '${text}'`);
  const digits = match[1]!;
  if (/^0[bB]/.test(digits)) return BigInt(digits.toLowerCase());
  if (/^0[0-7]+$/.test(digits)) return BigInt(`0o${digits.slice(1)}`);
  return BigInt(digits);
}

const SIMPLE_ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, e: 27, '\\': 92, '\'': 39, '"': 34, '?': 63 };

function charLiteral(token: Token): bigint {
  const text = 'text' in token ? token.text.slice(1, -1) : '';
  let value: number | undefined;
  if (text.length === 1) value = text.charCodeAt(0);
  else if (text.startsWith('\\x') && /^[0-9a-fA-F]{1,2}$/.test(text.slice(2))) value = Number.parseInt(text.slice(2), 16);
  else if (/^\\[0-7]{1,3}$/.test(text)) value = Number.parseInt(text.slice(1), 8) & 0xff;
  else if (text.length === 2 && text[0] === '\\') value = SIMPLE_ESCAPES[text[1]!];
  if (value === undefined || value > 0xff) throw new LayoutError(token.at, `unsupported character constant ${'text' in token ? token.text : ''}`);
  // char is signed on x86-64: '\xff' is -1.
  return BigInt(value > 0x7f ? value - 0x100 : value);
}

const truth = (value: boolean): bigint => (value ? 1n : 0n);

const MAX_DEPTH = 200;

export function evaluate(cursor: ExprCursor, context: ExprContext, minPrecedence = 0, depth = 0): bigint {
  if (depth > MAX_DEPTH) throw new LayoutError(cursor.peek().at, 'expression nested too deeply');
  let left = unary(cursor, context, depth);
  for (;;) {
    const op = cursor.peek();
    if (op.kind === 'punct' && op.text === '?' && minPrecedence === 0) {
      cursor.next();
      const yes = evaluate(cursor, context, 0, depth + 1);
      expectPunct(cursor, ':', 'in conditional expression');
      const no = evaluate(cursor, context, 0, depth + 1);
      left = left !== 0n ? yes : no;
      continue;
    }
    const precedence = op.kind === 'punct' ? BINARY[op.text] : undefined;
    if (precedence === undefined || precedence < minPrecedence) return left;
    cursor.next();
    const right = evaluate(cursor, context, precedence + 1, depth + 1);
    left = binary(op, left, right);
  }
}

function binary(op: Token, a: bigint, b: bigint): bigint {
  const text = 'text' in op ? op.text : '';
  switch (text) {
    case '||': return truth(a !== 0n || b !== 0n);
    case '&&': return truth(a !== 0n && b !== 0n);
    case '|': return a | b;
    case '^': return a ^ b;
    case '&': return a & b;
    case '==': return truth(a === b);
    case '!=': return truth(a !== b);
    case '<': return truth(a < b);
    case '>': return truth(a > b);
    case '<=': return truth(a <= b);
    case '>=': return truth(a >= b);
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '<<': case '>>':
      if (b < 0n || b > 63n) throw new LayoutError(op.at, `shift count ${b} is out of range`);
      return text === '<<' ? a << b : a >> b;
    default:
      if (b === 0n) throw new LayoutError(op.at, 'division by zero in constant expression');
      return text === '/' ? a / b : a % b;
  }
}

function unary(cursor: ExprCursor, context: ExprContext, depth: number): bigint {
  if (depth > MAX_DEPTH) throw new LayoutError(cursor.peek().at, 'expression nested too deeply');
  const token = cursor.next();
  if (token.kind === 'number') return parseIntegerLiteral(token);
  if (token.kind === 'char') return charLiteral(token);
  if (token.kind === 'punct') {
    switch (token.text) {
      case '(': {
        const value = evaluate(cursor, context, 0, depth + 1);
        expectPunct(cursor, ')', 'to close parenthesis');
        return value;
      }
      case '-': return -unary(cursor, context, depth + 1);
      case '+': return unary(cursor, context, depth + 1);
      case '~': return ~unary(cursor, context, depth + 1);
      case '!': return truth(unary(cursor, context, depth + 1) === 0n);
    }
  }
  if (token.kind === 'ident') {
    if ((token.text === 'sizeof' || token.text === '_Alignof' || token.text === 'alignof' || token.text === '__alignof__') && context.sizeOf) {
      return context.sizeOf(cursor, token.text === 'sizeof' ? 'size' : 'align');
    }
    const value = context.name(token);
    if (value !== undefined) return value;
    throw new LayoutError(token.at, `'${token.text}' is not an integer constant (a #define, or an enumerator declared before)`);
  }
  throw new LayoutError(token.at, token.kind === 'eof' ? 'expected an integer constant before end of input' : `expected an integer constant before '${'text' in token ? token.text : '#'}'`);
}

export function expectPunct(cursor: ExprCursor, text: string, why: string): Token {
  const token = cursor.peek();
  if (token.kind !== 'punct' || token.text !== text) {
    const found = token.kind === 'eof' ? 'end of input' : token.kind === 'directive' ? 'a directive' : `'${token.text}'`;
    throw new LayoutError(token.at, `expected '${text}' ${why}, found ${found}`);
  }
  return cursor.next();
}
