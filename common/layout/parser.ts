// A recursive-descent parser for C declarations only (no statements, no expressions beyond
// integer constants), building laid-out types as it goes: a struct is laid out at its closing
// brace, as a compiler does, so `sizeof(struct s)` works in later array sizes.
// Errors name the place: "layout.h:3:14: expected ';' after member, found 'int'".
import { BUILTIN_SOURCE, BUILTIN_TYPEDEFS, IGNORED_WORDS, integerFromKeywords, TYPE_KEYWORDS } from './builtins';
import { describe, TokenCursor } from './cursor';
import { arrayOf, enumType, layoutRecord, MAX_OBJECT_BYTES, type MemberDeclaration, type RecordAttributes } from './engine';
import { LayoutError } from './errors';
import { evaluate } from './expr';
import { tokenize, type Token } from './lexer';
import { preprocess } from './preprocess';
import type { CType, Declarations, NamedType, SourceLocation } from './types';

/** Input larger than this is refused before tokenizing (a header of declarations is small). */
export const MAX_SOURCE_CHARS = 1024 * 1024;
const MAX_DEPTH = 100;
const MAX_DIMENSIONS = 32;

/** What a declarator can denote before it is known to be a complete object type. */
type Ty = CType | { kind: 'void'; name: 'void' } | { kind: 'function'; name: string } | { kind: 'incomplete'; name: string };

interface Attributes { packed: boolean; aligned?: number }

interface Specifiers { type: Ty; typedef: boolean; attributes: Attributes; at: SourceLocation; anonymousRecord: boolean }

interface Declarator { name: string | undefined; at: SourceLocation; derive: (base: Ty) => Ty; attributes: Attributes }

const VOID: Ty = { kind: 'void', name: 'void' };


export function parseDeclarations(source: string, file = 'input.h'): Declarations {
  if (source.length > MAX_SOURCE_CHARS) throw new LayoutError({ file, line: 1, column: 1 }, `declarations are larger than ${MAX_SOURCE_CHARS} characters`);
  const builtin = tokenize(BUILTIN_SOURCE, BUILTIN_FILE).filter((token) => token.kind !== 'eof');
  const { types } = new Parser(preprocess([...builtin, ...tokenize(source, file)])).translationUnit();
  return { types: types.filter((named) => named.location.file !== BUILTIN_FILE) };
}

const BUILTIN_FILE = '<builtin>';

class Parser extends TokenCursor {
  private depth = 0;
  private readonly typedefs = new Map<string, CType>(BUILTIN_TYPEDEFS);
  private readonly tags = new Map<string, Ty>();
  private readonly constants = new Map<string, bigint>();
  private readonly named: NamedType[] = [];
  /** Typedefs of what is not (yet) a complete type: "typedef struct node node_t;" before struct node's body. */
  private readonly typedefIncomplete = new Map<string, Ty>();

  private nest<T>(at: Token, body: () => T): T {
    if (++this.depth > MAX_DEPTH) this.fail('declarations nested too deeply', at);
    try { return body(); } finally { this.depth--; }
  }

  translationUnit(): Declarations {
    while (this.peek().kind !== 'eof') this.externalDeclaration();
    return { types: this.named };
  }

  private externalDeclaration(): void {
    if (this.accept(';')) return;
    if (this.staticAssert()) return;
    const specifiers = this.specifiers(true);
    if (this.accept(';')) return;
    for (;;) {
      const declarator = this.declarator(false);
      const type = declarator.derive(specifiers.type);
      if (specifiers.typedef) {
        if (declarator.name === undefined) this.fail('expected a name in typedef', this.tokens[this.pos]);
        const complete = type.kind === 'void' || type.kind === 'function' || type.kind === 'incomplete' ? undefined : type;
        if (complete === undefined) {
          // A typedef of an incomplete or function type can only be used behind a pointer.
          this.typedefIncomplete.set(declarator.name, type);
        } else {
          const aligned = declarator.attributes.aligned ?? specifiers.attributes.aligned;
          const named = aligned === undefined ? complete : { ...complete, align: aligned };
          this.typedefs.set(declarator.name, named);
          this.named.push({ name: declarator.name, type: named, location: declarator.at });
        }
      } else if (type.kind === 'function' && this.isPunct('{')) {
        this.skipBalanced('{', '}');
        return;
      }
      if (this.accept('=')) this.skipInitializer();
      if (this.accept(',')) continue;
      this.expect(';', 'after declaration');
      return;
    }
  }

