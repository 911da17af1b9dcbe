// The UI's segment details: every mapping of an attacher (issue 8 item 9), "N attachments in M
// processes", and a deleted object's status (item 10). Rows as the scanner reports them for a
// process that attached one SysV segment twice, read-only then read-write.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, expect, test } from 'vitest';
import SegmentDetails from '../../renderer/components/SegmentDetails.svelte';
import { posixRow, sysvRow } from './fixtures';

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

const cells = (): string[][] => [...target.querySelectorAll('[data-testid="attacher-row"]')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''));
const field = (label: string): string => target.querySelector(`[data-field="${label}"]`)?.textContent ?? '';

test('one row per mapping with its own access, and "2 attachments in 1 process"', () => {
  const mappings = [{ start: '0x7f00', end: '0x7f10', access: 'ro' as const }, { start: '0x7f20', end: '0x7f30', access: 'rw' as const }];
  const row = sysvRow(7, { nattch: 2, attachers: [{ pid: 10, command: 'twice', uid: 0, user: 'root', access: 'ro', start: '0x7f00', end: '0x7f10', mappings }] });
  component = mount(SegmentDetails, { target, props: { row } });
  flushSync();
  expect(cells()).toEqual([['10', 'twice', 'root', '0x7f00–0x7f10', 'ro'], ['10', 'twice', 'root', '0x7f20–0x7f30', 'rw']]);
  expect(field('Attached')).toBe('2 attachments in 1 process');
});

test('a POSIX object unlinked while mapped says deleted and has no /dev/shm path', () => {
  const row = posixRow('gone', { ref: 'posix-deleted:00:1a:42', deleted: true, nattch: 1 });
  component = mount(SegmentDetails, { target, props: { row } });
  flushSync();
  expect(field('Status')).toContain('deleted');
  expect(field('Path')).toBe('');
  expect(field('Attached')).toBe('0 processes');
});
