import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import HexView from '../../renderer/components/HexView.svelte';
import type { ByteSource } from '../../renderer/lib/source';

/** A segment in memory that records every view opened, moved and written, and every one-off read. */
function fakeSource(size: number) {
  const data = new Uint8Array(size);
  for (let i = 0; i < Math.min(size, 1 << 16); i++) data[i] = i & 0xff;
  const reads: [number, number][] = [];
  const opens: [number, number][] = [];
  const moves: [number, number][] = [];
  const writes: [number, number[]][] = [];
  const writable: boolean[] = [];
  let closed = 0;
  const views = new Set<{ offset: number; length: number; onData: (o: number, d: Uint8Array) => void }>();
  const source: ByteSource = {
    async read(offset, length) {
      reads.push([offset, length]);
      return data.slice(offset, offset + length);
    },
    view(offset, length, onData) {
      opens.push([offset, length]);
      const v = { offset, length, onData };
      views.add(v);
      queueMicrotask(() => onData(offset, data.slice(offset, offset + length)));
      return {
        move(o, l) {
          moves.push([o, l]);
          Object.assign(v, { offset: o, length: l });
          queueMicrotask(() => onData(o, data.slice(o, o + l)));
        },
        async setWritable(on) { writable.push(on); },
        async write(o, d) { writes.push([o, [...d]]); data.set(d, o); },
        close() { closed++; views.delete(v); },
      };
    },
    async search() { return -1; },
  };
  const changeAndNotify = (offset: number, bytes: number[]): void => {
    data.set(bytes, offset);
    for (const v of views) v.onData(v.offset, data.slice(v.offset, v.offset + v.length));
  };
  return { data, reads, opens, moves, writes, writable, views, source, changeAndNotify, closed: () => closed };
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

  test('virtualized: a 1 GiB segment renders and views only the visible rows (and the inspector\'s 63 bytes past them)', async () => {
    const size = 2 ** 30;
    const fake = fakeSource(size);
    component = mount(HexView, { target, props: { size, source: fake.source, viewportHeight: 200, rowHeight: 20 } });
    await settle();
    // 10 rows fit, one more for the partly scrolled top row.
    expect(target.querySelectorAll('[data-testid="hex-row"]')).toHaveLength(11);
    expect(fake.opens).toEqual([[0, 176 + 63]]);
    expect(fake.reads).toEqual([]);
    const spacer = target.querySelector<HTMLElement>('.spacer')!;
    expect(Number.parseFloat(spacer.style.height)).toBeLessThanOrEqual(8_000_000);
  });

  test('keyboard moves the cursor and scrolls, moving the one view to the new rows', async () => {
    const size = 2 ** 30;
    const fake = fakeSource(size);
    component = mount(HexView, { target, props: { size, source: fake.source, viewportHeight: 200, rowHeight: 20 } });
    await settle();
    const view = target.querySelector<HTMLElement>('[data-testid="hex-view"]')!;
    view.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', ctrlKey: true, bubbles: true }));
    await settle();
    expect(view.getAttribute('data-first-row')).toBe(String(2 ** 26 - 10));
    expect(cell(size - 1)!.classList.contains('cursor')).toBe(true);
    expect(fake.moves.at(-1)).toEqual([(2 ** 26 - 10) * 16, 160]);
    expect(fake.opens).toHaveLength(1);
    expect(fake.closed()).toBe(0);
    expect(fake.reads).toEqual([]);
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
    expect(fake.moves.at(-1)).toEqual([80, 176 + 63]);
  });

  test('live: bytes that changed since the last refresh are highlighted, then fade', async () => {
    const fake = fakeSource(64);
    component = mount(HexView, { target, props: { size: 64, source: fake.source, viewportHeight: 200, highlightMs: 1000 } });
    await settle(); // no pause: the view is opened at once, and its bytes come with it
    expect(fake.views.size).toBe(1);
    expect(cell(5)!.textContent).toBe('05');
    expect(target.querySelectorAll('.byte.changed')).toHaveLength(0);
    fake.changeAndNotify(5, [0xaa, 0xbb]);
    await settle();
    expect(cell(5)!.textContent).toBe('aa');
    expect([...target.querySelectorAll('.byte.changed')].map((e) => e.getAttribute('data-offset'))).toEqual(['5', '6']);
    await settle(1100);
    expect(target.querySelectorAll('.byte.changed')).toHaveLength(0);
  });

  test('one view per source: a new segment closes the old view and opens one for the new', async () => {
    const a = fakeSource(64);
    const b = fakeSource(64);
    b.data.fill(0x42);
    const props = $state({ size: 64, source: a.source, viewportHeight: 200 });
    component = mount(HexView, { target, props });
    await settle();
    props.source = b.source;
    await settle();
    expect([a.opens.length, a.closed(), b.opens.length, b.closed()]).toEqual([1, 1, 1, 0]);
    expect(cell(0)!.textContent).toBe('42');
  });

  test('the inspector is fed from the view, without reads, also for the last visible row', async () => {
    const fake = fakeSource(4096);
    const seen: number[][] = [];
    component = mount(HexView, { target, props: { size: 4096, source: fake.source, viewportHeight: 200, rowHeight: 20, oninspect: (b: Uint8Array) => { seen.push([...b.subarray(0, 2)]); } } });
    await settle();
    (component as unknown as { moveTo(o: number): void }).moveTo(9 * 16 + 15); // last byte of the last full row
    await settle();
    expect(seen.at(-1)).toEqual([0x9f, 0xa0]);
    expect(fake.reads).toEqual([]);
  });

  test('typing hex writes through the view only when writable; otherwise it asks for the hint', async () => {
    const fake = fakeSource(32);
    let hints = 0;
    const props = $state({ size: 32, source: fake.source, viewportHeight: 200, writable: false, onreadonlytype: () => { hints++; } });
    component = mount(HexView, { target, props });
    await settle();
    const view = target.querySelector<HTMLElement>('[data-testid="hex-view"]')!;
    const type = (key: string): void => { view.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true })); };
    type('f'); type('f');
    await settle();
    expect(fake.writes).toHaveLength(0);
    expect(hints).toBe(2);
    expect(cell(0)!.textContent).toBe('00');
    props.writable = true;
    flushSync();
    type('a'); type('B');
    await settle();
    expect(fake.writable).toEqual([true]);
    expect(fake.writes).toEqual([[0, [0xab]]]);
    expect(cell(0)!.textContent).toBe('ab');
    expect(cell(1)!.classList.contains('cursor')).toBe(true);
    expect(fake.opens).toHaveLength(1); // the same view, reopened read-write in main
    props.writable = false;
    flushSync();
    expect(fake.writable).toEqual([true, false]);
  });

  test('32 bytes a row when asked (or when the width allows); arrows move by a row', async () => {
    const fake = fakeSource(256);
    component = mount(HexView, { target, props: { size: 256, source: fake.source, viewportHeight: 200, bytesPerRow: 32 } });
    await settle();
    const rows = target.querySelectorAll('[data-testid="hex-row"]');
    expect(rows[0]!.querySelectorAll('[data-testid="hex-cell"]')).toHaveLength(32);
    expect(rows[1]!.querySelector('.offset')!.textContent).toBe('00000020');
    const view = target.querySelector<HTMLElement>('[data-testid="hex-view"]')!;
    view.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    await settle();
    expect(cell(32)!.classList.contains('cursor')).toBe(true);
  });

  test('go to puts the target row at the top', async () => {
    const fake = fakeSource(64 * 1024);
    component = mount(HexView, { target, props: { size: 64 * 1024, source: fake.source, viewportHeight: 200, rowHeight: 20 } });
    await settle();
    (component as unknown as { moveTo(o: number, e: boolean, top: boolean): void }).moveTo(0x1000, false, true);
    await settle();
    expect(target.querySelector('[data-testid="hex-view"]')!.getAttribute('data-first-row')).toBe(String(0x1000 / 16));
    expect(target.querySelector('[data-testid="hex-row"]')!.getAttribute('data-row')).toBe(String(0x1000 / 16));
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
