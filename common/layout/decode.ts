// Turns the bytes of an object into its members' values, one entry per scalar member (an array
// element, a bit-field, a pointer...), in memory order. A char array is one entry: its text up
// to the first NUL with C escapes (so nothing in it can act on a terminal) and all its bytes in
// hex. 64-bit integers are decimal strings (JSON numbers lose precision past 2^53).
import type { CType, Member } from './types';

export type DecodedValue = number | string | boolean;

export interface DecodedField {
  /** "in", "buffer[3]", "items[2].name", "[1].in" (with a count). */
  path: string;
  /** From the start of the bytes given (plus the base offset). */
  offset: number;
  size: number;
  type: string;
  value: DecodedValue;
  /** Enums: the number behind the name. */
  raw?: number | string;
  /** Char arrays: every byte, in hex. */
  bytes?: string;
  /** Bit-fields: first bit within the byte at `offset` (0 = least significant), and width. */
  bitOffset?: number;
  bitWidth?: number;
}

/** How many entries decode() yields for `type` (to refuse a huge array before building it). */
export function fieldCount(type: CType): number {
  switch (type.kind) {
    case 'record': return type.members.reduce((sum, member) => sum + fieldCount(member.type), 0);
    // Every element is visited even when it has no fields (an array of empty structs), so it
    // counts at least once: a billion empty elements are a billion steps, not zero.
    case 'array': return isText(type) ? 1 : type.length * Math.max(1, fieldCount(type.element));
    default: return 1;
  }
}

function isText(type: CType): boolean {
  return type.kind === 'array' && type.element.kind === 'int' && type.element.char;
}

export interface DecodeOptions {
  /** Objects of `type` back to back (an array of them); paths get an [i] prefix when more than 1. */
  count: number;
  /** Added to every offset reported (where `bytes` starts in the segment). */
  baseOffset: number;
}

export function decode(type: CType, bytes: Uint8Array, options: DecodeOptions): DecodedField[] {
  if (bytes.length < type.size * options.count) throw new RangeError(`${type.size * options.count} bytes needed, ${bytes.length} given`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fields: DecodedField[] = [];
  for (let i = 0; i < options.count; i++) {
    walk(type, i * type.size, options.count === 1 ? '' : `[${i}]`, view, options.baseOffset, fields);
  }
  return fields;
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function walk(type: CType, at: number, path: string, view: DataView, base: number, out: DecodedField[]): void {
  if (type.kind === 'record') {
    for (const member of type.members) walkMember(member, at, path, view, base, out);
    return;
  }
  if (type.kind === 'array' && isText(type)) {
    const bytes = new Uint8Array(view.buffer, view.byteOffset + at, type.size);
    out.push({ path, offset: base + at, size: type.size, type: type.name, value: cText(bytes), bytes: hex(bytes) });
    return;
  }
  if (type.kind === 'array') {
    for (let i = 0; i < type.length; i++) walk(type.element, at + i * type.element.size, `${path}[${i}]`, view, base, out);
    return;
  }
  const raw = readInteger(view, at, type.size, type.kind === 'int' || type.kind === 'enum' ? type.signed : false);
  out.push({ path, offset: base + at, size: type.size, type: type.name, ...scalar(type, raw, view, at) });
}

function walkMember(member: Member, at: number, path: string, view: DataView, base: number, out: DecodedField[]): void {
  const memberPath = member.name === undefined ? path : join(path, member.name);
  if (member.bitField === undefined) {
    walk(member.type, at + member.offset, memberPath, view, base, out);
    return;
  }
  const { width, bitOffset } = member.bitField;
  const firstByte = Math.floor(bitOffset / 8);
  const shift = bitOffset % 8;
  const span = Math.ceil((shift + width) / 8);
  let bits = 0n;
  for (let i = span - 1; i >= 0; i--) bits = (bits << 8n) | BigInt(view.getUint8(at + firstByte + i));
  bits = (bits >> BigInt(shift)) & ((1n << BigInt(width)) - 1n);
  const signed = (member.type.kind === 'int' || member.type.kind === 'enum') && member.type.signed;
  if (signed && (bits >> BigInt(width - 1)) === 1n) bits -= 1n << BigInt(width);
  out.push({
    path: memberPath, offset: base + at + firstByte, size: span, type: `${member.type.name}:${width}`,
    ...scalar(member.type, bits, view, at), bitOffset: shift, bitWidth: width,
  });
}

/** Numbers that fit a double exactly stay numbers; wider ones are decimal strings. */
function integerValue(value: bigint, size: number): number | string {
  return size >= 8 ? value.toString() : Number(value);
}

function scalar(type: CType, raw: bigint, view: DataView, at: number): Pick<DecodedField, 'value' | 'raw'> {
  switch (type.kind) {
    case 'int':
      if (type.bool && (raw === 0n || raw === 1n)) return { value: raw === 1n };
      return { value: integerValue(raw, type.size) };
    case 'enum': {
      const known = type.values.find((v) => v.value === raw);
      const number = integerValue(raw, type.size);
      return known === undefined ? { value: number } : { value: known.name, raw: number };
    }
    case 'pointer':
      return { value: `0x${BigInt.asUintN(64, raw).toString(16).padStart(16, '0')}` };
    case 'float': {
      const value = type.size === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true);
      return { value: Number.isFinite(value) ? value : String(value) };
    }
    default:
      return { value: '' };
  }
}

function readInteger(view: DataView, at: number, size: number, signed: boolean): bigint {
  let value = 0n;
  for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(view.getUint8(at + i));
  return signed ? BigInt.asIntN(size * 8, value) : value;
}

const ESCAPES: Readonly<Record<number, string>> = { 0x5c: '\\\\', 0x22: '\\"', 0x0a: '\\n', 0x09: '\\t', 0x0d: '\\r' };

/** The C string in `bytes` (up to the first NUL) with C escapes: printable ASCII as itself, the rest \xHH. */
export function cText(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) {
    if (byte === 0) break;
    text += ESCAPES[byte] ?? (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`);
  }
  return text;
}

function hex(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte.toString(16).padStart(2, '0');
  return text;
}
