// Comparing two byte sources chunk by chunk (each byte read once, memory bounded by the chunk),
// and turning differing bytes into ranges: maximal runs of differing bytes, split at
// MAX_RANGE_BYTES so one range never holds more than that in memory.
import { CHUNK_BYTES } from './file';
import type { ByteSource } from './source';

export const MAX_RANGE_BYTES = 1 << 20;

/** The same span of both sources; `offset` is a multiple of 16 (rows of a hexdump fit in one chunk). */
export interface ChunkPair {
  offset: number;
  old: Buffer;
  new: Buffer;
}

export interface ChangedRange {
  offset: number;
  old: Buffer;
  new: Buffer;
}

/** The chunks of the first min(sizes) bytes that differ somewhere, in order. */
export function* differingChunks(older: ByteSource, newer: ByteSource): Generator<ChunkPair> {
  const common = Math.min(older.size, newer.size);
  for (let at = 0; at < common; at += CHUNK_BYTES) {
    const length = Math.min(CHUNK_BYTES, common - at);
    const pair = { offset: at, old: older.read(at, length), new: newer.read(at, length) };
    if (!pair.old.equals(pair.new)) yield pair;
  }
}

/** Collects ranges across chunks: push each ChunkPair in order, then finish. */
export class RangeCollector {
  private start = 0;
  private olds: Buffer[] = [];
  private news: Buffer[] = [];
  private length = 0;
  bytes = 0;
  ranges = 0;

  /** The ranges this chunk completes. */
  push(chunk: ChunkPair): ChangedRange[] {
    const done: ChangedRange[] = [];
    const { old, new: now } = chunk;
    for (let i = 0; i < old.length; i++) {
      if (old[i] === now[i]) continue;
      let end = i + 1;
      while (end < old.length && old[end] !== now[end]) end++;
      if (this.length > 0 && this.start + this.length !== chunk.offset + i) this.close(done);
      this.extend(chunk.offset + i, old.subarray(i, end), now.subarray(i, end), done);
      // A run that stops inside the chunk is complete; one reaching its end may go on in the next.
      if (end < old.length) this.close(done);
      i = end;
    }
    return done;
  }

  finish(): ChangedRange[] {
    const done: ChangedRange[] = [];
    this.close(done);
    return done;
  }

  private extend(offset: number, old: Buffer, now: Buffer, done: ChangedRange[]): void {
    for (let at = 0; at < old.length;) {
      if (this.length === 0) this.start = offset + at;
      const take = Math.min(MAX_RANGE_BYTES - this.length, old.length - at);
      this.olds.push(old.subarray(at, at + take));
      this.news.push(now.subarray(at, at + take));
      this.length += take;
      at += take;
      if (this.length === MAX_RANGE_BYTES) this.close(done);
    }
  }

  private close(done: ChangedRange[]): void {
    if (this.length === 0) return;
    done.push({ offset: this.start, old: Buffer.concat(this.olds), new: Buffer.concat(this.news) });
    this.bytes += this.length;
    this.ranges++;
    this.olds = [];
    this.news = [];
    this.length = 0;
  }
}
