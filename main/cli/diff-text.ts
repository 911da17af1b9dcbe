// The text form of `shmscope diff`: each 16-byte row that differs, as `hexdump -C` prints it,
// old side "-", new side "+", then a line of carets under the bytes that changed.
import { hexdumpLine } from '../format/hexdump';
import { visible } from '../format/terminal';
import type { ChunkPair } from '../snapshot/compare';
import type { ByteSource } from '../snapshot/source';

const ROW = 16;
/** Where byte i's hex digits and its character start in a hexdump line (after the -/+ sign). */
const hexColumn = (i: number): number => 1 + 10 + 3 * i + (i >= 8 ? 1 : 0);
const textColumn = (i: number): number => 1 + 61 + i;

/** "FILE (snapshot of sysv:5, key 0x..., 4096 bytes, taken TIME)" or "sysv:5 (live, 4096 bytes)". */
export function describeSource(source: ByteSource): string {
  const bytes = `${source.size} byte${source.size === 1 ? '' : 's'}`;
  const snapshot = source.snapshot;
  if (snapshot !== undefined) {
    const id = snapshot.key !== null ? `, key ${snapshot.key}` : '';
    return visible(`${source.label} (snapshot of ${snapshot.ref}${id}, ${bytes}, taken ${snapshot.time})`);
  }
  return visible(`${source.label} (${source.origin === 'segment' ? 'live' : 'raw file'}, ${bytes})`);
}

/** The lines for every differing row of a chunk. */
export function changedRows(chunk: ChunkPair): string {
  let out = '';
  for (let at = 0; at < chunk.old.length; at += ROW) {
    const old = chunk.old.subarray(at, at + ROW);
    const now = chunk.new.subarray(at, at + ROW);
    if (old.equals(now)) continue;
    const marks: string[] = [];
    for (let i = 0; i < old.length; i++) {
      if (old[i] === now[i]) continue;
      marks[hexColumn(i)] = '^';
      marks[hexColumn(i) + 1] = '^';
      marks[textColumn(i)] = '^';
    }
    const caret = Array.from(marks, (mark) => mark ?? ' ').join('');
    out += `-${hexdumpLine(chunk.offset + at, old)}+${hexdumpLine(chunk.offset + at, now)}${caret}\n`;
  }
  return out;
}
