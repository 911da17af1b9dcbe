// The declaration parser (common/layout): what it accepts and what it lays out beyond the
// gcc oracle's random cases (typedefs, sizeof, #if, enums by value), and errors that name the
// file, line and column of the mistake.
import { describe, expect, it } from 'vitest';
import { findType, LayoutError, parseDeclarations, recordTypes, type CType, type RecordType } from '../../common/layout';

function record(source: string, name: string): RecordType {
  const found = findType(parseDeclarations(source, 'layout.h'), name);
  if (found?.type.kind !== 'record') throw new Error(`no record ${name}`);
  return found.type;
}

function members(type: RecordType): [string | undefined, number, string][] {
  return type.members.map((m) => [m.name, m.offset, m.type.name]);
}

function error(source: string): string {
  try {
    parseDeclarations(source, 'layout.h');
  } catch (caught) {
    expect(caught).toBeInstanceOf(LayoutError);
    return (caught as Error).message;
  }
  throw new Error('no error');
}

describe('declarations', () => {
  it('lays out the lecture\'s bounded buffer with #define sizes and a typedef element', () => {
    const type = record('#include <stdio.h>\n#define BUFFER_SIZE 10\ntypedef int item;\nstruct shared { int in, out; item buffer[BUFFER_SIZE]; };', 'shared');
    expect(members(type)).toEqual([['in', 0, 'int'], ['out', 4, 'int'], ['buffer', 8, 'item[10]']]);
    expect(type.size).toBe(48);
  });

  it('finds types by typedef name, by tag with or without its keyword', () => {
    const declarations = parseDeclarations('typedef struct node { struct node *next; long v; } node_t;', 'layout.h');
    expect(findType(declarations, 'node_t')?.type.size).toBe(16);
    expect(findType(declarations, 'struct node')?.name).toBe('struct node');
    expect(findType(declarations, 'node')?.name).toBe('struct node');
    expect(recordTypes(declarations).map((t) => t.name)).toEqual(['struct node']);
  });

  it('completes a typedef of a struct declared before its body', () => {
    const type = record('typedef struct node node_t;\nstruct node { int v; node_t *next; };\nstruct list { node_t head; };', 'list');
    expect(members(type)).toEqual([['head', 0, 'node_t']]);
    expect(type.size).toBe(16);
  });

  it('takes a typedef name after a type as a member name (members have their own namespace)', () => {
    expect(members(record('typedef int item;\nstruct s { item item; long size_t; };', 's'))).toEqual([['item', 0, 'item'], ['size_t', 8, 'long']]);
  });

  it('evaluates constant expressions, sizeof and #if in sizes', () => {
    const type = record(`
      #define N 3
      #define M (N * 2 + 1)   /* 7 */
      #if N > 2
      #define EXTRA 1
      #else
      #define EXTRA 100
      #endif
      #ifdef NOT_DEFINED
      this is skipped
      #endif
      enum { K = M << 1 };
      struct a { char c[M][N]; int k[K - 13 + EXTRA]; char s[sizeof(struct { double d; char c; }) / 4]; };`, 'a');
    expect(members(type)).toEqual([['c', 0, 'char[7][3]'], ['k', 24, 'int[2]'], ['s', 32, 'char[4]']]);
  });

  it('names enum sizes as gcc does: 4 bytes, 8 past 32 bits, packed the smallest', () => {
    const declarations = parseDeclarations('enum a { A = 1 }; enum b { B = 0x100000000 }; enum __attribute__((packed)) c { C = 200 }; enum __attribute__((packed)) d { D = -1, E = 200 };', 'layout.h');
    const sizes = ['enum a', 'enum b', 'enum c', 'enum d'].map((n) => findType(declarations, n)?.type.size);
    expect(sizes).toEqual([4, 8, 1, 2]);
  });

  it('keeps anonymous members, function pointers, pointers to incomplete types, and ignores prototypes', () => {
    const type = record(`
      struct opaque;
      int helper(int x);
      static inline int twice(int x) { return x * 2; }
      extern int counter;
      struct s { union { int i; float f; }; struct opaque *o; void (*callback)(int, char *); const char *const name; };`, 's');
    expect(members(type)).toEqual([[undefined, 0, 'union <anonymous>'], ['o', 8, 'struct opaque *'], ['callback', 16, 'void (*)()'], ['name', 24, 'char *']]);
  });

  it('lays out atomic scalars like plain ones, in both spellings', () => {
    expect(members(record('struct a { char c; _Atomic int in; _Atomic(long) out; };', 'a'))).toEqual([['c', 0, 'char'], ['in', 4, 'int'], ['out', 8, 'long']]);
  });

  it('applies packed and aligned on the struct and on members, in either attribute position', () => {
    expect(record('struct __attribute__((packed)) p { char c; int i; };', 'p').size).toBe(5);
    expect(record('struct p { char c; int i __attribute__((aligned(16))); } __attribute__((aligned(32)));', 'p').size).toBe(32);
    expect(record('struct p { char c; _Alignas(8) int i; };', 'p').members[1]!.offset).toBe(8);
  });
});

