// Pure renderer logic: hex parsing, virtual scroll geometry, row width, table marks, chat reducer.
import { describe, expect, test } from 'vitest';
import { addMessages, addMissed, joinedRoom, setPresence } from '../../renderer/lib/chat';
import type { ChatMessage } from '../../renderer/lib/contract';
import { posixRow, sysvRow } from './fixtures';
import { bytesPerRowFor, formatSize, offsetDigits, parseHexPattern, parseOffset, rowWidthCh, selectionAsText } from '../../renderer/lib/hex';
import { COLUMNS, matchesFilter, mergeScan, expireMarks, sortRows } from '../../renderer/lib/segments';
import { placementFor, scrollTopFor, spacerHeight, isScaled, revealRow, type Geometry } from '../../renderer/lib/virtual';

describe('hex helpers', () => {
  test('offsets: decimal, hex, suffixes, relative, bounds', () => {
    expect(parseOffset('4096', 8192)).toEqual({ ok: true, value: 4096 });
    expect(parseOffset(' 0x1F ', 100)).toEqual({ ok: true, value: 31 });
    expect(parseOffset('4k', 8192)).toEqual({ ok: true, value: 4096 });
    expect(parseOffset('+16', 100, 10)).toEqual({ ok: true, value: 26 });
    expect(parseOffset('-0x10', 100, 20)).toEqual({ ok: true, value: 4 });
    expect(parseOffset('100', 100).ok).toBe(false);
    expect(parseOffset('-1', 100, 0).ok).toBe(false);
    expect(parseOffset('abc', 100).ok).toBe(false);
  });
  test('hex patterns', () => {
    expect(parseHexPattern('de ad BE ef')).toEqual({ ok: true, value: Uint8Array.from([0xde, 0xad, 0xbe, 0xef]) });
    expect(parseHexPattern('0x01,0x02')).toEqual({ ok: true, value: Uint8Array.from([1, 2]) });
    expect(parseHexPattern('abc').ok).toBe(false);
    expect(parseHexPattern('zz').ok).toBe(false);
    expect(parseHexPattern('').ok).toBe(false);
  });
  test('formatting', () => {
    expect(offsetDigits(16)).toBe(8);
    expect(offsetDigits(2 ** 40)).toBe(10);
    expect(formatSize(1023)).toBe('1023 B');
    expect(formatSize(4096)).toBe('4 KiB');
    expect(formatSize(1536)).toBe('1.5 KiB');
    expect(formatSize(2 ** 30)).toBe('1 GiB');
    expect(selectionAsText(Uint8Array.from([0x41, 0x00, 0x0a, 0xff]))).toBe('A.\n.');
  });
});

describe('virtual geometry', () => {
  const small: Geometry = { totalRows: 1000, rowHeight: 20, viewportHeight: 200, maxScrollHeight: 1_000_000 };
  const huge: Geometry = { totalRows: 2 ** 26, rowHeight: 20, viewportHeight: 200, maxScrollHeight: 1_000_000 }; // 1 GiB
  test('small segments scroll naturally', () => {
    expect(isScaled(small)).toBe(false);
    expect(spacerHeight(small)).toBe(20_000);
    expect(placementFor(small, 105)).toEqual({ firstRow: 5, top: 100 });
    expect(placementFor(small, 1e9).firstRow).toBe(990);
    expect(scrollTopFor(small, 5)).toBe(100);
  });
  test('huge segments scale the scroll range but reach every row', () => {
    expect(isScaled(huge)).toBe(true);
    expect(spacerHeight(huge)).toBe(1_000_000);
    expect(placementFor(huge, 0).firstRow).toBe(0);
    const last = placementFor(huge, spacerHeight(huge) - huge.viewportHeight);
    expect(last.firstRow).toBe(2 ** 26 - 10);
    const mid = scrollTopFor(huge, 2 ** 25);
    expect(Math.abs(placementFor(huge, mid).firstRow - 2 ** 25)).toBeLessThanOrEqual(1);
  });
  test('revealRow moves minimally', () => {
    expect(revealRow(small, 10, 12)).toBe(10);
    expect(revealRow(small, 10, 25)).toBe(16);
    expect(revealRow(small, 10, 3)).toBe(3);
  });
});

describe('row width', () => {
  test('32 bytes a row when they fit the width, else 16; 16 before layout', () => {
    const digits = 8;
    const ch = 8;
    const wide = rowWidthCh(32, digits) * ch + 16;
    expect(bytesPerRowFor(wide, ch, digits)).toBe(32);
    expect(bytesPerRowFor(wide - 1, ch, digits)).toBe(16);
    expect(bytesPerRowFor(300, ch, digits)).toBe(16);
    expect(bytesPerRowFor(10_000, 0, digits)).toBe(16);
    expect(rowWidthCh(32, 12)).toBeGreaterThan(rowWidthCh(32, 8));
  });
});

