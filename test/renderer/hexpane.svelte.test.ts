// The hex tab's keys and messages in happy-dom, over the fake contract: Enter on a table row
// puts the keyboard in the grid, typing hex while read-only says how to write, go to puts the
// row at the top and clears a stale "Found at", and every message shares one fixed line.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, expect, test } from 'vitest';
import App from '../../renderer/App.svelte';
import HexPane from '../../renderer/components/HexPane.svelte';
import { WatchHub } from '../../renderer/lib/watch';
import { createFakeApi } from './fake-api';
import { posixRow } from './fixtures';

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

const q = <T extends Element = HTMLElement>(selector: string): T | null => target.querySelector<T>(selector);

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  flushSync();
}

function key(el: Element, name: string): void {
  el.dispatchEvent(new KeyboardEvent('keydown', { key: name, bubbles: true, cancelable: true }));
}

function input(el: HTMLInputElement, value: string): void {
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

function submit(form: Element): void {
  form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
}

test('Enter on a table row opens the hex view with focus in the grid; ↓ then moves the cursor, not the segment', async () => {
  const fake = createFakeApi([posixRow('a', { size: 256 }), posixRow('b', { size: 256 })]);
  component = mount(App, { target, props: { api: fake.api } });
  await settle();
  const row = q('[data-ref="posix:a"]')!;
  row.click();
  await settle();
  key(row, 'Enter');
  await settle();
  const grid = q('[data-testid="hex-view"]')!;
  expect(document.activeElement).toBe(grid);
  key(document.activeElement!, 'ArrowDown');
  await settle();
  expect(q('[data-testid="hex-cell"].cursor')!.getAttribute('data-offset')).toBe('16');
  expect(q('[data-testid="segment-row"][aria-selected="true"]')!.getAttribute('data-ref')).toBe('posix:a');
});

function mountPane(size = 64 * 1024, readOnly = false) {
  const fake = createFakeApi([posixRow('p', { size })]);
  const memory = new Uint8Array(size);
  memory.set(new TextEncoder().encode('needle'), 0x3000);
  fake.memory.set('posix:p', memory);
  const hub = new WatchHub(fake.api);
  component = mount(HexPane, { target, props: { segmentRef: 'posix:p', size, source: hub.source('posix:p'), maxRead: 1 << 20, readOnly } });
  return fake;
}

test('typing hex with Writable off shows a one-line hint and writes nothing; Writable on writes through the view', async () => {
  const fake = mountPane();
  await settle();
  const grid = q('[data-testid="hex-view"]')!;
  key(grid, 'a');
  await settle();
  expect(q('[data-testid="hex-hint"]')!.textContent).toMatch(/switch on "Writable"/);
  expect(fake.calls.filter(([m]) => m === 'viewWrite' || m === 'writeRange')).toEqual([]);

  q<HTMLInputElement>('[data-testid="hex-writable"]')!.click();
  await settle();
  expect(q('[data-testid="hex-hint"]')).toBeNull();
  key(grid, 'a');
  key(grid, 'b');
  await settle();
  expect(fake.calls.filter(([m]) => m === 'viewWritable' || m === 'viewWrite').map(([m, a]) => [m, a[1]])).toEqual([['viewWritable', true], ['viewWrite', 0]]);
  expect(fake.memory.get('posix:p')![0]).toBe(0xab);
});

test('go to puts the target row at the top and clears a stale "Found at"; messages share one line that is always there', async () => {
  const fake = mountPane();
  await settle();
  const lines = (): number => target.querySelectorAll('.hexpane > .line').length;
  expect(lines()).toBe(1);

  input(q<HTMLInputElement>('[data-testid="hex-search-input"]')!, 'needle');
  submit(q('[data-testid="hex-search-input"]')!.closest('form')!);
  await settle();
  expect(fake.calls.filter(([m]) => m === 'searchSegment').map(([, a]) => new TextDecoder().decode(a[2] as Uint8Array))).toEqual(['needle']);
  expect(q('[data-testid="hex-search-status"]')!.textContent).toBe('Found at 0x3000 (12288).');
  expect(fake.calls.filter(([m]) => m === 'searchSegment')).toHaveLength(1);
  expect(fake.calls.filter(([m]) => m === 'readRange')).toEqual([]);
  expect(q('[data-testid="hex-view"]')!.getAttribute('data-first-row')).toBe(String(0x3000 / 16));
  expect(lines()).toBe(1);

  input(q<HTMLInputElement>('[data-testid="hex-goto-input"]')!, '0x1000');
  submit(q('[data-testid="hex-goto-input"]')!.closest('form')!);
  await settle();
  expect(q('[data-testid="hex-search-status"]')).toBeNull();
  expect(q('[data-testid="hex-view"]')!.getAttribute('data-first-row')).toBe(String(0x1000 / 16));
  expect(q('[data-testid="hex-cell"].cursor')!.getAttribute('data-offset')).toBe(String(0x1000));

  input(q<HTMLInputElement>('[data-testid="hex-goto-input"]')!, 'nowhere');
  submit(q('[data-testid="hex-goto-input"]')!.closest('form')!);
  await settle();
  expect(q('.hexpane > .line.error')!.textContent).toMatch(/an offset is a number/);
  expect(lines()).toBe(1);
});
