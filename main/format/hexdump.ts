// `hexdump -C` output, byte for byte, produced incrementally so a large segment
// can be dumped chunk by chunk: 16 bytes a line, a line equal to the one before
// it is squeezed into a single "*", and the offset just past the end closes the dump.

const BYTES_PER_LINE = 16;

export function hexOffset(offset: number): string {
  return offset.toString(16).padStart(8, '0');
}

function isPrintable(byte: number): boolean {
  return byte >= 0x20 && byte <= 0x7e;
}

/** One `hexdump -C` line (newline included) for up to 16 bytes whose first byte sits at `offset`. */
export function hexdumpLine(offset: number, bytes: Uint8Array): string {
  let hex = '';
  let text = '';
  for (let i = 0; i < BYTES_PER_LINE; i++) {
    if (i === 8) hex += ' ';
    const byte = bytes[i];
    if (byte === undefined) {
      hex += '   ';
    } else {
      hex += `${byte.toString(16).padStart(2, '0')} `;
      text += isPrintable(byte) ? String.fromCharCode(byte) : '.';
    }
  }
  return `${hexOffset(offset)}  ${hex} |${text}|\n`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class HexdumpWriter {
  private offset: number;
  private pending = new Uint8Array(0);
  private previous: Uint8Array | undefined;
  private squeezing = false;

  /** @param startOffset offset of the first byte, as printed (hexdump -s). */
  constructor(startOffset = 0) {
    this.offset = startOffset;
  }

  /** Formats what `chunk` completes; returns the text of whole lines only. */
  push(chunk: Uint8Array): string {
    const data = this.pending.length === 0 ? chunk : concat(this.pending, chunk);
    let out = '';
    let at = 0;
    for (; at + BYTES_PER_LINE <= data.length; at += BYTES_PER_LINE) {
      out += this.emitLine(data.subarray(at, at + BYTES_PER_LINE));
    }
    this.pending = data.slice(at);
    return out;
  }

  /** Formats the partial last line (if any) and the closing offset line. */
  end(): string {
    let out = '';
    if (this.pending.length > 0) out += this.emitLine(this.pending);
    this.pending = new Uint8Array(0);
    // hexdump prints nothing at all for empty input.
    if (out === '' && this.previous === undefined) return '';
    return `${out}${hexOffset(this.offset)}\n`;
  }

  private emitLine(line: Uint8Array): string {
    const offset = this.offset;
    this.offset += line.length;
    if (this.previous !== undefined && line.length === BYTES_PER_LINE && sameBytes(line, this.previous)) {
      if (this.squeezing) return '';
      this.squeezing = true;
      return '*\n';
    }
    this.squeezing = false;
    this.previous = line.slice();
    return hexdumpLine(offset, line);
  }
}

/** The whole `hexdump -C` text of `bytes`, whose first byte sits at `startOffset`. */
export function hexdump(bytes: Uint8Array, startOffset = 0): string {
  const writer = new HexdumpWriter(startOffset);
  return writer.push(bytes) + writer.end();
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
