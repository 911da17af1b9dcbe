// The window's keys and layout in happy-dom: Delete/Backspace typed in the filter never open
// Remove (a focused row's Delete does), splitters resize by keys, the chat panel collapses,
// `?` opens the help (not when typed in a field), and the unreadable processes are named.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, expect, test } from 'vitest';
import App from '../../renderer/App.svelte';
import { createFakeApi } from './fake-api';
import { posixRow } from './fixtures';

let target: HTMLElement;
let component: ReturnType<typeof mount> | undefined;

beforeEach(() => {
  localStorage.clear();
  target = document.createElement('div');
  document.body.append(target);
});
afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  target.remove();
});

const q = <T extends Element = HTMLElement>(selector: string): T | null => target.querySelector<T>(selector);
const qa = <T extends Element = HTMLElement>(selector: string): T[] => [...target.querySelectorAll<T>(selector)];

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  flushSync();
}

function key(el: Element, k: string, init: KeyboardEventInit = {}): void {
  el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...init }));
  flushSync();
}

async function app(): Promise<ReturnType<typeof createFakeApi>> {
  const fake = createFakeApi([posixRow('victim')]);
  component = mount(App, { target, props: { api: fake.api } });
  await settle();
  return fake;
}

test('Delete and Backspace in the filter box never open Remove; Delete on the selected row does', async () => {
  await app();
  q('[data-ref="posix:victim"]')!.click();
  flushSync();
  const filter = q<HTMLInputElement>('[data-testid="segment-filter"]')!;
  filter.focus();
  for (const k of ['Delete', 'Backspace']) key(filter, k);
  expect(q('[data-testid="remove-dialog"]')).toBeNull();

  key(q('[data-ref="posix:victim"]')!, 'Delete');
  expect(q('[data-testid="remove-dialog"]')!.textContent).toContain('posix:victim');
});

test('splitters resize by arrow keys (Shift: bigger steps, Home: smallest), and the chat collapses', async () => {
  await app();
  const bar = q('[data-testid="splitter-table"]')!;
  const height = (): number => Number(bar.getAttribute('aria-valuenow'));
  const start = height();
  key(bar, 'ArrowDown');
  expect(height()).toBe(start + 16);
  key(bar, 'ArrowUp', { shiftKey: true });
  expect(height()).toBe(start + 16 - 64);
  key(bar, 'Home');
  expect(height()).toBe(Number(bar.getAttribute('aria-valuemin')));
  expect(q('#pane-table')!.getAttribute('style')).toContain(`height: ${height()}px`);

  const chatBar = q('[data-testid="splitter-chat"]')!;
  const width = Number(chatBar.getAttribute('aria-valuenow'));
  key(chatBar, 'ArrowLeft');
  expect(Number(chatBar.getAttribute('aria-valuenow'))).toBe(width + 16);

  q('[data-testid="chat-toggle"]')!.click();
  flushSync();
  expect(q<HTMLElement>('#pane-chat')!.hidden).toBe(true);
  expect(q('[data-testid="splitter-chat"]')).toBeNull();
  key(document.body, 'b', { ctrlKey: true });
  expect(q<HTMLElement>('#pane-chat')!.hidden).toBe(false);
  // The sizes are kept for the next start.
  expect(JSON.parse(localStorage.getItem('shmscope.layout')!)).toMatchObject({ chatWidth: width + 16, chatCollapsed: false });
});

test('? opens the help with every pane\'s keys, but not when typed in the filter', async () => {
  await app();
  key(q('[data-testid="segment-filter"]')!, '?');
  expect(q('[data-testid="help-overlay"]')).toBeNull();
  key(document.body, '?');
  const help = q('[data-testid="help-overlay"]')!.textContent!;
  for (const text of ['Segments table', 'Hex view', 'Ctrl+Home', 'Writable', 'Chat', 'F6']) expect(help).toContain(text);
  q<HTMLButtonElement>('[data-testid="help-close"]')!.click();
  flushSync();
  expect(q('[data-testid="help-overlay"]')).toBeNull();
});

test('the unreadable processes are named on hover and listed on click', async () => {
  const fake = await app();
  expect(q('[data-testid="unreadable-button"]')).toBeNull();
  fake.emit('segmentsChanged', {
    segments: [posixRow('victim')], scannedProcesses: 5, unreadableProcesses: 3,
    unreadable: [{ pid: 77, command: 'secret', reason: 'EACCES' }, { pid: 78, command: 'stuck\u202e', reason: 'timeout' }],
  });
  flushSync();
  const button = q('[data-testid="unreadable-button"]')!;
  expect(button.textContent).toContain('3 processes could not be read');
  expect(button.getAttribute('title')).toContain('77 secret: no permission');
  expect(button.getAttribute('title')).toContain('did not answer in time');
  button.click();
  flushSync();
  const rows = qa('[data-testid="unreadable-process"]');
  expect(rows.map((r) => r.dataset['pid'])).toEqual(['77', '78']);
  expect(rows[1]!.textContent).not.toContain('\u202e'); // a hostile command name is shown visibly
  expect(q('[data-testid="unreadable-list"]')!.textContent).toContain('1 more not named');
  key(button, 'Escape');
  expect(q('[data-testid="unreadable-list"]')).toBeNull();
});

test('the create dialog takes a character as the ftok project id, like the CLI', async () => {
  const fake = await app();
  q<HTMLButtonElement>('[data-testid="create-button"]')!.click();
  flushSync();
  q<HTMLInputElement>('[data-testid="create-kind-sysv"]')!.click();
  flushSync();
  q<HTMLInputElement>('[data-testid="create-by-ftok"]')!.click();
  flushSync();
  const type = (id: string, value: string): void => {
    const input = q<HTMLInputElement>(`[data-testid="${id}"]`)!;
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };
  type('create-ftok-path', '/tmp');
  type('create-ftok-id', 'A');
  flushSync();
  q<HTMLButtonElement>('[data-testid="create-submit"]')!.click();
  await settle();
  expect(fake.calls.find(([m]) => m === 'createSegment')?.[1]).toEqual([{ kind: 'sysv', identity: { by: 'ftok', path: '/tmp', projectId: 65 }, size: 4096, mode: 0o600, exclusive: true }]);
});

test('F6 moves the focus from pane to pane: table row, the open tab, the chat; an empty pane is skipped', async () => {
  await app();
  key(document.body, 'F6');
  await settle();
  expect(document.activeElement?.getAttribute('data-ref')).toBe('posix:victim');
  key(document.activeElement!, 'F6'); // nothing selected: the details pane has nothing to focus
  expect(document.activeElement?.getAttribute('data-testid')).toBe('chat-room-input');
  q('[data-ref="posix:victim"]')!.click();
  flushSync();
  q<HTMLElement>('[data-ref="posix:victim"]')!.focus();
  key(document.activeElement!, 'F6');
  expect(document.activeElement?.getAttribute('data-testid')).toBe('tab-details');
  key(document.activeElement!, 'F6');
  expect(document.activeElement?.getAttribute('data-testid')).toBe('chat-room-input');
  key(document.activeElement!, 'F6', { shiftKey: true });
  expect(document.activeElement?.getAttribute('data-testid')).toBe('tab-details');
});
