// The pure parts behind the window: splitter arithmetic, saved layout, what counts as typing,
// chat blocks, symbolic permissions, ftok project ids as the CLI takes them, link texts.
import { expect, test } from 'vitest';
import { continuesBlock, GROUP_MS, joinedRoom, type ChatEntry } from '../../renderer/lib/chat';
import { isTyping } from '../../renderer/lib/keys';
import { clampSize, loadLayout, sizeAfterKey } from '../../renderer/lib/layout';
import { linkText } from '../../renderer/lib/link';
import { parseProjectId, symbolicMode, unreadableReason } from '../../renderer/lib/segments';

test('splitter keys step, step more with Shift, and stop at the limits', () => {
  const limits = { min: 100, max: 400 };
  expect(sizeAfterKey('ArrowDown', false, 200, limits, 'ArrowDown')).toBe(216);
  expect(sizeAfterKey('ArrowUp', true, 200, limits, 'ArrowDown')).toBe(136);
  expect(sizeAfterKey('ArrowLeft', false, 200, limits, 'ArrowLeft')).toBe(216); // a pane on the right grows leftwards
  expect(sizeAfterKey('ArrowUp', false, 110, limits, 'ArrowDown')).toBe(100);
  expect(sizeAfterKey('End', false, 110, limits, 'ArrowDown')).toBe(400);
  expect(sizeAfterKey('Home', false, 300, limits, 'ArrowDown')).toBe(100);
  expect(sizeAfterKey('a', false, 300, limits, 'ArrowDown')).toBeNull();
  expect(clampSize(50, { min: 100, max: 80 })).toBe(100); // too small a window: the minimum wins
});

test('a saved layout is read defensively', () => {
  expect(loadLayout({ getItem: () => '{"tableHeight":300,"chatWidth":"wide","chatCollapsed":true}' })).toEqual({ tableHeight: 300, chatCollapsed: true });
  expect(loadLayout({ getItem: () => 'not json' })).toEqual({});
  expect(loadLayout({ getItem: () => 'null' })).toEqual({});
  expect(loadLayout(undefined)).toEqual({});
});

test('keys typed in text fields are text, not window commands', () => {
  const input = document.createElement('input');
  const checkbox = document.createElement('input');
  checkbox.type = 'checkbox';
  expect(isTyping(input)).toBe(true);
  expect(isTyping(document.createElement('textarea'))).toBe(true);
  expect(isTyping(checkbox)).toBe(false);
  expect(isTyping(document.createElement('button'))).toBe(false);
  expect(isTyping(null)).toBe(false);
});

test('consecutive messages of one sender form a block; another sender, a gap or a notice starts a new one', () => {
  const m = (seq: number, nick: string, time: number, pid = 1): ChatEntry => ({ type: 'message', key: `m${seq}`, own: false, message: { seq, pid, slot: 0, nick, text: 't', time } });
  const entries: ChatEntry[] = [m(1, 'ann', 0), m(2, 'ann', 1000), m(3, 'bob', 2000), m(4, 'bob', 2000 + GROUP_MS), { type: 'notice', key: 'n', text: 'x' }, m(5, 'bob', 2000 + GROUP_MS), m(6, 'bob', 2000 + GROUP_MS, 2)];
  expect(entries.map((_, i) => continuesBlock(entries, i))).toEqual([false, true, false, false, false, false, false]);
  expect(joinedRoom({ sessionId: 's', room: 'r', nick: 'n', pid: 1, slot: 0, history: [], participants: [] }).entries).toHaveLength(1);
});

test('permissions read like ls -l; unreadable reasons in words', () => {
  expect(symbolicMode(0o640)).toBe('rw-r-----');
  expect(symbolicMode(0o777)).toBe('rwxrwxrwx');
  expect(symbolicMode(0)).toBe('---------');
  expect(unreadableReason('EACCES')).toMatch(/no permission/);
  expect(unreadableReason('timeout')).toMatch(/in time/);
  expect(unreadableReason('EIO')).toBe('EIO');
});

test('the ftok project id takes a character or a number, as the CLI\'s --proj does', () => {
  expect(parseProjectId('A')).toBe(65);
  expect(parseProjectId(' z ')).toBe(122);
  expect(parseProjectId('7')).toBe(7); // a digit is the number, as in the CLI
  expect(parseProjectId('200')).toBe(200);
  expect(parseProjectId('0x41')).toBe(65);
  for (const bad of ['', '0', '256', 'AB', '€']) expect(() => parseProjectId(bad), bad).toThrow(/one character .* or a number 1\.\.255/);
});

test('the link text says what is going on and what to do', () => {
  expect(linkText({ state: 'open', reconnected: false })).toBe('');
  expect(linkText({ state: 'open', reconnected: true })).toMatch(/Reconnected/);
  const down = linkText({ state: 'reconnecting', reason: 'too many connections', attempt: 3, retryInMs: 5000 });
  expect(down).toMatch(/closed: too many connections\. Reconnecting \(attempt 3, every 5 s\)/);
  expect(down).toMatch(/--token-file/);
});
