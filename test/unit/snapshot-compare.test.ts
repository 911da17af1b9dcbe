// Ranges of differing bytes across read chunks: a run that crosses a chunk boundary is one range,
// a run in chunks that are not adjacent is two, and a run longer than MAX_RANGE_BYTES is split.
import { describe, expect, it } from 'vitest';
import { MAX_RANGE_BYTES, RangeCollector, type ChangedRange } from '../../main/snapshot/compare';

const pair = (offset: number, old: Buffer, now: Buffer) => ({ offset, old, new: now });
const summary = (ranges: ChangedRange[]) => ranges.map((r) => [r.offset, r.old.length, r.new.length]);

describe('RangeCollector', () => {
  it('joins a run across adjacent chunks, and splits runs across a skipped (equal) chunk', () => {
    const ranges = new RangeCollector();
    const zeros = Buffer.alloc(16);
    const tail = Buffer.alloc(16);
    tail.fill(1, 12);
    const head = Buffer.alloc(16);
    head.fill(1, 0, 3);
    const done = [
      ...ranges.push(pair(0, zeros, tail)),
      ...ranges.push(pair(16, zeros, head)), // continues the run that reached the end of chunk 0
      ...ranges.push(pair(32, zeros, tail)), // a run reaching the end of chunk 32…
      ...ranges.push(pair(64, zeros, head)), // …ends there: chunk 48 was equal, so this is a new run
      ...ranges.finish(),
    ];
    expect(summary(done)).toEqual([[12, 7, 7], [44, 4, 4], [64, 3, 3]]);
    expect([ranges.bytes, ranges.ranges]).toEqual([14, 3]);
  });

  it('splits a run longer than MAX_RANGE_BYTES into consecutive ranges', () => {
    const ranges = new RangeCollector();
    const length = MAX_RANGE_BYTES + 10;
    const done = [...ranges.push(pair(0, Buffer.alloc(length), Buffer.alloc(length, 0xff))), ...ranges.finish()];
    expect(summary(done)).toEqual([[0, MAX_RANGE_BYTES, MAX_RANGE_BYTES], [MAX_RANGE_BYTES, 10, 10]]);
  });
});
