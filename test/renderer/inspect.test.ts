import { describe, expect, test } from 'vitest';
import { cStringAt, escapeBytes, formatFloat, inspect, readFloat, readInt, utf8At, type InspectorRow } from '../../renderer/lib/inspect';

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);

function row(rows: InspectorRow[], label: string): InspectorRow {
  const r = rows.find((x) => x.label === label);
  if (!r) throw new Error(`no row ${label}`);
  return r;
}

describe('integers', () => {
  const bytes = b(0xfe, 0xff, 0x01, 0x80, 0x00, 0x00, 0x00, 0x80);
  test.each([
    [1, false, 'le', 254n], [1, true, 'le', -2n], [1, false, 'be', 254n],
    [2, false, 'le', 0xfffen], [2, false, 'be', 0xfeffn], [2, true, 'le', -2n], [2, true, 'be', -257n],
    [4, false, 'le', 0x8001fffen], [4, false, 'be', 0xfeff0180n], [4, true, 'le', -2147352578n], [4, true, 'be', -16842368n],
    [8, false, 'le', 0x800000008001fffen], [8, false, 'be', 0xfeff018000000080n],
    [8, true, 'le', 0x800000008001fffen - (1n << 64n)], [8, true, 'be', 0xfeff018000000080n - (1n << 64n)],
  ] as const)('width %i signed %s %s', (width, signed, endian, expected) => {
    expect(readInt(bytes, width, signed, endian)).toBe(expected);
  });

  test('u64/i64 extremes keep every bit', () => {
    const ones = new Uint8Array(8).fill(0xff);
    expect(readInt(ones, 8, false, 'le')).toBe(18446744073709551615n);
    expect(readInt(ones, 8, true, 'be')).toBe(-1n);
    const min = b(0, 0, 0, 0, 0, 0, 0, 0x80);
    expect(readInt(min, 8, true, 'le')).toBe(-9223372036854775808n);
  });

  test('offset and too few bytes', () => {
    expect(readInt(b(9, 1, 2), 2, false, 'be', 1)).toBe(0x0102n);
    expect(readInt(b(1, 2, 3), 4, false, 'le')).toBeUndefined();
    expect(readInt(b(1, 2, 3), 2, false, 'le', 2)).toBeUndefined();
  });

  test('works on a subarray view (byteOffset != 0)', () => {
    const big = b(0xaa, 0xbb, 0x34, 0x12);
    expect(readInt(big.subarray(2), 2, false, 'le')).toBe(0x1234n);
  });
});

describe('floats', () => {
  test('f32 both endiannesses', () => {
    expect(readFloat(b(0x00, 0x00, 0x80, 0x3f), 4, 'le')).toBe(1);
    expect(readFloat(b(0x3f, 0x80, 0x00, 0x00), 4, 'be')).toBe(1);
    expect(formatFloat(readFloat(b(0xcd, 0xcc, 0xcc, 0x3d), 4, 'le')!, 4)).toBe('0.1');
  });
  test('f64 both endiannesses', () => {
    const pi = new Uint8Array(new Float64Array([Math.PI]).buffer);
    expect(readFloat(pi, 8, 'le')).toBe(Math.PI);
    expect(readFloat(Uint8Array.from(pi).reverse(), 8, 'be')).toBe(Math.PI);
  });
  test('NaN, infinities, negative zero, denormals', () => {
    expect(formatFloat(readFloat(b(0x00, 0x00, 0xc0, 0x7f), 4, 'le')!, 4)).toBe('NaN');
    expect(formatFloat(readFloat(b(0x7f, 0x80, 0, 0), 4, 'be')!, 4)).toBe('Infinity');
    expect(formatFloat(readFloat(b(0xff, 0xf0, 0, 0, 0, 0, 0, 0), 8, 'be')!, 8)).toBe('-Infinity');
    expect(formatFloat(readFloat(b(0, 0, 0, 0x80), 4, 'le')!, 4)).toBe('-0');
    expect(formatFloat(readFloat(b(1, 0, 0, 0), 4, 'le')!, 4)).toBe('1e-45');
    expect(formatFloat(readFloat(b(1, 0, 0, 0, 0, 0, 0, 0), 8, 'le')!, 8)).toBe('5e-324');
    expect(formatFloat(Math.fround(3.4028234663852886e38), 4)).toBe('3.4028235e+38');
  });
  test('too few bytes', () => {
    expect(readFloat(b(1, 2, 3), 4, 'le')).toBeUndefined();
    expect(readFloat(b(1, 2, 3, 4, 5, 6, 7), 8, 'be')).toBeUndefined();
  });
});

