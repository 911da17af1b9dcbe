// Length-prefixed framing for the Unix-socket contenders: [u32 BE byte length][UTF-8 text].
// Receivers turn each frame back into a JS string, so the socket is measured in the same
// string-in/string-out terms as the chat room.

/** One frame holding `text`, built with a single allocation and copy. */
export function frame(text: string): Buffer {
  const len = Buffer.byteLength(text, 'utf8');
  const buf = Buffer.allocUnsafe(4 + len);
  buf.writeUInt32BE(len, 0);
  buf.write(text, 4, 'utf8');
  return buf;
}

/**
 * Splits a byte stream into frames. Chunks are kept in a list and joined only once a whole
 * frame is there, so a 64 KiB frame arriving in pieces is copied once, not once per piece.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Calls onFrame(payload, wholeFrame) for every complete frame: views into received chunks,
   *  which nothing reuses or overwrites, so they may be kept or written on as they are. */
  push(chunk: Buffer, onFrame: (payload: Buffer, whole: Buffer) => void): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.buffered < 4) return;
      let head = this.chunks[0]!;
      if (head.length < 4) head = this.join();
      const need = 4 + head.readUInt32BE(0);
      if (this.buffered < need) return;
      if (head.length < need) head = this.join();
      onFrame(head.subarray(4, need), head.subarray(0, need));
      this.buffered -= need;
      if (head.length === need) this.chunks.shift();
      else this.chunks[0] = head.subarray(need);
    }
  }

  private join(): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    this.chunks = [all];
    return all;
  }
}
