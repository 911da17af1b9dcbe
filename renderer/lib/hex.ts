// Text helpers for the hex view: cell formatting and parsing what the user types
// (offsets, hex patterns). Pure, so tested without a DOM.
import { humanSize, parseHex, type Parsed } from '../../common/columns';

export const BYTES_PER_ROW = 16;

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

export function hexByte(b: number): string {
  return HEX_BYTE[b & 0xff]!;
}

/** The ASCII column: printable ASCII as itself, everything else as '.', like hexdump -C. */
export function asciiChar(b: number): string {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
}

/** Digits needed so every offset of a segment of `size` bytes lines up (at least 8, like hexdump). */
export function offsetDigits(size: number): number {
  return Math.max(8, Math.max(0, size - 1).toString(16).length);
}

export function formatOffset(offset: number, digits: number): string {
  return offset.toString(16).padStart(digits, '0');
}

export function toHex(bytes: Uint8Array, separator = ' '): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (i === 0 ? '' : separator) + hexByte(bytes[i]!);
  return out;
}

export type { Parsed };

const SUFFIX: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/**
 * An offset as typed into "go to": decimal, 0x-hex, with an optional k/m/g suffix (binary units),
 * or relative to `current` with a leading + or -. Must fall inside [0, size).
 */
export function parseOffset(text: string, size: number, current = 0): Parsed<number> {
  const t = text.trim().toLowerCase();
  const m = /^([+-]?)(0x[0-9a-f]+|[0-9]+)([kmg]?)$/.exec(t);
  if (m === null) return { ok: false, error: 'an offset is a number: 4096, 0x1000, 4k, +16 or -0x10' };
  const [, sign = '', digits = '', suffix = ''] = m;
  const base = digits.startsWith('0x') ? Number.parseInt(digits.slice(2), 16) : Number(digits);
  const magnitude = base * (SUFFIX[suffix] ?? 1);
  if (!Number.isSafeInteger(magnitude)) return { ok: false, error: 'offset too large' };
  const value = sign === '+' ? current + magnitude : sign === '-' ? current - magnitude : magnitude;
  if (value < 0 || value >= size) {
    return { ok: false, error: size === 0 ? 'the segment is empty' : `offset must be between 0 and 0x${(size - 1).toString(16)} (${size - 1})` };
  }
  return { ok: true, value };
}

/** Hex bytes as typed in the search box: common/columns.ts parses them for the CLI too. */
export const parseHexPattern = parseHex;

export function parseTextPattern(text: string): Parsed<Uint8Array> {
  if (text.length === 0) return { ok: false, error: 'type some text to search for' };
  return { ok: true, value: new TextEncoder().encode(text) };
}

/** Copies of a selection: hex pairs separated by spaces, or text with non-printables as '.'. */
export function selectionAsHex(bytes: Uint8Array): string {
  return toHex(bytes);
}

export function selectionAsText(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b === 0x0a || b === 0x09 ? String.fromCharCode(b) : asciiChar(b);
  return out;
}

/** "4 KiB": the size text the CLI prints as "4K" (common/columns.ts). */
export function formatSize(bytes: number): string {
  return humanSize(bytes, 'long');
}