describe('UTF-8', () => {
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  test('valid sequences of 1-4 bytes', () => {
    expect(utf8At(enc('A'))).toEqual({ ok: true, codePoint: 0x41, length: 1 });
    expect(utf8At(enc('é'))).toEqual({ ok: true, codePoint: 0xe9, length: 2 });
    expect(utf8At(enc('€'))).toEqual({ ok: true, codePoint: 0x20ac, length: 3 });
    expect(utf8At(enc('😀'))).toEqual({ ok: true, codePoint: 0x1f600, length: 4 });
    expect(utf8At(enc('a€'), 1)).toEqual({ ok: true, codePoint: 0x20ac, length: 3 });
  });
  test.each([
    [[0x80], 'continuation byte'],
    [[0xbf, 0x41], 'continuation byte'],
    [[0xf8, 0x80, 0x80, 0x80], 'invalid lead byte'],
    [[0xff], 'invalid lead byte'],
    [[0xe2, 0x82], 'truncated'],
    [[0xc3, 0x41], 'bad continuation'],
    [[0xc0, 0x80], 'overlong'],
    [[0xe0, 0x80, 0xaf], 'overlong'],
    [[0xf0, 0x80, 0x80, 0xaf], 'overlong'],
    [[0xed, 0xa0, 0x80], 'surrogate'],
    [[0xf4, 0x90, 0x80, 0x80], 'beyond U+10FFFF'],
  ])('invalid %j: %s', (bytes, reason) => {
    const r = utf8At(Uint8Array.from(bytes));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe(reason);
  });
  test('agrees with a fatal TextDecoder on every 2-byte sequence', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for (let lead = 0xc0; lead < 0x100; lead++) {
      for (let cont = 0; cont < 0x100; cont += 7) {
        const bytes = b(lead, cont);
        let valid = true;
        try { decoder.decode(bytes); } catch { valid = false; }
        const r = utf8At(bytes);
        expect(r.ok && r.length === 2, `${lead.toString(16)} ${cont.toString(16)}`).toBe(valid);
      }
    }
  });
  test('empty', () => {
    expect(utf8At(b())).toEqual({ ok: false, reason: 'empty', length: 0 });
  });
});

describe('strings', () => {
  test('C string stops at NUL', () => {
    expect(cStringAt(b(0x68, 0x69, 0, 0x78))).toEqual({ text: 'hi', length: 2, terminated: true });
  });
  test('C string without NUL in reach is unterminated', () => {
    expect(cStringAt(b(0x61, 0x62, 0x63), 0, 2)).toEqual({ text: 'ab', length: 2, terminated: false });
    expect(cStringAt(b(0x61, 0x62), 1)).toEqual({ text: 'b', length: 1, terminated: false });
  });
  test('escapes controls, quotes and invalid UTF-8, keeps valid UTF-8', () => {
    expect(escapeBytes(b(0x0a, 0x09, 0x22, 0x5c, 0x01, 0x7f))).toBe('\\n\\t\\"\\\\\\x01\\x7f');
    expect(escapeBytes(new TextEncoder().encode('héllo €'))).toBe('héllo €');
    expect(escapeBytes(b(0x61, 0xff, 0xc3, 0x62))).toBe('a\\xff\\xc3b');
    expect(escapeBytes(b(0xc2, 0x85))).toBe('\\xc2\\x85'); // U+0085 (NEL) is valid but invisible
  });
});

describe('inspect()', () => {
  test('rows for a full 8-byte window', () => {
    const rows = inspect(b(0x48, 0x69, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f));
    expect(row(rows, 'u8')).toMatchObject({ le: '72', be: '72', endianFree: true });
    expect(row(rows, 'binary').le).toBe('01001000');
    expect(row(rows, 'u16')).toMatchObject({ le: '26952', be: '18537' });
    expect(row(rows, 'f64').le).toBe(String(new Float64Array(Uint8Array.from([0x48, 0x69, 0, 0, 0, 0, 0xf0, 0x3f]).buffer)[0]));
    expect(row(rows, 'f64').le).toMatch(/^1\.0000000000/);
    expect(row(rows, 'C string').le).toBe('"Hi" (2 bytes)');
    expect(row(rows, 'UTF-8').le).toBe("U+0048 'H' (1 byte)");
  });
  test('near the end of the segment, wide types are null', () => {
    const rows = inspect(b(1, 2, 3), 1);
    expect(row(rows, 'u8').le).toBe('2');
    expect(row(rows, 'u16').be).toBe('515');
    expect(row(rows, 'u32').le).toBeNull();
    expect(row(rows, 'f64').be).toBeNull();
    expect(row(rows, 'C string').le).toBe('"\\x02\\x03"… (2+ bytes)');
  });
  test('past the end: everything null', () => {
    const rows = inspect(b(), 0);
    expect(rows.every((r) => r.le === null && r.be === null)).toBe(true);
  });
  test('invalid UTF-8 is reported, not replaced', () => {
    expect(row(inspect(b(0xed, 0xb0, 0x80)), 'UTF-8').le).toBe('invalid (surrogate)');
    expect(row(inspect(b(0xe2, 0x82, 0xac)), 'UTF-8').le).toBe("U+20AC '€' (3 bytes)");
  });
});
