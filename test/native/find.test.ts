// Segment.find: a pattern searched where the bytes are (memmem over a SysV attachment, over
// pread chunks of a POSIX object or of another process's mapping). Matches straddling the
// 1 MiB chunks are found, a match must lie wholly inside the range asked, and the range is
// checked like a read's.
import { afterEach, describe, expect, it } from 'vitest';
import { native } from '../../main/native';
import { createSegment, openSegment, parseRef, removeSegment, sysvHolders, type Segment } from '../../main/segments';
import { SegmentJanitor } from '../helpers/cleanup';
import { pyChild, shmgetKey, stopAll, type Child } from '../helpers/python-children';
import { uniquePosixName, uniqueSysvKey } from '../helpers/unique';

const MIB = 1024 * 1024;
const janitor = new SegmentJanitor();
const children: Child[] = [];
afterEach(async () => {
  await stopAll(children.splice(0));
  janitor.cleanup();
});

function withBytes(ref: string, writes: [number, string][]): void {
  const segment = openSegment(parseRef(ref), { writable: true });
  try {
    for (const [at, text] of writes) segment.write(at, Buffer.from(text));
  } finally {
    segment.close();
  }
}

function expectFinds(segment: Segment, size: number): void {
  const needle = Buffer.from('needle');
  expect(segment.find(needle, 0, size)).toBe(10);
  expect(segment.find(needle, 11, size - 11)).toBe(MIB - 3); // across the first 1 MiB chunk's end
  expect(segment.find(needle, MIB, size - MIB)).toBe(size - 6); // the very end
  expect(segment.find(needle, 0, 15)).toBe(-1); // 10..16 does not lie inside 0..15
  expect(segment.find(needle, 0, 16)).toBe(10);
  expect(segment.find(Buffer.from('absent'), 0, size)).toBe(-1);
  expect(segment.find(new Uint8Array(0), 0, size)).toBe(-1);
  expect(segment.find(needle, size, 0)).toBe(-1);
  expect(() => segment.find(needle, size - 3, 4)).toThrow(RangeError);
}

const layout: [number, string][] = [[10, 'needle'], [MIB - 3, 'needle'], [3 * MIB - 6, 'needle']];

describe('Segment.find', () => {
  it('POSIX: over pread chunks', () => {
    const name = janitor.posix(uniquePosixName('find'));
    const { ref } = createSegment({ kind: 'posix', name, size: 3 * MIB, mode: 0o600, exclusive: true });
    withBytes(ref, layout);
    const segment = openSegment(parseRef(ref));
    try { expectFinds(segment, 3 * MIB); } finally { segment.close(); }
    removeSegment(parseRef(ref));
  });

  it('SysV: over our own read-only attachment', () => {
    const id = janitor.sysv(shmgetKey(uniqueSysvKey(), 3 * MIB, '600'));
    withBytes(`sysv:${id}`, layout);
    const segment = openSegment(parseRef(`sysv:${id}`));
    try { expectFinds(segment, 3 * MIB); } finally { segment.close(); }
  });

  it('SysV held by another process: through its mapping (root), attaching nothing', async () => {
    const id = janitor.sysv(shmgetKey(uniqueSysvKey(), 3 * MIB, '600'));
    withBytes(`sysv:${id}`, layout);
    children.push(await pyChild('sysv', String(id), 'ro', '1'));
    const segment = openSegment(parseRef(`sysv:${id}`), { holders: sysvHolders });
    try {
      expectFinds(segment, 3 * MIB);
      expect(native().sysvStat(id).nattch).toBe(1); // the child's attachment only
    } finally {
      segment.close();
    }
  });
});
