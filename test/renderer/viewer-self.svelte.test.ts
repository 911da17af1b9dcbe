// The viewer's own attachment (made when no other process's mapping could be read) is named
// as such, in the attachers list and in the attach count, so nobody mistakes it for a user;
// and a room label that could not be read without attaching says so (room?).
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, expect, test } from 'vitest';
import SegmentDetails from '../../renderer/components/SegmentDetails.svelte';
import type { Attacher } from '../../common/contract';
import { COLUMNS } from '../../renderer/lib/segments';
import { sysvRow } from './fixtures';

let target: HTMLElement;
let component: ReturnType<typeof mount> | undefined;
beforeEach(() => {
  target = document.createElement('div');
  document.body.append(target);
});
afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  target.remove();
});

const writer: Attacher = { pid: 10, command: 'writer', uid: 0, user: 'root', access: 'rw', start: '0x7f00', end: '0x7f10', mappings: [{ start: '0x7f00', end: '0x7f10', access: 'rw' }] };
const viewer: Attacher = { pid: 20, command: 'shmscope', uid: 0, user: 'root', access: 'ro', start: '0x7e00', end: '0x7e10', mappings: [{ start: '0x7e00', end: '0x7e10', access: 'ro' }], self: true };

test('marks this viewer in the attachers list and the attach count', () => {
  component = mount(SegmentDetails, { target, props: { row: sysvRow(1, { nattch: 2, attachers: [writer, viewer] }) } });
  flushSync();
  const rows = [...target.querySelectorAll<HTMLElement>('[data-testid="attacher-row"]')];
  expect(rows.map((r) => [r.dataset['pid'], r.dataset['self'] ?? null])).toEqual([['10', null], ['20', 'true']]);
  expect(rows[1]!.textContent).toContain('this viewer');
  expect(rows[0]!.textContent).not.toContain('this viewer');
  expect(target.querySelector('[data-field="Attached"]')!.textContent).toBe('2 processes (1 is this viewer)');
});

test('says nothing of a viewer when it has not attached', () => {
  component = mount(SegmentDetails, { target, props: { row: sysvRow(1, { nattch: 1, attachers: [writer] }) } });
  flushSync();
  expect(target.textContent).not.toContain('this viewer');
  expect(target.querySelector('[data-field="Attached"]')!.textContent).toBe('1 process');
});

test('a rooms\'-block segment whose header could not be read without attaching shows as room?', () => {
  const name = COLUMNS.find((c) => c.id === 'name')!;
  expect(name.text({ ...sysvRow(0x53000001), roomUnknown: true })).toBe('room? (0x53000001)');
  expect(name.text({ ...sysvRow(0x53000001), room: 'lobby' })).toBe('lobby (0x53000001)');
  expect(name.text(sysvRow(0x53000001))).toBe('0x53000001');
});