describe('segments table logic', () => {
  test('first scan marks nothing; later scans mark appeared, vanished, changed attach count', () => {
    let rows = mergeScan([], [sysvRow(1), sysvRow(2)], 0, { initial: true });
    expect(rows.map((r) => r.state)).toEqual(['stable', 'stable']);
    rows = mergeScan(rows, [sysvRow(1, { nattch: 2 }), sysvRow(3)], 1000);
    const by = new Map(rows.map((r) => [r.row.ref, r]));
    expect(by.get('sysv:1')).toMatchObject({ state: 'stable', attachChangedAt: 1000, previousNattch: 0 });
    expect(by.get('sysv:2')?.state).toBe('vanished');
    expect(by.get('sysv:3')?.state).toBe('appeared');
    // Marks expire: the vanished row is dropped, the new row becomes stable.
    rows = expireMarks(rows, 10_000);
    expect(rows.map((r) => [r.row.ref, r.state, r.attachChangedAt])).toEqual([['sysv:1', 'stable', undefined], ['sysv:3', 'stable', undefined]]);
  });
  test('a vanished row that comes back is new again', () => {
    let rows = mergeScan([], [sysvRow(1)], 0, { initial: true });
    rows = mergeScan(rows, [], 100);
    rows = mergeScan(rows, [sysvRow(1)], 200);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.state).toBe('appeared');
  });
  test('sorting by column, either direction, empties last', () => {
    const items = [sysvRow(5, { size: 10 }), posixRow('b', { size: 5 }), sysvRow(2, { size: 99 })].map((row) => ({ row }));
    expect(sortRows(items, { column: 'size', descending: false }).map((i) => i.row.ref)).toEqual(['posix:b', 'sysv:5', 'sysv:2']);
    expect(sortRows(items, { column: 'size', descending: true }).map((i) => i.row.ref)).toEqual(['sysv:2', 'sysv:5', 'posix:b']);
    expect(sortRows(items, { column: 'id', descending: true }).map((i) => i.row.ref)).toEqual(['sysv:5', 'sysv:2', 'posix:b']);
    expect(sortRows(items, { column: 'id', descending: false }).map((i) => i.row.ref)).toEqual(['sysv:2', 'sysv:5', 'posix:b']);
  });
  test('filter matches any column text', () => {
    expect(matchesFilter(posixRow('demo'), 'DEMO')).toBe(true);
    expect(matchesFilter(sysvRow(7), 'posix')).toBe(false);
    expect(matchesFilter(sysvRow(7, { owner: 'bob' }), 'sysv bob')).toBe(true);
    expect(COLUMNS.map((c) => c.id)).toContain('nattch');
  });
});

describe('chat reducer', () => {
  const msg = (seq: number, nick = 'ann', pid = 10, slot = 0): ChatMessage => ({ seq, pid, slot, nick, text: `m${seq}`, time: 0 });
  test('history, batches, missed notices, presence', () => {
    let s = joinedRoom({ sessionId: 's', room: 'lobby', nick: 'me', pid: 99, slot: 3, history: [msg(2), msg(1)], participants: [] });
    expect(s.entries.filter((e) => e.type === 'message').map((e) => e.type === 'message' && e.message.seq)).toEqual([1, 2]);
    const before = s;
    // One batch, one step: a single new list with both messages, the old state untouched.
    s = addMessages(s, [msg(3, 'me', 99, 1), msg(4, 'me', 99, 3)]); // same pid: ours only with our slot
    expect(before.entries.filter((e) => e.type === 'message')).toHaveLength(2);
    expect(s.entries.filter((e) => e.type === 'message').map((e) => e.type === 'message' && [e.message.seq, e.own])).toEqual([[1, false], [2, false], [3, false], [4, true]]);
    expect(s.lastSeq).toBe(4);
    expect(addMessages(s, [])).toBe(s);
    s = addMissed(s, 5);
    s = addMissed(s, 2);
    expect(s.entries.at(-1)).toMatchObject({ type: 'missed', count: 7, reason: 'lapped' });
    s = addMissed(s, 1, 'unblocked'); // a different cause gets its own notice
    expect(s.entries.at(-1)).toMatchObject({ type: 'missed', count: 1, reason: 'unblocked' });
    expect(s.missedTotal).toBe(8);
    s = setPresence(s, [{ pid: 11, slot: 0, nick: 'bob', joinedAt: 5 }]);
    expect(s.participants).toEqual([{ pid: 11, slot: 0, nick: 'bob', joinedAt: 5 }]);
    expect(s.entries.at(-1)).toMatchObject({ type: 'notice', text: 'bob (pid 11) joined' });
    s = setPresence(s, []);
    expect(s.entries.at(-1)).toMatchObject({ type: 'notice', text: 'bob (pid 11) left' });
  });
});
