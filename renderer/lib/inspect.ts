// Data inspector: decodes the bytes under the hex view's cursor as the usual C types.
// Pure functions over a Uint8Array so they are unit-tested without a DOM. The bytes come
// from shared memory another process may be rewriting, so nothing here assumes they are
// well formed: every decoder reports "not enough bytes" or "invalid" instead of throwing.

export type Endian = 'le' | 'be';

export interface IntType {
  readonly label: string;
  readonly width: 1 | 2 | 4 | 8;
  readonly signed: boolean;
}

export const INT_TYPES: readonly IntType[] = [
  { label: 'u8', width: 1, signed: false },
  { label: 'i8', width: 1, signed: true },
  { label: 'u16', width: 2, signed: false },
  { label: 'i16', width: 2, signed: true },
  { label: 'u32', width: 4, signed: false },
  { label: 'i32', width: 4, signed: true },
  { label: 'u64', width: 8, signed: false },
  { label: 'i64', width: 8, signed: true },
];

/** A view of exactly `width` bytes at `offset`, or undefined when the buffer is too short. */
function viewOf(bytes: Uint8Array, offset: number, width: number): DataView | undefined {
  if (offset < 0 || offset + width > bytes.length) return undefined;
  return new DataView(bytes.buffer, bytes.byteOffset + offset, width);
}

/** An integer of 1..8 bytes. BigInt throughout so u64/i64 keep every bit. */
export function readInt(bytes: Uint8Array, width: 1 | 2 | 4 | 8, signed: boolean, endian: Endian, offset = 0): bigint | undefined {
  const view = viewOf(bytes, offset, width);
  if (view === undefined) return undefined;
  const le = endian === 'le';
  switch (width) {
    case 1: return BigInt(signed ? view.getInt8(0) : view.getUint8(0));
    case 2: return BigInt(signed ? view.getInt16(0, le) : view.getUint16(0, le));
    case 4: return BigInt(signed ? view.getInt32(0, le) : view.getUint32(0, le));
    case 8: return signed ? view.getBigInt64(0, le) : view.getBigUint64(0, le);
  }
}

export function readFloat(bytes: Uint8Array, width: 4 | 8, endian: Endian, offset = 0): number | undefined {
  const view = viewOf(bytes, offset, width);
  if (view === undefined) return undefined;
  return width === 4 ? view.getFloat32(0, endian === 'le') : view.getFloat64(0, endian === 'le');
}

/**
 * Shortest decimal text that reads back as the same float. For f32 that means the same value
 * after rounding to single precision, so 0.1f shows as "0.1", not "0.10000000149011612".
 */
export function formatFloat(value: number, width: 4 | 8): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (Object.is(value, -0)) return '-0';
  if (width === 8) return String(value);
  for (let digits = 1; digits <= 9; digits++) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(value);
}

export type Utf8Result =
  | { ok: true; codePoint: number; length: number }
  | { ok: false; reason: 'empty' | 'continuation byte' | 'invalid lead byte' | 'truncated' | 'bad continuation' | 'overlong' | 'surrogate' | 'beyond U+10FFFF'; length: number };

/**
 * Decodes one UTF-8 sequence at `offset`, strictly (RFC 3629): overlong forms, surrogates and
 * code points above U+10FFFF are errors, as they are for TextDecoder with `fatal: true`.
 * `length` is how many bytes the sequence (or the broken part of it) spans.
 */
export function utf8At(bytes: Uint8Array, offset = 0): Utf8Result {
  if (offset >= bytes.length) return { ok: false, reason: 'empty', length: 0 };
  const lead = bytes[offset]!;
  if (lead < 0x80) return { ok: true, codePoint: lead, length: 1 };
  if (lead < 0xc0) return { ok: false, reason: 'continuation byte', length: 1 };
  let need: number;
  let cp: number;
  let min: number;
  if (lead < 0xe0) { need = 1; cp = lead & 0x1f; min = 0x80; }
  else if (lead < 0xf0) { need = 2; cp = lead & 0x0f; min = 0x800; }
  else if (lead < 0xf8) { need = 3; cp = lead & 0x07; min = 0x10000; }
  else return { ok: false, reason: 'invalid lead byte', length: 1 };
  for (let i = 1; i <= need; i++) {
    if (offset + i >= bytes.length) return { ok: false, reason: 'truncated', length: i };
    const b = bytes[offset + i]!;
    if ((b & 0xc0) !== 0x80) return { ok: false, reason: 'bad continuation', length: i };
    cp = (cp << 6) | (b & 0x3f);
  }
  const length = need + 1;
  if (cp < min) return { ok: false, reason: 'overlong', length };
  if (cp >= 0xd800 && cp <= 0xdfff) return { ok: false, reason: 'surrogate', length };
  if (cp > 0x10ffff) return { ok: false, reason: 'beyond U+10FFFF', length };
  return { ok: true, codePoint: cp, length };
}

