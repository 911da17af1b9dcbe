// Text helpers for the hex view: cell formatting and parsing what the user types
// (offsets, hex patterns). Pure, so tested without a DOM.
import { humanSize, parseHex, type Parsed } from '../../common/columns';

/** Bytes a row shows: the wider choice when the grid has the room. */
export const ROW_WIDTHS = [32, 16] as const;

/** A row's width in characters of the grid's font, as HexView's styles lay it out: padding,
 *  offset, gap, n two-digit cells 0.6ch apart with 0.8ch more after every 8th, gap, a 1ch
 *  padded ASCII column of n characters, padding. */
export function rowWidthCh(bytes: number, digits: number): number {
  return 0.5 + digits + 1.5 + (bytes * 2 + (bytes - 1) * 0.6 + (bytes / 8) * 0.8) + 1.5 + 1 + bytes + 0.5;
}

/** 32 bytes a row when they fit in `widthPx` (with room for a scrollbar), else 16. Unknown
 *  sizes (no layout yet) give 16. */
export function bytesPerRowFor(widthPx: number, charPx: number, digits: number): number {
  const scrollbar = 16;
  for (const bytes of ROW_WIDTHS) {
    if (charPx > 0 && rowWidthCh(bytes, digits) * charPx + scrollbar <= widthPx) return bytes;
  }
  return 16;
}

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
