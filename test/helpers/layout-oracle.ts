// gcc as the oracle for shmscope's layouts (common/layout): random C declarations (nesting,
// arrays, bit-fields, packed, aligned, unions, enums, anonymous members), one C program per
// batch that prints sizeof/_Alignof/offsetof of every member and, for each bit-field, the
// byte image of a zeroed struct with that field set to all ones; shmscope's answer for the
// same text is printed in the same format and the two texts must be equal.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseDeclarations, type CType, type Member } from '../../common/layout';

export interface Attr { packed: boolean; aligned: number }
export type TypeSpec =
  | { k: 'scalar'; c: string }
  | { k: 'enum'; c: string }
  | { k: 'fnptr' }
  | { k: 'record'; union: boolean; tagged: boolean; attrs: Attr; members: MemberSpec[] };
export interface MemberSpec { type: TypeSpec; dims: number[]; bits: number | null; named: boolean; attrs: Attr; defineDims: boolean }

const SCALARS = ['char', 'signed char', 'unsigned char', 'short', 'unsigned short', 'int', 'unsigned', 'long', 'unsigned long',
  'long long', 'unsigned long long', 'int8_t', 'uint8_t', 'int16_t', 'uint16_t', 'int32_t', 'uint32_t', 'int64_t', 'uint64_t',
  'size_t', 'ssize_t', 'bool', '_Bool', 'float', 'double', 'void *', 'char *', 'unsigned __int128', 'aint', 'pk', 'al4', 'item'];
const ENUMS = ['enum e_small', 'enum e_neg', 'enum e_big', 'enum e_packed', 'enum e_packed16'];
const INTEGER_BITS: Record<string, number> = {
  char: 8, 'signed char': 8, 'unsigned char': 8, short: 16, 'unsigned short': 16, int: 32, unsigned: 32, long: 64, 'unsigned long': 64,
  'long long': 64, 'unsigned long long': 64, int8_t: 8, uint8_t: 8, int16_t: 16, uint16_t: 16, int32_t: 32, uint32_t: 32, int64_t: 64,
  uint64_t: 64, size_t: 64, ssize_t: 64, bool: 1, _Bool: 1, item: 32, 'enum e_small': 32, 'enum e_neg': 32, 'enum e_big': 64, 'enum e_packed': 8, 'enum e_packed16': 16,
};

const PRELUDE = `#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#define D2 2
#define D3 (D2 + 1)
#define D4 (D2 * 2)
enum e_small { S0, S1, S2 };
enum e_neg { N0 = -3, N1 = 7 };
enum e_big { B0, B1 = 0x100000000 };
enum __attribute__((packed)) e_packed { P0, P1 = 200 };
enum __attribute__((packed)) e_packed16 { Q0 = -1, Q1 = 300 };
typedef int item;
typedef int aint __attribute__((aligned(8)));
typedef struct { char c; double d; } __attribute__((packed)) pk;
typedef struct { short s; } __attribute__((aligned(4))) al4;
`;

const attrArb: fc.Arbitrary<Attr> = fc.record({
  packed: fc.boolean(),
  aligned: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(1, 2, 4, 8, 16, 32) }),
});
const plainAttr = fc.oneof({ weight: 3, arbitrary: fc.constant({ packed: false, aligned: 0 }) }, { weight: 1, arbitrary: attrArb });

const { member } = fc.letrec<{ member: MemberSpec; type: TypeSpec; record: TypeSpec }>((tie) => ({
  type: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...SCALARS).map((c): TypeSpec => ({ k: 'scalar', c })) },
    { weight: 1, arbitrary: fc.constantFrom(...ENUMS).map((c): TypeSpec => ({ k: 'enum', c })) },
    { weight: 1, arbitrary: fc.constant<TypeSpec>({ k: 'fnptr' }) },
    { weight: 2, depthSize: 'small', arbitrary: tie('record') },
  ),
  record: fc.record({
    k: fc.constant('record' as const), union: fc.boolean(), tagged: fc.boolean(), attrs: plainAttr,
    members: fc.array(tie('member'), { minLength: 1, maxLength: 5, depthIdentifier: 'members' }),
  }),
  member: fc.record({
    type: tie('type'),
    dims: fc.oneof({ weight: 3, arbitrary: fc.constant<number[]>([]) }, { weight: 1, arbitrary: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }) }),
    bits: fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 130 }) }),
    named: fc.boolean(),
    attrs: plainAttr,
    defineDims: fc.boolean(),
  }),
}));

