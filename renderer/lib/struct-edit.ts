// A value typed into the Layout pane as the bytes of its C type (x86-64: little-endian):
// integers in range (decimal or 0x, negative for signed), an enum by name or number, a bool,
// a float, a pointer as an address, a char array as text with C escapes (NUL-padded to its
// size). Bit-fields are not edited (they share bytes with their neighbours).
import type { CType } from '../../common/layout';

export type Encoded = { ok: true; bytes: Uint8Array } | { ok: false; error: string };

function integerText(text: string): bigint | undefined {
  const t = text.trim().toLowerCase();
  const m = /^(-?)(0x[0-9a-f]+|[0-9]+)$/.exec(t);
  if (m === null) return undefined;
  const magnitude = BigInt(m[2]!);
  return m[1] === '-' ? -magnitude : magnitude;
}

function littleEndian(value: bigint, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let v = BigInt.asUintN(size * 8, value);
  for (let i = 0; i < size; i++) { bytes[i] = Number(v & 0xffn); v >>= 8n; }
  return bytes;
}

function inRange(value: bigint, size: number, signed: boolean): boolean {
  const bits = BigInt(size * 8);
  return signed ? value >= -(1n << (bits - 1n)) && value < 1n << (bits - 1n) : value >= 0n && value < 1n << bits;
}

const ESCAPES: Readonly<Record<string, number>> = { n: 0x0a, t: 0x09, r: 0x0d, '0': 0, '\\': 0x5c, '"': 0x22 };

/** C-escaped text (as the pane shows it) → UTF-8 bytes. */
export function unescapeC(text: string): Uint8Array | string {
  const out: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\') { const code = text.codePointAt(i)!; out.push(...encoder.encode(String.fromCodePoint(code))); if (code > 0xffff) i++; continue; }
    const next = text[i + 1];
    if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) { out.push(Number.parseInt(text.slice(i + 2, i + 4), 16)); i += 3; continue; }
    if (next !== undefined && next in ESCAPES) { out.push(ESCAPES[next]!); i++; continue; }
    return `unknown escape at character ${i + 1} (use \\n \\t \\r \\0 \\\\ \\" or \\xHH)`;
  }
  return Uint8Array.from(out);
}

export function encodeValue(type: CType, text: string): Encoded {
  switch (type.kind) {
    case 'int': {
      const t = text.trim();
      const value = type.bool && (t === 'true' || t === 'false') ? BigInt(t === 'true') : integerText(t);
      if (value === undefined) return { ok: false, error: `${type.name}: expected a whole number (42, -1, 0x2a)` };
      if (!inRange(value, type.size, type.signed)) return { ok: false, error: `${type.name}: ${value} does not fit in ${type.size} byte${type.size === 1 ? '' : 's'}` };
      return { ok: true, bytes: littleEndian(value, type.size) };
    }
    case 'enum': {
      const named = type.values.find((v) => v.name === text.trim())?.value;
      const value = named ?? integerText(text);
      if (value === undefined) return { ok: false, error: `${type.name}: expected one of ${type.values.map((v) => v.name).join(', ')} or a number` };
      if (!inRange(value, type.size, type.signed)) return { ok: false, error: `${type.name}: ${value} does not fit in ${type.size} bytes` };
      return { ok: true, bytes: littleEndian(value, type.size) };
    }
    case 'pointer': {
      const value = integerText(text);
      if (value === undefined || !inRange(value, 8, false)) return { ok: false, error: `${type.name}: expected an address (0x7f00…)` };
      return { ok: true, bytes: littleEndian(value, 8) };
    }
    case 'float': {
      const t = text.trim();
      const value = /^(nan|-?infinity)$/i.test(t) ? Number(t.replace(/^nan$/i, 'NaN').replace(/infinity/i, 'Infinity')) : t === '' ? Number.NaN : Number(t);
      if (Number.isNaN(value) && !/^nan$/i.test(t)) return { ok: false, error: `${type.name}: expected a number (1.5, -2e3)` };
      const bytes = new Uint8Array(type.size);
      const view = new DataView(bytes.buffer);
      if (type.size === 4) view.setFloat32(0, value, true); else view.setFloat64(0, value, true);
      return { ok: true, bytes };
    }
    case 'array': {
      if (!(type.element.kind === 'int' && type.element.char)) break;
      const bytes = unescapeC(text);
      if (typeof bytes === 'string') return { ok: false, error: bytes };
      if (bytes.length > type.size) return { ok: false, error: `${type.name}: ${bytes.length} bytes do not fit in ${type.size}` };
      const padded = new Uint8Array(type.size);
      padded.set(bytes);
      return { ok: true, bytes: padded };
    }
    default:
      break;
  }
  return { ok: false, error: `${type.name}: not editable here` };
}
