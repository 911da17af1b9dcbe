// The part of the C preprocessor that headers of shared structs use: object-like #define
// (expanded wherever the name appears, so `char text[TEXT_SZ]` and `#define N (M*2)` work),
// #undef, and #if/#ifdef/#ifndef/#elif/#else/#endif. #include and other directives are
// ignored (the user gives the declarations they need); #pragma pack is refused rather than
// ignored, because ignoring it would print a wrong layout. Expansion is capped: a hostile
// header of macros that double at each level must fail, not exhaust memory.
import { LayoutError } from './errors';
import { evaluate, type ExprCursor } from './expr';
import type { Token } from './lexer';

const MAX_TOKENS = 500_000;
const MAX_DEPTH = 200;

/** The macros being expanded, innermost first (a list: nothing is copied per expansion). */
interface Hidden { name: string; outer: Hidden | undefined }

function isHidden(hidden: Hidden | undefined, name: string): boolean {
  for (let h = hidden; h !== undefined; h = h.outer) if (h.name === name) return true;
  return false;
}

type Macro = { kind: 'object'; body: Token[] } | { kind: 'function' };

interface Conditional { taking: boolean; taken: boolean; parentTaking: boolean; at: Token['at'] }

function cursorOver(tokens: Token[], end: Token): ExprCursor {
  let i = 0;
  return { peek: () => tokens[i] ?? end, next: () => tokens[i++] ?? end };
}

export function preprocess(tokens: Token[]): Token[] {
  const macros = new Map<string, Macro>();
  const out: Token[] = [];
  const stack: Conditional[] = [];
  const taking = () => stack.length === 0 || stack[stack.length - 1]!.taking;

  function emit(token: Token): void {
    if (out.length >= MAX_TOKENS) throw new LayoutError(token.at, `macro expansion produces more than ${MAX_TOKENS} tokens`);
    out.push(token);
  }

  /** Appends `list` with macros expanded; `hidden` are the macros being expanded (never re-expanded, as in C). */
  function expandInto(list: Token[], hidden: Hidden | undefined, sink: (token: Token) => void, useSite?: Token['at'], depth = 0): void {
    if (depth > MAX_DEPTH) throw new LayoutError(useSite ?? list[0]!.at, `macros nested more than ${MAX_DEPTH} deep`);
    for (let i = 0; i < list.length; i++) {
      const token = list[i]!;
      const at = useSite ?? token.at;
      const macro = token.kind === 'ident' && !isHidden(hidden, token.text) ? macros.get(token.text) : undefined;
      if (macro === undefined) { sink(useSite ? { ...token, at } as Token : token); continue; }
      if (macro.kind === 'function') throw new LayoutError(at, `function-like macro '${'text' in token ? token.text : ''}' is not supported`);
      expandInto(macro.body, { name: token.kind === 'ident' ? token.text : '', outer: hidden }, sink, at, depth + 1);
    }
  }

  function condition(directive: Extract<Token, { kind: 'directive' }>, body: Token[]): boolean {
    // defined(X) / defined X first, then macros, then any other name is 0 (as in C).
    const resolved: Token[] = [];
    for (let i = 0; i < body.length; i++) {
      const token = body[i]!;
      if (token.kind === 'ident' && token.text === 'defined') {
        const paren = body[i + 1]?.kind === 'punct' && (body[i + 1] as { text: string }).text === '(';
        const name = body[paren ? i + 2 : i + 1];
        if (name?.kind !== 'ident') throw new LayoutError(token.at, "expected a name after 'defined'");
        resolved.push({ kind: 'number', text: macros.has(name.text) ? '1' : '0', at: token.at });
        i += paren ? 3 : 1;
        continue;
      }
      resolved.push(token);
    }
    const expanded: Token[] = [];
    expandInto(resolved, undefined, (token) => expanded.push(token.kind === 'ident' ? { kind: 'number', text: '0', at: token.at } : token));
    const end: Token = { kind: 'eof', text: '', at: directive.at };
    const cursor = cursorOver(expanded, end);
    const value = evaluate(cursor, { name: () => undefined });
    if (cursor.peek().kind !== 'eof') throw new LayoutError(cursor.peek().at, 'unexpected tokens after #if condition');
    return value !== 0n;
  }

  function directive(token: Extract<Token, { kind: 'directive' }>): void {
    const [nameToken, ...rest] = token.tokens;
    const name = nameToken?.kind === 'ident' ? nameToken.text : undefined;
    const top = stack[stack.length - 1];
    switch (name) {
      case 'if': case 'ifdef': case 'ifndef': {
        const parentTaking = taking();
        let yes = false;
        if (parentTaking) {
          if (name === 'if') yes = condition(token, rest);
          else {
            const macro = rest[0];
            if (macro?.kind !== 'ident') throw new LayoutError(token.at, `expected a macro name after #${name}`);
            yes = macros.has(macro.text) === (name === 'ifdef');
          }
        }
        stack.push({ taking: parentTaking && yes, taken: yes, parentTaking, at: token.at });
        return;
      }
      case 'elif': case 'else': {
        if (top === undefined) throw new LayoutError(token.at, `#${name} without #if`);
        const yes = !top.taken && top.parentTaking && (name === 'else' || condition(token, rest));
        top.taking = yes;
        top.taken ||= yes;
        return;
      }
      case 'endif':
        if (stack.pop() === undefined) throw new LayoutError(token.at, '#endif without #if');
        return;
    }
    if (!taking()) return;
    if (name === 'define') {
      const macro = rest[0];
      if (macro?.kind !== 'ident') throw new LayoutError(token.at, 'expected a macro name after #define');
      const next = rest[1];
      // Function-like only when '(' touches the name: "#define F(x)" versus "#define N (4)".
      const functionLike = next?.kind === 'punct' && next.text === '(' && next.at.line === macro.at.line && next.at.column === macro.at.column + macro.text.length;
      macros.set(macro.text, functionLike ? { kind: 'function' } : { kind: 'object', body: rest.slice(1) });
    } else if (name === 'undef') {
      const macro = rest[0];
      if (macro?.kind === 'ident') macros.delete(macro.text);
    } else if (name === 'pragma' && rest[0]?.kind === 'ident' && rest[0].text === 'pack') {
      throw new LayoutError(token.at, '#pragma pack is not supported; use __attribute__((packed)) or aligned(N)');
    } else if (name === 'error') {
      throw new LayoutError(token.at, '#error in the declarations');
    }
  }

  for (const token of tokens) {
    if (token.kind === 'directive') { directive(token); continue; }
    if (token.kind === 'eof') {
      const open = stack[stack.length - 1];
      if (open) throw new LayoutError(open.at, 'unterminated #if');
      out.push(token);
      continue;
    }
    if (taking()) expandInto([token], undefined, emit);
  }
  return out;
}