describe('errors name file:line:column', () => {
  it('a missing semicolon is reported just after the member, as gcc does', () => {
    expect(error('struct a {\n  int x\n  int y;\n};')).toBe("layout.h:2:8: expected ';' after member, found 'int'");
  });

  it('an unknown type name, at the name', () => {
    expect(error('struct a {\n  int x;\n  widget w;\n};')).toBe("layout.h:3:3: unknown type name 'widget'");
  });

  it('an undefined constant in an array size', () => {
    expect(error('struct a { char text[TEXT_SZ]; };')).toBe("layout.h:1:22: 'TEXT_SZ' is not an integer constant (a #define, or an enumerator declared before)");
  });

  it('a member of incomplete type, a bit-field too wide, a bad alignment', () => {
    expect(error('struct a { struct b inner; };')).toBe("layout.h:1:21: member 'inner' has incomplete type 'struct b'");
    expect(error('struct a { char c : 9; };')).toBe("layout.h:1:19: width of bit-field member 'c' exceeds its type (8 bits)");
    expect(error('struct a { int i __attribute__((aligned(3))); };')).toBe('layout.h:1:33: requested alignment 3 is not a positive power of 2');
  });

  it('unterminated comments and structs, and unsupported #pragma pack', () => {
    expect(error('struct a {\n  int x; /* never closed\n')).toBe('layout.h:2:10: unterminated comment');
    expect(error('struct a {\n  int x;\n')).toBe("layout.h:3:1: expected '}' before end of input");
    expect(error('#pragma pack(1)\nstruct a { int x; };')).toBe('layout.h:1:1: #pragma pack is not supported; use __attribute__((packed)) or aligned(N)');
  });

  it('an array of an over-aligned element, as gcc refuses it', () => {
    expect(error('typedef int aint __attribute__((aligned(8)));\nstruct a { aint x[2]; };')).toBe('layout.h:2:18: alignment of array elements (8) is greater than element size (4)');
  });

  it('a redefinition, at the second definition', () => {
    expect(error('struct a { int x; };\nstruct a { int y; };')).toBe("layout.h:2:8: redefinition of 'struct a'");
  });

  it('hostile input stays bounded: exponential macros, deep nesting, huge arrays', () => {
    const doubling = Array.from({ length: 30 }, (_, i) => `#define M${i + 1} M${i} M${i}`).join('\n');
    expect(error(`#define M0 int\n${doubling}\nM30`)).toMatch(/^layout\.h:32:1: macro expansion produces more than 500000 tokens$/);
    expect(error(`${'struct a { '.repeat(200)}int x;${' };'.repeat(200)}`)).toMatch(/declarations nested too deeply/);
    expect(error(`struct a { char c[${'~'.repeat(100_000)}1]; };`)).toMatch(/^layout\.h:1:\d+: expression nested too deeply$/);
    expect(error(`struct a { char c[${'('.repeat(100_000)}1]; };`)).toMatch(/^layout\.h:1:\d+: expression nested too deeply$/);
    expect(error(`struct a { char c${'[1]'.repeat(10_000)}; };`)).toBe('layout.h:1:114: more than 32 array dimensions');
    const chain = Array.from({ length: 20_000 }, (_, i) => `#define C${i} C${i + 1}`).join('\n');
    expect(error(`${chain}\n#define C20000 4\nstruct a { char c[C0]; };`)).toBe('layout.h:20002:19: macros nested more than 200 deep');
    expect(error('struct a { char big[1LL << 60]; };')).toBe("layout.h:1:20: size of array 'big' is too large (1152921504606846976)");
    expect(error('struct a { char big[1LL << 40][1 << 20]; };')).toMatch(/^layout\.h:1:20: array of 1099511627776 × 1048576 bytes is larger than/);
  });
});

describe('types', () => {
  it('spells types as C does', () => {
    const type = record('struct t { unsigned long long a; signed char b; char **c; int m[2][3]; _Bool d; bool e; uint8_t f; };', 't');
    expect(type.members.map((m) => m.type.name)).toEqual(['unsigned long long', 'signed char', 'char **', 'int[2][3]', '_Bool', 'bool', 'uint8_t']);
    const m = type.members[3]!.type as Extract<CType, { kind: 'array' }>;
    expect([m.length, m.element.name, m.size]).toEqual([2, 'int[3]', 24]);
  });
});
