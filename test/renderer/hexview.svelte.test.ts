import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import HexView from '../../renderer/components/HexView.svelte';
import type { ByteSource } from '../../renderer/lib/source';

/** A segment in memory that records every range asked for. */
function fakeSource(size: number, options: { watch?: boolean } = {}) {
  const data = new Uint8Array(size);
  for (let i = 0; i < Math.min(size, 1 << 16); i++) data[i] = i & 0xff;
  const reads: [number, number][] = [];
  const watches = new Set<{ offset: number; length: number; onData: (o: number, d: Uint8Array) => void }>();
  const source: ByteSource = {
    async read(offset, length) {
      reads.push([offset, length]);
      return data.slice(offset, offset + length);
    },
  };
  if (options.watch) {
    source.watch = (offset, length, onData) => {
      const w = { offset, length, onData };
      watches.add(w);
      onData(offset, data.slice(offset, offset + length));
      return () => watches.delete(w);
    };
  }
  const changeAndNotify = (offset: number, bytes: number[]): void => {
    data.set(bytes, offset);
    for (const w of watches) w.onData(w.offset, data.slice(w.offset, w.offset + w.length));
  };
  return { data, reads, watches, source, changeAndNotify };
}

async function settle(ms = 0): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  flushSync();
}

let target: HTMLElement;
let component: ReturnType<typeof mount> | undefined;

beforeEach(() => {
  vi.useFakeTimers();
  target = document.createElement('div');
  document.body.append(target);
});
afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  target.remove();
  vi.useRealTimers();
});

const cells = (): HTMLElement[] => [...target.querySelectorAll<HTMLElement>('[data-testid="hex-cell"]')];
const cell = (offset: number): HTMLElement | null => target.querySelector(`[data-testid="hex-cell"][data-offset="${offset}"]`);

describe('HexView', () => {
  test('renders offset, hex and ASCII columns, 16 bytes a row', async () => {
    const fake = fakeSource(40);
    fake.data.set([0x48, 0x69, 0x01], 0x20);
    component = mount(HexView, { target, props: { size: 40, source: fake.source, viewportHeight: 200 } });
    await settle();
    const rows = target.querySelectorAll('[data-testid="hex-row"]');
    expect(rows).toHaveLength(3);
    expect(rows[0]!.querySelector('.offset')!.textContent).toBe('00000000');
    expect(rows[2]!.querySelector('.offset')!.textContent).toBe('00000020');
    expect(cells()).toHaveLength(40);
    expect(cell(0x11)!.textContent).toBe('11');
    expect(rows[2]!.querySelector('.ascii')!.textContent).toBe('Hi.#$%&\'');
  });

  test('virtualized: a 1 GiB segment renders and reads only the visible rows', async () => {
    const size = 2 ** 30;
    const fake = fakeSource(size);
    component = mount(HexView, { target, props: { size, source: fake.source, viewportHeight: 200, rowHeight: 20 } });
    await settle();
    // 10 rows fit, one more for the partly scrolled top row.
    expect(target.querySelectorAll('[data-testid="hex-row"]')).toHaveLength(11);
    expect(fake.reads).toEqual([[0, 176]]);
    const spacer = target.querySelector<HTMLElement>('.spacer')!;
    expect(Number.parseFloat(spacer.style.height)).toBeLessThanOrEqual(8_000_000);
  });

  test('keyboard moves the cursor and scrolls, reading only the new rows', async () => {
    const size = 2 ** 30;
    const fake = fakeSource(size);
    component = mount(HexView, { target, props: { size, source: fake.source, viewportHeight: 200, rowHeight: 20 } });
    await settle();
    const view = target.querySelector<HTMLElement>('[data-testid="hex-view"]')!;
    view.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', ctrlKey: true, bubbles: true }));
    await settle();
    expect(view.getAttribute('data-first-row')).toBe(String(2 ** 26 - 10));
    expect(cell(size - 1)!.classList.contains('cursor')).toBe(true);
    expect(fake.reads.at(-1)).toEqual([(2 ** 26 - 10) * 16, 160]);
    expect(fake.reads.every(([, n]) => n <= 176)).toBe(true);
  });

  test('past the height cap the wheel moves by rows, not by scaled pixels', async () => {
    const size = 2 ** 30;
    const fake = fakeSource(size);
    component = mount(HexView, { target, props: { size, source: fake.source, viewportHeight: 200, rowHeight: 20 } });
    await settle();
    const view = target.querySelector<HTMLElement>('[data-testid="hex-view"]')!;
    view.dispatchEvent(new WheelEvent('wheel', { deltaY: 100, deltaMode: 0, bubbles: true, cancelable: true }));
    await settle();
    expect(view.getAttribute('data-first-row')).toBe('5');
    expect(fake.reads.at(-1)).toEqual([80, 176]);
  });

  test('live: bytes that changed since the last refresh are highlighted, then fade', async () => {
    const fake = fakeSource(64, { watch: true });
    component = mount(HexView, { target, props: { size: 64, source: fake.source, viewportHeight: 200, highlightMs: 1000 } });
    await settle(200); // the watch starts after a short pause
    expect(fake.watches.size).toBe(1);
    expect(target.querySelectorAll('.byte.changed')).toHaveLength(0);
    fake.changeAndNotify(5, [0xaa, 0xbb]);
    await settle();
    expect(cell(5)!.textContent).toBe('aa');
    expect([...target.querySelectorAll('.byte.changed')].map((e) => e.getAttribute('data-offset'))).toEqual(['5', '6']);
    await settle(1100);
    expect(target.querySelectorAll('.byte.changed')).toHaveLength(0);
  });

  test('without a watch it polls the visible range', async () => {
    const fake = fakeSource(32);
    component = mount(HexView, { target, props: { size: 32, source: fake.source, viewportHeight: 200, pollMs: 1000 } });
    await settle(200);
    fake.data[3] = 0xee;
    await settle(1000);
    expect(cell(3)!.classList.contains('changed')).toBe(true);
  });

  test('editing writes only with a write function', async () => {
    const fake = fakeSource(32);
    const writes: [number, number[]][] = [];
    const props = $state({ size: 32, source: fake.source, viewportHeight: 200, write: undefined as undefined | ((o: number, d: Uint8Array) => Promise<void>) });
    component = mount(HexView, { target, props });
    await settle();
    const view = target.querySelector<HTMLElement>('[data-testid="hex-view"]')!;
    const type = (key: string): void => { view.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true })); };
    type('f'); type('f');
    await settle();
    expect(writes).toHaveLength(0);
    expect(cell(0)!.textContent).toBe('00');
    props.write = async (o, d) => { writes.push([o, [...d]]); };
    flushSync();
    type('a'); type('B');
    await settle();
    expect(writes).toEqual([[0, [0xab]]]);
    expect(cell(0)!.textContent).toBe('ab');
    expect(cell(1)!.classList.contains('cursor')).toBe(true);
  });

  test('shift+arrows select; the selection copies as hex', async () => {
    const fake = fakeSource(32);
    let exported: { selectedBytes(): Uint8Array | null } | undefined;
    component = mount(HexView, { target, props: { size: 32, source: fake.source, viewportHeight: 200 } });
    exported = component as unknown as { selectedBytes(): Uint8Array | null };
    await settle();
    const view = target.querySelector<HTMLElement>('[data-testid="hex-view"]')!;
    view.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    view.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', shiftKey: true, bubbles: true }));
    view.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', shiftKey: true, bubbles: true }));
    await settle();
    expect(target.querySelectorAll('.byte.selected')).toHaveLength(3);
    expect([...exported.selectedBytes()!]).toEqual([1, 2, 3]);
  });
});
