// Property tests of segment references (main/segments/ref.ts): formatRef/parseRef round-trip,
// parsing agrees with an independent reading of the documented syntax, and a bad reference
// only ever fails with a ShmscopeError coded EINVAL or ENAMETOOLONG that names it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShmscopeError } from '../../main/errors';
import { formatKey, formatRef, parseRef, type SegmentRef } from '../../main/segments/ref';

const RUNS = 3000;

/** One shm_open path component: no '/', no NUL, not "." or "..", at most 255 bytes (NAME_MAX). */
const posixName = fc.string({ minLength: 1, maxLength: 60, unit: fc.constantFrom('a', 'Z', '0', '.', '-', '_', ' ', 'é', '😀', ':', '\\', '%', '\n') })
  .filter((n) => n !== '.' && n !== '..' && Buffer.byteLength(n) <= 255);
const validRef: fc.Arbitrary<SegmentRef> = fc.oneof(
  fc.integer({ min: 0, max: 0x7fffffff }).map((id) => ({ kind: 'sysv' as const, id })),
  fc.integer({ min: 1, max: 0xffffffff }).map((key) => ({ kind: 'key' as const, key })),
  posixName.map((name) => ({ kind: 'posix' as const, name: `/${name}` })),
);

/** What a reference should parse to, read independently from the syntax the README gives. */
function expected(text: string): SegmentRef | 'EINVAL' | 'ENAMETOOLONG' {
  const m = /^(sysv|key|posix):([\s\S]*)$/.exec(text);
  if (!m) return 'EINVAL';
  const [, scheme, value] = m as unknown as [string, string, string];
  if (scheme === 'posix') {
    const bare = value.startsWith('/') ? value.slice(1) : value;
    if (bare === '' || bare === '.' || bare === '..' || bare.includes('/') || bare.includes('\0')) return 'EINVAL';
    return Buffer.byteLength(bare) > 255 ? 'ENAMETOOLONG' : { kind: 'posix', name: `/${bare}` };
  }
  let n: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(value)) n = BigInt(value);
  else if (/^[0-9]+$/.test(value)) n = BigInt(value);
  else return 'EINVAL';
  if (scheme === 'sysv') return n <= 0x7fffffffn ? { kind: 'sysv', id: Number(n) } : 'EINVAL';
  return n >= 1n && n <= 0xffffffffn ? { kind: 'key', key: Number(n) } : 'EINVAL';
}

const number = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 70n }).map((n) => n.toString()),
  fc.bigInt({ min: 0n, max: 2n ** 70n }).map((n) => `0x${n.toString(16)}`),
  fc.bigInt({ min: 0n, max: 2n ** 40n }).map((n) => `0X${n.toString(16).toUpperCase()}`),
  fc.constantFrom('', '-1', '+1', '1e3', '0x', '0x-1', ' 1', '1 ', '0b1', '1.0', '٣', '0', '00', '0x0', '2147483647', '2147483648', '4294967295', '4294967296'),
);
const anyText = fc.oneof(
  fc.tuple(fc.constantFrom('sysv:', 'key:'), number).map(([s, n]) => s + n),
  fc.tuple(fc.constantFrom('posix:', 'posix:/', 'posix://'), fc.oneof(posixName, fc.string(), fc.constant('é'.repeat(128)), fc.constant('x'.repeat(256)), fc.constant('a/b'), fc.constant('a\0'))).map(([s, n]) => s + n),
  fc.string(),
  fc.constantFrom('', ':', 'SYSV:1', 'Posix:x', 'shm:1', 'sysv', 'posix', 'key:'),
);

describe('segment references (property)', () => {
  it(`round-trip: parseRef(formatRef(r)) is r for every valid reference (${RUNS} runs)`, () => {
    fc.assert(fc.property(validRef, (ref) => {
      expect(parseRef(formatRef(ref))).toEqual(ref);
      if (ref.kind === 'key') expect(formatRef(ref)).toBe(`key:${formatKey(ref.key)}`);
    }), { numRuns: RUNS });
  });

  it(`parses exactly what the syntax allows, and fails only with EINVAL/ENAMETOOLONG naming the text (${RUNS} runs)`, () => {
    fc.assert(fc.property(anyText, (text) => {
      const want = expected(text);
      let got: SegmentRef | undefined;
      let error: unknown;
      try { got = parseRef(text); } catch (e) { error = e; }
      if (typeof want === 'object') {
        expect(error).toBeUndefined();
        expect(got).toEqual(want);
        // Canonical text parses to the same reference.
        expect(parseRef(formatRef(got!))).toEqual(got);
        return;
      }
      expect(error).toBeInstanceOf(ShmscopeError);
      const e = error as ShmscopeError;
      expect(e.code).toBe(want);
      expect(e.message.endsWith(`(${want})`)).toBe(true);
      expect(e.subject).toBe(text === '' ? '(empty reference)' : text);
    }), { numRuns: RUNS });
  });
});
