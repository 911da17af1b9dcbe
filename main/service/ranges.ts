// Range arithmetic shared by reads, writes and watches: a read past the end returns what
// there is (the hex view asks for whole rows), a start past the end or a write past the end
// is an error naming the segment and its size.
import { ShmscopeError } from '../errors';
import type { Segment } from '../segments';

export function readClamped(segment: Segment, offset: number, length: number): Buffer {
  const size = segment.size;
  if (offset > size) {
    throw new ShmscopeError(segment.ref, `offset ${offset} is past the end of the segment (${size} bytes)`, 'ERANGE');
  }
  return segment.read(offset, Math.min(length, size - offset));
}

export function checkWrite(segment: Segment, offset: number, length: number): void {
  const size = segment.size;
  if (offset + length > size) {
    throw new ShmscopeError(segment.ref, `writing ${length} bytes at offset ${offset} passes the end of the segment (${size} bytes)`, 'ERANGE');
  }
}

/** A plain Uint8Array view (not a Buffer), so every transport hands the renderer the same type. */
export function plain(data: Buffer): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