export const caseArb: fc.Arbitrary<{ union: boolean; attrs: Attr; members: MemberSpec[] }> = fc.record({
  union: fc.boolean(), attrs: plainAttr, members: fc.array(member, { minLength: 1, maxLength: 8 }),
});

function attrText(attrs: Attr): string {
  const parts = [...(attrs.packed ? ['packed'] : []), ...(attrs.aligned > 0 ? [`aligned(${attrs.aligned})`] : [])];
  return parts.length === 0 ? '' : ` __attribute__((${parts.join(', ')}))`;
}

function dimText(dims: number[], useDefines: boolean): string {
  const names: Record<number, string> = { 2: 'D2', 3: 'D3', 4: 'D4' };
  return dims.map((d) => `[${useDefines ? names[d] ?? String(d) : d}]`).join('');
}

/** Prints one struct; nested tags are numbered by `counter` so every tag is unique in a program. */
export function printCase(name: string, spec: { union: boolean; attrs: Attr; members: MemberSpec[] }, counter: { n: number }): string {
  let field = 0;
  const record = (union: boolean, tag: string | undefined, attrs: Attr, members: MemberSpec[], indent: string): string => {
    const lines = members.map((m) => memberText(m, indent + '  '));
    return `${union ? 'union' : 'struct'}${tag === undefined ? '' : ` ${tag}`} {\n${lines.join('')}${indent}}${attrText(attrs)}`;
  };
  const memberText = (m: MemberSpec, indent: string): string => {
    const t = m.type;
    const fieldName = `f${field++}`;
    const bitsOf = t.k === 'scalar' || t.k === 'enum' ? INTEGER_BITS[t.c] : undefined;
    if (m.bits !== null && bitsOf !== undefined && (t.k === 'scalar' || t.k === 'enum')) {
      const width = m.bits % (bitsOf + 1);
      // A zero-width bit-field has no name; others sometimes go unnamed.
      const named = width > 0 && (m.named || width % 3 !== 0);
      return `${indent}${t.c}${named ? ` ${fieldName}` : ''} : ${width}${attrText({ packed: m.attrs.packed, aligned: width > 0 ? m.attrs.aligned : 0 })};\n`;
    }
    if (t.k === 'record') {
      const anonymous = !m.named && m.dims.length === 0;
      const tag = anonymous || !t.tagged ? undefined : `t${counter.n++}`;
      const body = record(t.union, tag, t.attrs, t.members, indent);
      return `${indent}${body}${anonymous ? '' : ` ${fieldName}${dimText(m.dims, m.defineDims)}`}${anonymous ? '' : attrText(m.attrs)};\n`;
    }
    if (t.k === 'fnptr') return `${indent}void (*${fieldName})(int)${attrText(m.attrs)};\n`;
    const star = t.c.endsWith('*');
    // gcc refuses arrays of aint (8-aligned, 4 bytes); the parser test checks shmscope does too.
    const dims = t.c === 'aint' ? [] : m.dims;
    return `${indent}${t.c}${star ? '' : ' '}${fieldName}${dimText(dims, m.defineDims)}${attrText(m.attrs)};\n`;
  };
  return `${record(spec.union, name, spec.attrs, spec.members, '')};\n`;
}

/** The check lines for one case: the record's size and alignment, every named member's offset
 *  and size (array elements: the first and last), every bit-field's image. From shmscope's layout. */
function expectedLines(tag: string, type: CType): string[] {
  const lines = [`${tag} size ${type.size} ${type.align}`];
  const visit = (t: CType, path: string, base: number): void => {
    if (t.kind === 'record') {
      for (const m of t.members) visitMember(m, path, base);
    } else if (t.kind === 'array' && t.length > 0) {
      for (const i of new Set([0, t.length - 1])) {
        const at = `${path}[${i}]`;
        lines.push(`${tag} off ${at} ${base + i * t.element.size} ${t.element.size}`);
        visit(t.element, at, base + i * t.element.size);
      }
    }
  };
  const visitMember = (m: Member, path: string, base: number): void => {
    if (m.name === undefined) { visit(m.type, path, base + m.offset); return; }
    const at = path === '' ? m.name : `${path}.${m.name}`;
    if (m.bitField) {
      const image = new Uint8Array(type.size);
      const first = base * 8 + m.bitField.bitOffset;
      for (let b = first; b < first + m.bitField.width; b++) image[b >> 3]! |= 1 << (b & 7);
      lines.push(`${tag} bits ${at} ${Buffer.from(image).toString('hex')}`);
      return;
    }
    lines.push(`${tag} off ${at} ${base + m.offset} ${m.type.size}`);
    visit(m.type, at, base + m.offset);
  };
  visit(type, '', 0);
  return lines;
}