  private staticAssert(): boolean {
    if (!this.isWord('_Static_assert') && !this.isWord('static_assert')) return false;
    const keyword = this.next();
    this.expect('(', 'after _Static_assert');
    const value = this.constant();
    let message = '';
    if (this.accept(',')) {
      const text = this.next();
      if (text.kind !== 'string') this.fail('expected a string in _Static_assert', text);
      message = `: ${text.text}`;
    }
    this.expect(')', 'to close _Static_assert');
    this.expect(';', 'after _Static_assert');
    if (value === 0n) this.fail(`static assertion failed${message}`, keyword);
    return true;
  }

  /** Declaration specifiers: storage class, qualifiers, attributes and exactly one type. */
  private specifiers(allowTypedef: boolean): Specifiers {
    const start = this.peek();
    const attributes: Attributes = { packed: false };
    const words: string[] = [];
    let type: Ty | undefined;
    let typedef = false;
    let anonymousRecord = false;
    let atomic: Token | undefined;
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'ident') break;
      const word = token.text;
      if (word === 'typedef') {
        if (!allowTypedef) this.fail("'typedef' is not allowed here");
        typedef = true;
        this.next();
      } else if (IGNORED_WORDS.has(word)) {
        this.next();
      } else if (word === '__attribute__' || word === '__attribute') {
        this.attributes(attributes);
      } else if (word === '_Alignas' || word === 'alignas') {
        this.alignas(attributes);
      } else if (word === '_Atomic') {
        atomic = this.next();
        if (this.isPunct('(') && type === undefined && words.length === 0) {
          this.next();
          type = this.typeName();
          this.expect(')', 'to close _Atomic(');
        }
      } else if (TYPE_KEYWORDS.has(word) && type === undefined) {
        words.push(word);
        this.next();
      } else if ((word === 'struct' || word === 'union' || word === 'enum') && type === undefined && words.length === 0) {
        const specifier = word === 'enum' ? { type: this.enumSpecifier(), anonymous: false } : this.recordSpecifier();
        type = specifier.type;
        anonymousRecord = specifier.anonymous;
      } else if (type === undefined && words.length === 0 && (this.typedefs.has(word) || this.typedefIncomplete.has(word))) {
        const incomplete = this.typedefIncomplete.get(word);
        // A tag completed since the typedef: the typedef names the completed type now.
        type = this.typedefs.get(word) ?? (incomplete?.kind === 'incomplete' ? this.tags.get(incomplete.name) : undefined) ?? incomplete!;
        type = { ...type, name: word } as Ty;
        this.next();
      } else {
        break;
      }
    }
    if (words.length > 0) {
      if (words.includes('long') && words.includes('double')) this.fail("'long double' is not supported", start);
      const integer = integerFromKeywords(words);
      if (integer === undefined) this.fail(`invalid type '${words.join(' ')}'`, start);
      type = integer === 'void' ? VOID : integer;
    }
    if (type === undefined) {
      const token = this.peek();
      this.fail(token.kind === 'ident' ? `unknown type name '${token.text}'` : `expected a type, found ${describe(token)}`);
    }
    // An atomic scalar has the plain type's layout on x86-64; gcc may pad an atomic struct.
    if (atomic !== undefined && (type.kind === 'record' || type.kind === 'array')) this.fail(`'_Atomic' ${type.name} is not supported (only atomic scalars)`, atomic);
    return { type, typedef, attributes, at: start.at, anonymousRecord };
  }

  /** __attribute__((packed, aligned(8), unused, ...)): the two that change layout are kept. */
  private attributes(into: Attributes): void {
    const keyword = this.next();
    this.expect('(', `after ${keyword.kind === 'ident' ? keyword.text : ''}`);
    this.expect('(', `after ${keyword.kind === 'ident' ? keyword.text : ''}(`);
    while (!this.isPunct(')')) {
      const name = this.next();
      if (name.kind !== 'ident') this.fail(`expected an attribute name, found ${describe(name)}`, name);
      const bare = name.text.replace(/^__(.*)__$/, '$1');
      if (bare === 'packed') into.packed = true;
      if (bare === 'aligned') {
        if (this.accept('(')) {
          into.aligned = Math.max(into.aligned ?? 1, this.alignment(name));
          this.expect(')', 'after aligned(N');
        } else {
          into.aligned = 16; // gcc: the largest alignment the target ever uses
        }
      } else if (this.isPunct('(')) {
        this.skipBalanced('(', ')');
      }
      if (!this.accept(',')) break;
    }
    this.expect(')', 'to close __attribute__((');
    this.expect(')', 'to close __attribute__(');
  }

  private alignas(into: Attributes): void {
    const keyword = this.next();
    this.expect('(', `after ${keyword.kind === 'ident' ? keyword.text : ''}`);
    const value = this.startsType() ? this.typeName().align : this.alignment(keyword);
    into.aligned = Math.max(into.aligned ?? 1, value);
    this.expect(')', 'to close _Alignas(');
  }

  private alignment(at: Token): number {
    const value = this.constant();
    if (value <= 0n || value > 1n << 28n || (value & (value - 1n)) !== 0n) this.fail(`requested alignment ${value} is not a positive power of 2`, at);
    return Number(value);
  }

  private startsType(offset = 0): boolean {
    const t = this.peek(offset);
    if (t.kind !== 'ident') return false;
    return TYPE_KEYWORDS.has(t.text) || IGNORED_WORDS.has(t.text) || ['struct', 'union', 'enum'].includes(t.text) ||
      this.typedefs.has(t.text) || this.typedefIncomplete.has(t.text);
  }

  /** A type name as in sizeof(type): specifiers and an abstract declarator. */
  private typeName(): CType {
    const specifiers = this.specifiers(false);
    const declarator = this.declarator(true);
    return this.complete(declarator.derive(specifiers.type), specifiers.at, 'in sizeof');
  }

  private complete(type: Ty, at: SourceLocation, what: string): CType {
    if (type.kind === 'void') throw new LayoutError(at, `${what} has type void`);
    if (type.kind === 'function') throw new LayoutError(at, `${what} is a function (a pointer to one is fine)`);
    if (type.kind === 'incomplete') throw new LayoutError(at, `${what} has incomplete type '${type.name}'`);
    return type;
  }

  private recordSpecifier(): { type: Ty; anonymous: boolean } {
    const keyword = this.next() as Token & { text: string };
    const union = keyword.text === 'union';
    const attributes: Attributes = { packed: false };
    while (this.isWord('__attribute__') || this.isWord('__attribute')) this.attributes(attributes);
    const tagToken = this.peek().kind === 'ident' ? this.next() : undefined;
    const tag = tagToken?.kind === 'ident' ? `${keyword.text} ${tagToken.text}` : undefined;
    if (!this.isPunct('{')) {
      if (tag === undefined) this.fail(`expected a name or '{' after '${keyword.text}', found ${describe(this.peek())}`);
      const known = this.tags.get(tag);
      if (known === undefined) this.tags.set(tag, { kind: 'incomplete', name: tag });
      return { type: known ?? { kind: 'incomplete', name: tag }, anonymous: false };
    }
    const open = this.next();
    if (tag !== undefined) {
      if (this.tags.get(tag)?.kind === 'record') this.fail(`redefinition of '${tag}'`, tagToken);
      this.tags.set(tag, { kind: 'incomplete', name: tag });
    }
    const members = this.nest(open, () => this.memberDeclarations());
    this.expect('}', `to close ${tag ?? keyword.text}`);
    while (this.isWord('__attribute__') || this.isWord('__attribute')) this.attributes(attributes);
    const name = tag ?? `${keyword.text} <anonymous>`;
    let record: CType;
    try {
      record = layoutRecord(union, name, members, attributes as RecordAttributes);
    } catch (error) {
      throw new LayoutError(keyword.at, error instanceof Error ? error.message : String(error));
    }
    if (tag !== undefined) {
      this.tags.set(tag, record);
      this.named.push({ name: tag, type: record, location: keyword.at });
    }
    return { type: record, anonymous: tag === undefined };
  }

  private memberDeclarations(): MemberDeclaration[] {
    const members: MemberDeclaration[] = [];
    while (!this.isPunct('}')) {
      if (this.peek().kind === 'eof') this.fail("expected '}' before end of input");
      if (this.accept(';')) continue;
      if (this.staticAssert()) continue;
      const specifiers = this.specifiers(false);
      if (this.isPunct(';')) {
        this.next();
        // Only an untagged struct or union declares an anonymous member; "struct s;" declares nothing.
        if (specifiers.anonymousRecord) {
          members.push({ name: undefined, type: specifiers.type as CType, packed: specifiers.attributes.packed, ...aligned(specifiers.attributes) });
        }
        continue;
      }
      for (;;) {
        const declarator = this.isPunct(':') ? { name: undefined, at: this.peek().at, derive: (t: Ty) => t, attributes: { packed: false } } : this.declarator(false);
        const what = declarator.name === undefined ? 'unnamed member' : `member '${declarator.name}'`;
        const type = this.complete(declarator.derive(specifiers.type), declarator.at, what);
        let bitWidth: number | undefined;
        if (this.isPunct(':')) {
          const colon = this.next();
          bitWidth = this.bitWidth(type, colon, what, declarator.name !== undefined);
        } else if (declarator.name === undefined) {
          this.fail('expected a member name', this.peek());
        }
        const attributes: Attributes = { packed: specifiers.attributes.packed || declarator.attributes.packed };
        const alignedValue = Math.max(specifiers.attributes.aligned ?? 0, declarator.attributes.aligned ?? 0);
        while (this.isWord('__attribute__') || this.isWord('__attribute')) this.attributes(attributes);
        const value = Math.max(alignedValue, attributes.aligned ?? 0);
        members.push({ name: declarator.name, type, ...(bitWidth === undefined ? {} : { bitWidth }), packed: attributes.packed, ...(value > 0 ? { aligned: value } : {}) });
        if (this.accept(',')) continue;
        this.expect(';', 'after member');
        break;
      }
    }
    return members;
  }

  private bitWidth(type: CType, colon: Token, what: string, named: boolean): number {
    if (type.kind !== 'int' && type.kind !== 'enum') this.fail(`bit-field ${what} has type '${type.name}', not an integer type`, colon);
    const width = this.constant();
    if (width < 0n) this.fail(`negative width in bit-field ${what}`, colon);
    if (width > BigInt(type.size * 8)) this.fail(`width of bit-field ${what} exceeds its type (${type.size * 8} bits)`, colon);
    if (width === 0n && named) this.fail(`zero width for bit-field ${what}`, colon);
    if (type.kind === 'int' && type.bool && width > 1n) this.fail(`width of bit-field ${what} exceeds its type (1 bit)`, colon);
    return Number(width);
  }

  private enumSpecifier(): Ty {
    const keyword = this.next();
    const attributes: Attributes = { packed: false };
    while (this.isWord('__attribute__') || this.isWord('__attribute')) this.attributes(attributes);
    const tagToken = this.peek().kind === 'ident' ? this.next() : undefined;
    const tag = tagToken?.kind === 'ident' ? `enum ${tagToken.text}` : undefined;
    if (!this.isPunct('{')) {
      if (tag === undefined) this.fail(`expected a name or '{' after 'enum', found ${describe(this.peek())}`);
      return this.tags.get(tag) ?? this.fail(`'${tag}' is not defined (an enum must be defined before use)`, tagToken);
    }
    this.next();
    const values: { name: string; value: bigint }[] = [];
    let next = 0n;
    while (!this.isPunct('}')) {
      const name = this.next();
      if (name.kind !== 'ident') this.fail(`expected an enumerator name, found ${describe(name)}`, name);
      while (this.isWord('__attribute__')) this.attributes({ packed: false });
      const value = this.accept('=') ? this.constant() : next;
      if (value < -(1n << 63n) || value >= 1n << 64n) this.fail(`enumerator '${name.text}' value ${value} does not fit in 64 bits`, name);
      values.push({ name: name.text, value });
      this.constants.set(name.text, value);
      next = value + 1n;
      if (!this.accept(',')) break;
    }
    this.expect('}', 'to close enum');
    while (this.isWord('__attribute__') || this.isWord('__attribute')) this.attributes(attributes);
    let type: CType;
    try {
      type = enumType(tag ?? 'enum <anonymous>', values, attributes.packed);
    } catch (error) {
      throw new LayoutError(keyword.at, error instanceof Error ? error.message : String(error));
    }
    if (tag !== undefined) {
      if (this.tags.has(tag)) this.fail(`redefinition of '${tag}'`, tagToken);
      this.tags.set(tag, type);
      this.named.push({ name: tag, type, location: keyword.at });
    }
    return type;
  }

  /** pointer* direct-declarator, as a function from the base type to the declared type. */
  private declarator(abstract: boolean): Declarator {
    const start = this.peek();
    return this.nest(start, () => {
      const attributes: Attributes = { packed: false };
      let pointers = 0;
      for (;;) {
        if (this.accept('*')) pointers++;
        else if (this.peek().kind === 'ident' && IGNORED_WORDS.has((this.peek() as { text: string }).text)) this.next();
        else if (this.isWord('__attribute__') || this.isWord('__attribute')) this.attributes(attributes);
        else break;
      }
      let name: string | undefined;
      let at = this.peek().at;
      let inner: ((t: Ty) => Ty) | undefined;
      const token = this.peek();
      // Member names have their own namespace: "int item;" declares a member even where item is a typedef.
      if (token.kind === 'ident' && (!abstract || !this.startsType())) {
        name = token.text;
        at = token.at;
        this.next();
      } else if (this.isPunct('(') && (this.isPunct('*', 1) || this.isPunct('(', 1) || this.isWord('__attribute__', 1))) {
        this.next();
        const nested = this.declarator(abstract);
        this.expect(')', 'to close declarator');
        name = nested.name;
        at = nested.at;
        inner = nested.derive;
        if (nested.attributes.packed) attributes.packed = true;
        if (nested.attributes.aligned !== undefined) attributes.aligned = nested.attributes.aligned;
      } else if (!abstract) {
        this.fail(`expected a name, found ${describe(token)}`);
      }
      const suffixes: ((t: Ty) => Ty)[] = [];
      for (;;) {
        // Each dimension is a level of nesting for the layout and the decoder.
        if (suffixes.length >= MAX_DIMENSIONS) this.fail(`more than ${MAX_DIMENSIONS} array dimensions`);
        if (this.isPunct('[')) {
          const open = this.next();
          let length = 0n;
          if (!this.isPunct(']')) length = this.constant();
          this.expect(']', 'after array size');
          if (length < 0n) this.fail(`size of array ${name === undefined ? '' : `'${name}' `}is negative`, open);
          if (length > BigInt(MAX_OBJECT_BYTES)) this.fail(`size of array ${name === undefined ? '' : `'${name}' `}is too large (${length})`, open);
          suffixes.push((element) => {
            const complete = this.complete(element, open.at, `array element${name === undefined ? '' : ` of '${name}'`}`);
            try {
              return arrayOf(complete, Number(length));
            } catch (error) {
              throw new LayoutError(open.at, error instanceof Error ? error.message : String(error));
            }
          });
        } else if (this.isPunct('(')) {
          this.skipBalanced('(', ')');
          suffixes.push((returns) => ({ kind: 'function', name: `${returns.name} ()` }));
        } else {
          break;
        }
      }
      while (this.isWord('__attribute__') || this.isWord('__attribute')) this.attributes(attributes);
      const derive = (base: Ty): Ty => {
        let type: Ty = base;
        for (let i = 0; i < pointers; i++) type = pointerTo(type);
        for (let i = suffixes.length - 1; i >= 0; i--) type = suffixes[i]!(type);
        return inner ? inner(type) : type;
      };
      return { name, at, derive, attributes };
    });
  }

  private constant(): bigint {
    return evaluate(this, {
      name: (token) => ('text' in token ? this.constants.get(token.text) : undefined),
      sizeOf: (cursor, which) => {
        const open = cursor.peek();
        let type: CType;
        if (this.isPunct('(') && this.startsType(1)) {
          this.next();
          type = this.typeName();
          this.expect(')', 'after type in sizeof');
        } else {
          throw new LayoutError(open.at, 'sizeof needs a type in parentheses here');
        }
        return BigInt(which === 'size' ? type.size : type.align);
      },
    });
  }
}

function aligned(attributes: Attributes): { aligned?: number } {
  return attributes.aligned === undefined ? {} : { aligned: attributes.aligned };
}

function pointerTo(target: Ty): CType {
  const name = target.kind === 'function' ? target.name.replace(/ \(\)$/, ' (*)()') : `${target.name} *`;
  return { kind: 'pointer', name: name.replace('* *', '**'), size: 8, align: 8 };
}
