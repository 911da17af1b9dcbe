// The value decoder (common/layout/decode.ts): bytes in, one entry per member out, with
// values as the C program that wrote them means them.
import { describe, expect, it } from 'vitest';
import { decode, fieldCount, findType, parseDeclarations, type DecodedField } from '../../common/layout';

function decodeOf(source: string, name: string, bytes: Uint8Array, count = 1, baseOffset = 0): DecodedField[] {
  const found = findType(parseDeclarations(source, 'layout.h'), name);
  if (!found) throw new Error(`no type ${name}`);
  return decode(found.type, bytes, { count, baseOffset });
}

function bytesOf(size: number, fill: (view: DataView) => void): Uint8Array {
  const bytes = new Uint8Array(size);
  fill(new DataView(bytes.buffer));
  return bytes;
}

const values = (fields: DecodedField[]) => Object.fromEntries(fields.map((f) => [f.path, f.value]));

describe('decode', () => {
  it('reads integers with their sign and width; 64-bit ones as decimal strings', () => {
    const source = 'struct n { signed char a; unsigned char b; short c; unsigned short d; int e; unsigned f; long g; unsigned long long h; __int128 i; };';
    const bytes = bytesOf(48, (v) => {
      v.setInt8(0, -5); v.setUint8(1, 250); v.setInt16(2, -300, true); v.setUint16(4, 65000, true); v.setInt32(8, -70000, true);
      v.setUint32(12, 4_000_000_000, true); v.setBigInt64(16, -(2n ** 62n), true); v.setBigUint64(24, 2n ** 64n - 1n, true);
      v.setBigUint64(32, 0n, true); v.setBigInt64(40, -1n, true);
    });
    expect(values(decodeOf(source, 'n', bytes))).toEqual({
      a: -5, b: 250, c: -300, d: 65000, e: -70000, f: 4_000_000_000, g: '-4611686018427387904', h: '18446744073709551615',
      i: (-(2n ** 64n)).toString(),
    });
  });

  it('shows bools, enums by name (with the number), pointers as addresses, floats (NaN as text)', () => {
    const source = 'enum color { RED, GREEN = 5 }; struct v { bool b; _Bool u; enum color c; enum color d; void *p; float f; double g; };';
    const bytes = bytesOf(32, (v) => {
      v.setUint8(0, 1); v.setUint8(1, 7); v.setInt32(4, 5, true); v.setInt32(8, 9, true); v.setBigUint64(16, 0x7f00deadbeefn, true);
      v.setFloat32(24, Number.NaN, true);
    });
    const fields = decodeOf(source, 'v', new Uint8Array([...bytes, ...new Uint8Array(8)]));
    expect(values(fields)).toEqual({ b: true, u: 7, c: 'GREEN', d: 9, p: '0x00007f00deadbeef', f: 'NaN', g: 0 });
    expect(fields.find((f) => f.path === 'c')?.raw).toBe(5);
    expect(fields.find((f) => f.path === 'd')?.raw).toBeUndefined();
  });

  it('reads a char array as C text up to the first NUL, escaped, with all its bytes in hex', () => {
    const text = new TextEncoder().encode('hi\t"x"\\\x1b[2J\xff');
    const bytes = new Uint8Array(16);
    bytes.set(text);
    bytes[15] = 0x41; // after the NUL: only in the bytes
    const [field] = decodeOf('struct t { char s[16]; };', 't', bytes);
    expect(field!.value).toBe('hi\\t\\"x\\"\\\\\\x1b[2J\\xc3\\xbf');
    expect(field!.bytes).toBe(Buffer.from(bytes).toString('hex'));
    expect(field!.type).toBe('char[16]');
  });

  it('reads bit-fields at gcc\'s positions, signed ones sign-extended', () => {
    // a = bits 0-2, b = bits 3-7, c = bits 8-27 of the first int; d in the next int.
    const source = 'struct b { int a : 3; unsigned b : 5; int c : 20; unsigned d : 30; };';
    const word = (0b101) | (0b10110 << 3) | (0xfffff << 8);
    const bytes = bytesOf(8, (v) => { v.setUint32(0, word >>> 0, true); v.setUint32(4, 12345, true); });
    const fields = decodeOf(source, 'b', bytes);
    expect(values(fields)).toEqual({ a: -3, b: 22, c: -1, d: 12345 });
    expect(fields.map((f) => [f.path, f.offset, f.size, f.bitOffset, f.bitWidth, f.type])).toEqual([
      ['a', 0, 1, 0, 3, 'int:3'], ['b', 0, 1, 3, 5, 'unsigned int:5'], ['c', 1, 3, 0, 20, 'int:20'], ['d', 4, 4, 0, 30, 'unsigned int:30'],
    ]);
  });

  it('walks nested, anonymous and array members with C paths; --count prefixes [i] and offsets are absolute', () => {
    const source = 'struct p { short x, y; }; struct s { struct p pts[2]; union { int i; char c; }; char names[2][3]; };';
    const bytes = bytesOf(40, (v) => { v.setInt16(4, 7, true); v.setInt32(8, 65, true); v.setUint8(12, 0x61); v.setUint8(15, 0x62); v.setInt16(20 + 4, 9, true); });
    const fields = decodeOf(source, 's', bytes, 2, 4096);
    expect(fields.slice(0, 9).map((f) => [f.path, f.offset, f.value])).toEqual([
      ['[0].pts[0].x', 4096, 0], ['[0].pts[0].y', 4098, 0], ['[0].pts[1].x', 4100, 7], ['[0].pts[1].y', 4102, 0],
      ['[0].i', 4104, 65], ['[0].c', 4104, 65], ['[0].names[0]', 4108, 'a'], ['[0].names[1]', 4111, 'b'], ['[1].pts[0].x', 4116, 0],
    ]);
    expect(fieldCount(findType(parseDeclarations(source), 's')!.type)).toBe(8);
  });

  it('refuses fewer bytes than the objects need', () => {
    expect(() => decodeOf('struct s { int a; };', 's', new Uint8Array(7), 2)).toThrow(RangeError);
  });
});

describe('fieldCount bounds the work of a decode', () => {
  it('counts every element of an array of empty structs (a billion steps is not zero)', () => {
    const type = findType(parseDeclarations('struct e {};\nstruct s { struct e a[1000000000]; int x; };', 'h.h'), 's')!.type;
    expect(type.size).toBe(4);
    expect(fieldCount(type)).toBeGreaterThanOrEqual(1_000_000_000);
  });
});