/** The C statements printing what expectedLines() predicts, parsed back from those lines. */
function cChecks(tag: string, type: CType, lines: string[], boolPaths: ReadonlySet<string>): string {
  const t = `${type.kind === 'record' && type.union ? 'union' : 'struct'} ${tag}`;
  return lines.map((line) => {
    const [, what, path] = line.split(' ');
    if (what === 'size') return `  printf("${tag} size %zu %zu\\n", sizeof(${t}), _Alignof(${t}));\n`;
    if (what === 'off') return `  printf("${tag} off ${path} %zu %zu\\n", offsetof(${t}, ${path}), sizeof(((${t} *)0)->${path}));\n`;
    const bool = boolPaths.has(path!);
    return `  { ${t} v; memset(&v, 0, sizeof v); v.${path} = ${bool ? 1 : -1}; printf("${tag} bits ${path} "); image(&v, sizeof v); }\n`;
  }).join('');
}

export interface OracleResult { cases: number; checks: number; mismatches: string[] }

/** Compiles and runs one batch; returns the cases whose lines differ (with their source). */
export function runBatch(specs: { union: boolean; attrs: Attr; members: MemberSpec[] }[]): OracleResult {
  const counter = { n: 0 };
  const sources = specs.map((spec, i) => printCase(`case${i}`, spec, counter));
  const text = PRELUDE + sources.join('');
  const declarations = parseDeclarations(text, 'oracle.h');
  const expected: string[][] = [];
  let body = '';
  sources.forEach((_, i) => {
    const tag = `case${i}`;
    const named = declarations.types.find((t) => t.name === `${specs[i]!.union ? 'union' : 'struct'} ${tag}`);
    if (named === undefined) throw new Error(`shmscope did not find case ${tag}`);
    const lines = expectedLines(tag, named.type);
    const boolPaths = new Set<string>();
    collectBoolPaths(named.type, '', boolPaths);
    expected.push(lines);
    body += cChecks(tag, named.type, lines, boolPaths);
  });
  const program = `${text}
static void image(const void *p, size_t n) { const unsigned char *b = p; for (size_t i = 0; i < n; i++) printf("%02x", b[i]); printf("\\n"); }
int main(void) {
${body}  return 0;
}
`;
  const dir = mkdtempSync(join(tmpdir(), 'shmscope-layout-oracle-'));
  try {
    writeFileSync(join(dir, 'oracle.c'), program);
    const cc = spawnSync('gcc', ['-w', '-O0', '-o', join(dir, 'oracle'), join(dir, 'oracle.c')], { encoding: 'utf8' });
    if (cc.status !== 0) throw new Error(`gcc failed:\n${cc.stderr.slice(0, 4000)}\n--- program ---\n${program.slice(0, 20000)}`);
    const run = spawnSync(join(dir, 'oracle'), { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (run.status !== 0) throw new Error(`oracle program failed: ${run.stderr}`);
    const actual = new Map<string, string[]>();
    for (const line of run.stdout.split('\n')) {
      if (line === '') continue;
      const tag = line.slice(0, line.indexOf(' '));
      (actual.get(tag) ?? actual.set(tag, []).get(tag)!).push(line);
    }
    const mismatches: string[] = [];
    expected.forEach((lines, i) => {
      const got = actual.get(`case${i}`) ?? [];
      if (got.join('\n') !== lines.join('\n')) {
        const diff = lines.map((line, j) => (line === got[j] ? null : `  shmscope: ${line}\n  gcc:      ${got[j] ?? '(none)'}`)).filter((d) => d !== null);
        mismatches.push(`${sources[i]}${diff.slice(0, 5).join('\n')}`);
      }
    });
    return { cases: specs.length, checks: expected.reduce((n, l) => n + l.length, 0), mismatches };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The paths of _Bool bit-fields (set to 1, not -1, for their image). */
function collectBoolPaths(type: CType, path: string, into: Set<string>): void {
  if (type.kind === 'record') {
    for (const m of type.members) {
      const at = m.name === undefined ? path : path === '' ? m.name : `${path}.${m.name}`;
      if (m.bitField && m.type.kind === 'int' && m.type.bool) into.add(at);
      else if (!m.bitField) collectBoolPaths(m.type, at, into);
    }
  } else if (type.kind === 'array' && type.length > 0) {
    for (const i of new Set([0, type.length - 1])) collectBoolPaths(type.element, `${path}[${i}]`, into);
  }
}