const SIMPLE_ESCAPES: Readonly<Record<number, string>> = { 0x00: '\\0', 0x07: '\\a', 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0b: '\\v', 0x0c: '\\f', 0x0d: '\\r', 0x22: '\\"', 0x5c: '\\\\' };

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/**
 * Bytes as a C-like string literal body: printable ASCII and valid UTF-8 as themselves, C escapes
 * for the common controls, \xNN for everything else (so invalid UTF-8 stays visible, never "�").
 */
export function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const simple = SIMPLE_ESCAPES[b];
    if (simple !== undefined) { out += simple; i++; continue; }
    if (b >= 0x20 && b < 0x7f) { out += String.fromCharCode(b); i++; continue; }
    if (b >= 0x80) {
      const r = utf8At(bytes, i);
      // C1 controls (U+0080..U+009F) are valid UTF-8 but invisible; escape them too.
      if (r.ok && r.codePoint >= 0xa0) { out += String.fromCodePoint(r.codePoint); i += r.length; continue; }
    }
    out += `\\x${hex2(b)}`;
    i++;
  }
  return out;
}

export interface CString {
  /** Escaped text up to (not including) the NUL or the end of the available bytes. */
  text: string;
  /** Bytes before the NUL. */
  length: number;
  /** False when no NUL was found in the bytes available (the string may go on). */
  terminated: boolean;
}

export function cStringAt(bytes: Uint8Array, offset = 0, max = 256): CString {
  const end = Math.min(bytes.length, offset + max);
  let nul = -1;
  for (let i = offset; i < end; i++) {
    if (bytes[i] === 0) { nul = i; break; }
  }
  const stop = nul < 0 ? end : nul;
  return { text: escapeBytes(bytes.subarray(offset, stop)), length: stop - offset, terminated: nul >= 0 };
}

export function formatCodePoint(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** One line of the inspector. `null` means the bytes do not reach far enough. */
export interface InspectorRow {
  label: string;
  le: string | null;
  /** Same as `le` for byte-order independent rows (u8, strings), to render one value. */
  be: string | null;
  endianFree: boolean;
}

function describeUtf8(bytes: Uint8Array, offset: number): string | null {
  const r = utf8At(bytes, offset);
  if (!r.ok) return r.reason === 'empty' ? null : `invalid (${r.reason})`;
  const ch = r.codePoint < 0x20 || (r.codePoint >= 0x7f && r.codePoint < 0xa0) ? '' : ` '${String.fromCodePoint(r.codePoint)}'`;
  return `${formatCodePoint(r.codePoint)}${ch} (${r.length} byte${r.length === 1 ? '' : 's'})`;
}

/**
 * Everything the inspector shows for the bytes starting at `offset`. The caller passes
 * whatever bytes it has from the cursor onwards (ideally at least 8, more for strings).
 */
export function inspect(bytes: Uint8Array, offset = 0, maxString = 64): InspectorRow[] {
  const rows: InspectorRow[] = [];
  const first = offset < bytes.length ? bytes[offset]! : undefined;
  rows.push({
    label: 'binary',
    le: first === undefined ? null : first.toString(2).padStart(8, '0'),
    be: first === undefined ? null : first.toString(2).padStart(8, '0'),
    endianFree: true,
  });
  for (const t of INT_TYPES) {
    const le = readInt(bytes, t.width, t.signed, 'le', offset);
    const be = readInt(bytes, t.width, t.signed, 'be', offset);
    rows.push({ label: t.label, le: le === undefined ? null : le.toString(), be: be === undefined ? null : be.toString(), endianFree: t.width === 1 });
  }
  for (const width of [4, 8] as const) {
    const le = readFloat(bytes, width, 'le', offset);
    const be = readFloat(bytes, width, 'be', offset);
    rows.push({ label: `f${width * 8}`, le: le === undefined ? null : formatFloat(le, width), be: be === undefined ? null : formatFloat(be, width), endianFree: false });
  }
  if (first === undefined) {
    rows.push({ label: 'C string', le: null, be: null, endianFree: true });
  } else {
    const s = cStringAt(bytes, offset, maxString);
    const text = `"${s.text}"${s.terminated ? '' : '…'} (${s.length}${s.terminated ? '' : '+'} bytes)`;
    rows.push({ label: 'C string', le: text, be: text, endianFree: true });
  }
  const utf8 = describeUtf8(bytes, offset);
  rows.push({ label: 'UTF-8', le: utf8, be: utf8, endianFree: true });
  return rows;
}
