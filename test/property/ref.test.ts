// Property tests of segment references (main/segments/ref.ts): formatRef/parseRef round-trip,
// parsing agrees with an independent reading of the documented syntax, and a bad reference
// only ever fails with a ShmscopeError coded EINVAL or ENAMETOOLONG that names it. POSIX names
// are bytes, spelled with the escape of main/segments/posix-name.ts (\\ and \xHH).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShmscopeError } from '../../main/errors';
import { escapePosixName } from '../../main/segments/posix-name';
import { formatKey, formatRef, parseRef, posixNameBytes, type SegmentRef } from '../../main/segments/ref';

const RUNS = 3000;

/** Whether bytes are one shm_open path component: no '/', no NUL, not "." or "..", 1..255 bytes (NAME_MAX). */
const validName = (b: Buffer): boolean =>
  b.length >= 1 && b.length <= 255 && !b.includes(0x2f) && !b.includes(0) && b.toString('latin1') !== '.' && b.toString('latin1') !== '..';

/** Name bytes: printable ASCII (the backslash and 'x' included), controls, stray and lead bytes,
 *  valid multi-byte UTF-8 (é, a bidi override, an emoji) and an encoded surrogate (invalid). */
const nameBytes = fc.oneof(
  fc.array(fc.constantFrom<number[]>(
    [0x61], [0x5a], [0x30], [0x2e], [0x2d], [0x5f], [0x20], [0x3a], [0x25], [0x5c], [0x78], [0x0a], [0x1b], [0x7f],
    [0x80], [0xbf], [0xc3], [0xff], [0xc3, 0xa9], [0xe2, 0x80, 0xae], [0xf0, 0x9f, 0x98, 0x80], [0xed, 0xa0, 0x80],
  ), { minLength: 1, maxLength: 60 }).map((parts) => Buffer.from(parts.flat())),
  fc.tuple(fc.integer({ min: 250, max: 255 }), fc.constantFrom(0x79, 0xff, 0x5c)).map(([n, byte]) => Buffer.alloc(n, byte)),
).filter(validName);
const posixName = fc.string({ minLength: 1, maxLength: 60, unit: fc.constantFrom('a', 'Z', '0', '.', '-', '_', ' ', 'é', '😀', ':', '\\', '%', '\n', 'x', 'f') });
const validRef: fc.Arbitrary<SegmentRef> = fc.oneof(
  fc.integer({ min: 0, max: 0x7fffffff }).map((id) => ({ kind: 'sysv' as const, id })),
  fc.integer({ min: 1, max: 0xffffffff }).map((key) => ({ kind: 'key' as const, key })),
  nameBytes.map((bytes) => ({ kind: 'posix' as const, name: `/${escapePosixName(bytes)}` })),
);

/** The bytes an escaped name stands for, read independently of unescapePosixName; null when malformed. */
function decodeEscapes(text: string): Buffer | null {
  const parts: Buffer[] = [];
  for (const [token, hex] of text.matchAll(/\\\\|\\x([0-9a-fA-F]{2})|\\|[^\\]+/g)) {
    if (token === '\\\\') parts.push(Buffer.from([0x5c]));
    else if (hex !== undefined) parts.push(Buffer.from([Number.parseInt(hex, 16)]));
    else if (token === '\\') return null;
    else parts.push(Buffer.from(token, 'utf8'));
  }
  return Buffer.concat(parts);
}

/** What a reference should parse to, read independently from the syntax the README gives. */
function expected(text: string): SegmentRef | 'EINVAL' | 'ENAMETOOLONG' {
  const m = /^(sysv|key|posix):([\s\S]*)$/.exec(text);
  if (!m) return 'EINVAL';
  const [, scheme, value] = m as unknown as [string, string, string];
  if (scheme === 'posix') {
    const bytes = decodeEscapes(value.startsWith('/') ? value.slice(1) : value);
    if (bytes === null || bytes.length === 0) return 'EINVAL';
    if (bytes.length > 255) return bytes.includes(0x2f) || bytes.includes(0) ? 'EINVAL' : 'ENAMETOOLONG';
    return validName(bytes) ? { kind: 'posix', name: `/${escapePosixName(bytes)}` } : 'EINVAL';
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
  fc.tuple(fc.constantFrom('posix:', 'posix:/', 'posix://'), fc.oneof(
    posixName, fc.string(), nameBytes.map(escapePosixName),
    fc.constantFrom('é'.repeat(127), 'é'.repeat(128), 'x'.repeat(255), 'x'.repeat(256), '\\xff'.repeat(255), '\\xff'.repeat(256), 'a/b', 'a\0',
      'bad\\xff', 'a\\', '\\x2f', 'a\\x00', '\\xZZ', '\\x4', '\\\\', '\\\\x41', '\\x2e', '\\x2e\\x2e', '\\x41\\xC3\\xa9'),
  )).map(([s, n]) => s + n),
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

  it(`POSIX names: the escaped spelling of any bytes parses back to exactly those bytes (${RUNS} runs)`, () => {
    fc.assert(fc.property(nameBytes, (bytes) => {
      const text = `posix:${escapePosixName(bytes)}`;
      const ref = parseRef(text);
      expect(formatRef(ref)).toBe(text);
      expect(ref.kind === 'posix' && posixNameBytes(ref.name)).toEqual(Buffer.concat([Buffer.from('/'), bytes]));
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
      // POSIX refs are spelled one way in messages: posix:NAME, without the optional leading slash.
      const spelled = text.startsWith('posix:/') ? `posix:${text.slice('posix:/'.length)}` : text;
      expect(e.subject).toBe(text === '' ? '(empty reference)' : spelled);
    }), { numRuns: RUNS });
  });
});
