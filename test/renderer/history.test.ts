// The change history's logic: runs of changed bytes become changes, replaying backwards gives
// every recorded moment exactly (overlapping writes included, checked against a forward model),
// and the cap drops exactly the oldest changes that no longer fit.
import { expect, test } from 'vitest';
import { CHANGE_OVERHEAD, ChangeHistory, describeStats } from '../../renderer/lib/history';
import { HistorySource } from '../../renderer/lib/history-source';
import type { ByteSource } from '../../renderer/lib/source';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

test('the first bytes seen are not changes; later differing runs are, with old and new bytes', () => {
  let now = 1000;
  const h = new ChangeHistory(4096, () => now);
  const first = new Uint8Array(40);
  first.set([1, 2, 3, 4, 5], 0);
  expect(h.observe(10, first)).toEqual([]);
  now = 2000;
  const next = first.slice();
  next.set([9, 9], 1); // 11..12
  next[4] = 7; // 14: one equal byte after 11..12, so the same change
  next[30] = 1; // 40: far from the rest, a change of its own
  const found = h.observe(10, next);
  expect(found.map((c) => [c.seq, c.time, c.offset, [...c.old], [...c.new]])).toEqual([
    [1, 2000, 11, [2, 3, 4, 5], [9, 9, 4, 7]],
    [2, 2000, 40, [0], [1]],
  ]);
  const bytesHeld = 8 + 2 + 2 * CHANGE_OVERHEAD;
  expect(h.stats()).toEqual({ changes: 2, bytes: bytesHeld, capBytes: 4096, dropped: false });
  expect(describeStats(h.stats())).toBe(`history: 2 changes, ${bytesHeld} B of 4.0 KiB`);
});

test('two views over the same bytes record one change once', () => {
  const h = new ChangeHistory();
  h.observe(0, bytes(0, 0, 0, 0));
  h.observe(2, bytes(0, 0));
  expect(h.observe(0, bytes(0, 0, 5, 0))).toHaveLength(1);
  expect(h.observe(2, bytes(5, 0))).toEqual([]);
  expect(h.stats().changes).toBe(1);
});

test('stateAt rebuilds every moment of random overlapping writes, for any window', () => {
  // A small deterministic generator, so a failure repeats.
  let seed = 12345;
  const rand = (n: number): number => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n; };
  const size = 64;
  const h = new ChangeHistory(1 << 20, () => 0);
  const live = new Uint8Array(size);
  h.observe(0, live);
  const moments: Uint8Array[] = [live.slice()];
  for (let step = 0; step < 300; step++) {
    const at = rand(size);
    const len = 1 + rand(Math.min(12, size - at));
    for (let i = 0; i < len; i++) live[at + i] = rand(4); // few values: many bytes stay equal
    h.observe(0, live);
    moments[h.latestSeq] = live.slice();
  }
  expect(h.latestSeq).toBeGreaterThan(250);
  for (let seq = 0; seq <= h.latestSeq; seq++) {
    if (moments[seq] === undefined) continue;
    expect([...h.stateAt(seq, 0, live)]).toEqual([...moments[seq]!]);
    const from = rand(size), to = from + rand(size - from);
    expect([...h.stateAt(seq, from, live.subarray(from, to))]).toEqual([...moments[seq]!.subarray(from, to)]);
  }
});

test('the cap drops exactly the oldest changes that no longer fit, and says so', () => {
  const O = CHANGE_OVERHEAD;
  const cap = 10 + 3 * O;
  const h = new ChangeHistory(cap, () => 0);
  h.observe(0, bytes(0, 0, 0, 0, 0, 0, 0, 0));
  h.observe(0, bytes(1, 1, 0, 0, 0, 0, 0, 0)); // seq 1: 4 bytes
  h.observe(0, bytes(1, 1, 0, 0, 2, 0, 0, 0)); // seq 2: 2 bytes (6)
  h.observe(0, bytes(1, 1, 0, 0, 2, 0, 3, 3)); // seq 3: 4 bytes (10, at the cap)
  expect(h.stats()).toEqual({ changes: 3, bytes: cap, capBytes: cap, dropped: false });
  h.observe(0, bytes(4, 1, 0, 0, 2, 0, 3, 3)); // seq 4: 2 bytes -> seq 1 goes (8)
  expect(h.changes().map((c) => c.seq)).toEqual([2, 3, 4]);
  expect(h.stats()).toEqual({ changes: 3, bytes: 8 + 3 * O, capBytes: cap, dropped: true });
  expect(h.oldestSeq).toBe(2);
  expect(describeStats(h.stats())).toMatch(/^history: 3 changes, \d+ B of \d+ B, oldest dropped$/);
  // The earliest moment left is right after seq 1 (its own change is gone, its bytes stay).
  expect([...h.stateAt(1, 0, bytes(4, 1, 0, 0, 2, 0, 3, 3))]).toEqual([1, 1, 0, 0, 0, 0, 0, 0]);
  // A change larger than the whole cap leaves nothing.
  const big = new Uint8Array(2 * cap);
  h.observe(0, big);
  h.observe(0, big.fill(1));
  expect(h.stats()).toEqual({ changes: 0, bytes: 0, capBytes: cap, dropped: true });
});

test('HistorySource shows every open view the picked moment and goes live again', async () => {
  let push: (offset: number, data: Uint8Array) => void = () => {};
  const inner: ByteSource = {
    read: async () => new Uint8Array(0),
    search: async () => -1,
    view(offset, _length, onData) {
      push = onData;
      return { move() {}, setWritable: async () => {}, write: async () => {}, close() {} };
    },
  };
  const src = new HistorySource(inner, new ChangeHistory(1024, () => 0));
  const got: number[][] = [];
  const view = src.view(0, 4, (_o, d) => got.push([...d]), () => {});
  push(0, bytes(1, 2, 3, 4));
  push(0, bytes(1, 7, 3, 4));
  push(0, bytes(1, 7, 8, 4));
  src.pin(1);
  expect(got.at(-1)).toEqual([1, 7, 3, 4]);
  src.pin(0);
  expect(got.at(-1)).toEqual([1, 2, 3, 4]);
  // Still recording while pinned, and still showing the moment.
  push(0, bytes(5, 7, 8, 4));
  expect(got.at(-1)).toEqual([1, 2, 3, 4]);
  expect(src.history.latestSeq).toBe(3);
  src.pin(null);
  expect(got.at(-1)).toEqual([5, 7, 8, 4]);
  // Writing while a moment is picked goes back to live first.
  src.pin(1);
  await view.write(0, bytes(6));
  expect(src.pinned).toBeNull();
  expect(got.at(-1)).toEqual([5, 7, 8, 4]);
});
