// The History tab over the fake contract: another process writes a byte twice, the tab counts
// the changes, scrubbing back shows the first value in the grid (and in the Layout pane's
// members), and "Live" shows the latest again.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, expect, test } from 'vitest';
import HexPane from '../../renderer/components/HexPane.svelte';
import { CHANGE_OVERHEAD } from '../../renderer/lib/history';
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
const cell = (offset: number): string => q(`[data-testid="hex-cell"][data-offset="${offset}"]`)!.textContent!.trim();

const layoutValue = (path: string): string =>
  q(`[data-testid="layout-member"][data-path="${path}"] [data-testid="layout-value"]`)?.textContent ?? '';

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  flushSync();
}

function slide(to: number): void {
  const slider = q<HTMLInputElement>('[data-testid="history-slider"]')!;
  slider.value = String(to);
  slider.dispatchEvent(new Event('input', { bubbles: true }));
}

test('two writes by another process: scrubbing back shows each earlier value, Live the latest', async () => {
  const fake = createFakeApi([posixRow('p', { size: 256 })]);
  fake.memory.set('posix:p', new Uint8Array(256));
  const hub = new WatchHub(fake.api);
  component = mount(HexPane, { target, props: { segmentRef: 'posix:p', size: 256, source: hub.source('posix:p'), maxRead: 1 << 20 } });
  await settle();
  q('[data-testid="tab-history"]')!.click();
  await settle();
  expect(q('[data-testid="history-stats"]')!.textContent).toBe('history: 0 changes, 0 B of 8.0 MiB');

  fake.touch('posix:p', 5, [0x11]);
  await settle();
  fake.touch('posix:p', 5, [0x22]);
  await settle();
  expect(cell(5)).toBe('22');
  expect(q('[data-testid="history-stats"]')!.textContent).toBe(`history: 2 changes, ${4 + 2 * CHANGE_OVERHEAD} B of 8.0 MiB`);
  const listed = [...target.querySelectorAll('[data-testid="history-change"]')].map((b) => b.textContent!.replace(/^\S+\s+/, '').trim());
  expect(listed).toEqual(['0x5 11 → 22', '0x5 00 → 11']);

  slide(1);
  await settle();
  expect(cell(5)).toBe('11');
  expect(q('[data-testid="history-moment"]')!.textContent).toMatch(/^After change 1 at /);
  // Every tab can see the grid shows the past: the message line says so.
  expect(q('[data-testid="hex-past"]')!.textContent).toMatch(/after change 1 /);
  slide(0);
  await settle();
  expect(cell(5)).toBe('00');

  // The Layout pane reads the same bytes: it decodes the moment picked, then the present.
  slide(1);
  await settle();
  q('[data-testid="tab-layout"]')!.click();
  await settle();
  const source = q<HTMLTextAreaElement>('[data-testid="layout-source"]')!;
  source.value = 'struct s { uint8_t pad[5]; uint8_t b; };';
  source.dispatchEvent(new Event('input', { bubbles: true }));
  await settle();
  expect(layoutValue('b')).toBe('17');
  q<HTMLButtonElement>('[data-testid="tab-history"]')!.click();
  await settle();
  q<HTMLButtonElement>('[data-testid="history-live"]')!.click();
  await settle();
  expect(cell(5)).toBe('22');
  expect(q('[data-testid="history-moment"]')!.textContent).toBe('Live');
  expect(q('[data-testid="hex-past"]')).toBeNull();
  expect(q<HTMLButtonElement>('[data-testid="history-live"]')!.disabled).toBe(true);
  q('[data-testid="tab-layout"]')!.click();
  await settle();
  expect(layoutValue('b')).toBe('34');
});
