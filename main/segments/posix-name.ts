// POSIX shared memory names are bytes, not text: /dev/shm may hold names that are not valid
// UTF-8, or that carry control characters. One escape makes every name printable and
// addressable as a reference (posix:NAME), and reverses exactly:
//   - a backslash is written `\\`;
//   - a byte that is not part of a valid UTF-8 sequence, a C0 control (0x00-0x1f) or DEL (0x7f)
//     is written `\xHH` (two lowercase hex digits);
//   - everything else (valid UTF-8, printable ASCII) is written as itself.
// So `posix:bad\xff` names the 4 bytes "bad" + 0xff, and `posix:a\\b` the 3 bytes "a\b".

import { POSIX_NAME_MAX_BYTES } from '../../common/limits';

/** The longest name shm_open takes: NAME_MAX bytes, not counting the leading '/'. */
export const MAX_POSIX_NAME_BYTES = POSIX_NAME_MAX_BYTES;

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Length of the valid UTF-8 sequence starting at `bytes[i]`, or 0 when none starts there. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
  if (length <= 1 || i + length > bytes.length) return length === 1 ? 1 : 0;
  try {
    fatalUtf8.decode(bytes.subarray(i, i + length));  // rejects overlongs, surrogates, > U+10FFFF
    return length;
  } catch {
    return 0;
  }
}

const hexByte = (byte: number): string => `\\x${byte.toString(16).padStart(2, '0')}`;

/** The printable, reversible spelling of a name's bytes (without the leading '/'). */
export function escapePosixName(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const byte = bytes[i]!;
    if (byte === 0x5c) { out += '\\\\'; i++; continue; }
    if (byte < 0x20 || byte === 0x7f) { out += hexByte(byte); i++; continue; }
    const length = utf8SequenceLength(bytes, i);
    if (length === 0) { out += hexByte(byte); i++; continue; }
    out += Buffer.from(bytes.subarray(i, i + length)).toString('utf8');
    i += length;
  }
  return out;
}

/** The bytes an escaped name stands for, or a reason why it is not a well-formed escape. */
export function unescapePosixName(text: string): Buffer | { problem: string } {
  const parts: Buffer[] = [];
  let plainStart = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') continue;
    parts.push(Buffer.from(text.slice(plainStart, i), 'utf8'));
    if (text[i + 1] === '\\') {
      parts.push(Buffer.from([0x5c]));
      i += 1;
    } else if (text[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
      parts.push(Buffer.from([Number.parseInt(text.slice(i + 2, i + 4), 16)]));
      i += 3;
    } else {
      return { problem: `"\\" at character ${i + 1} must start \\\\ (a backslash) or \\xHH (a byte)` };
    }
    plainStart = i + 1;
  }
  parts.push(Buffer.from(text.slice(plainStart), 'utf8'));
  return Buffer.concat(parts);
}
