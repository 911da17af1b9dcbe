// The contract adapter behind the hex view (viewRange/viewMove/viewChanged by viewId, search),
// and the inspector component's rendering of both byte orders.
import { flushSync, mount, unmount } from 'svelte';
import { expect, test } from 'vitest';
import Inspector from '../../renderer/components/Inspector.svelte';
import { SearchCancelled } from '../../renderer/lib/search';
import { WatchHub } from '../../renderer/lib/watch';
import { createFakeApi } from './fake-api';
import { posixRow } from './fixtures';

const tick = async (): Promise<void> => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

test('WatchHub: one view per source, moved (coalesced) not reopened, changes by viewId, writes through it, closed on stop', async () => {
  const fake = createFakeApi([posixRow('w', { size: 64 })]);
  fake.memory.set('posix:w', Uint8Array.from({ length: 64 }, (_, i) => i));
  const hub = new WatchHub(fake.api);
  const source = hub.source('posix:w');
  expect([...(await source.read(4, 3))]).toEqual([4, 5, 6]);

  const seen: [number, number[]][] = [];
  const errors: unknown[] = [];
  const view = source.view(0, 16, (o, d) => seen.push([o, [...d.slice(0, 2)]]), (e) => errors.push(e));
  // Scrolling fast: three moves before the view even exists end in one viewMove, to the last range.
  view.move(16, 16);
  view.move(32, 16);
  view.move(48, 16);
  await tick();
  await tick();
  expect(seen).toEqual([[0, [0, 1]], [48, [48, 49]]]);
  expect(fake.calls.filter(([m]) => m === 'viewRange' || m === 'viewMove').map(([m, a]) => [m, a[1]])).toEqual([['viewRange', 0], ['viewMove', 48]]);

  fake.touch('posix:w', 50, [0xaa]);
  fake.emit('viewChanged', { viewId: 'someone-else', ref: 'posix:w', offset: 48, size: 64, data: Uint8Array.of(7) });
  expect(seen.at(-1)).toEqual([48, [48, 49]]);
  expect(seen).toHaveLength(3);

  await expect(view.write(0, Uint8Array.of(1))).rejects.toMatchObject({ code: 'EACCES' });
  await view.setWritable(true);
  await view.write(0, Uint8Array.of(0xee));
  expect(fake.memory.get('posix:w')![0]).toBe(0xee);
  expect(fake.calls.filter(([m]) => m === 'writeRange')).toEqual([]);

  fake.emit('viewChanged', { viewId: 'v1', ref: 'posix:w', offset: 48, size: 0, data: new Uint8Array(0), error: { message: 'posix:w: gone', code: 'ENOENT' } });
  expect((errors[0] as { code: string }).code).toBe('ENOENT');
  view.close();
  await tick();
  expect(fake.calls.some(([m, a]) => m === 'viewClose' && a[0] === 'v1')).toBe(true);

  // Closed before viewRange answered: the view is closed as soon as it exists.
  const early = source.view(16, 16, () => { throw new Error('must not deliver'); }, () => {});
  early.close();
  await tick();
  expect(fake.calls.some(([m, a]) => m === 'viewClose' && a[0] === 'v2')).toBe(true);

  hub.dispose();
  expect(fake.listenerCount('viewChanged')).toBe(0);
  expect(fake.listenerCount('searchProgress')).toBe(0);
});

test('WatchHub search: runs in main by id, routes progress, turns an abort into searchCancel', async () => {
  const fake = createFakeApi([posixRow('s', { size: 64 })]);
  const memory = new Uint8Array(64);
  memory.set([1, 2, 3], 10);
  fake.memory.set('posix:s', memory);
  const hub = new WatchHub(fake.api);
  const source = hub.source('posix:s');
  const progress: number[] = [];
  expect(await source.search(Uint8Array.of(1, 2, 3), 0, { onProgress: (done) => progress.push(done) })).toBe(10);
  expect(await source.search(Uint8Array.of(1, 2, 3), 11)).toBe(10); // wrapped
  expect(await source.search(Uint8Array.of(9), 0)).toBe(-1);
  expect(fake.calls.filter(([m]) => m === 'readRange')).toEqual([]);

  const controller = new AbortController();
  const running = source.search(Uint8Array.of(9), 0, { signal: controller.signal, onProgress: (done) => progress.push(done) });
  const searchId = fake.calls.at(-1)![1][0] as string;
  fake.emit('searchProgress', { searchId, done: 32, total: 64 });
  expect(progress).toEqual([32]);
  controller.abort();
  await expect(running).rejects.toBeInstanceOf(SearchCancelled);
  expect(fake.calls.some(([m, a]) => m === 'searchCancel' && a[0] === searchId)).toBe(true);
  hub.dispose();
});

test('Inspector shows little and big endian side by side', () => {
  const target = document.createElement('div');
  const c = mount(Inspector, { target, props: { bytes: Uint8Array.of(0x01, 0x02, 0x00, 0x00), offset: 16 } });
  flushSync();
  const cell = (type: string, endian: string): string | null | undefined =>
    target.querySelector(`[data-type="${type}"] [data-endian="${endian}"]`)?.textContent;
  expect(cell('u16', 'le')).toBe('513');
  expect(cell('u16', 'be')).toBe('258');
  expect(cell('u32', 'le')).toBe('513');
  expect(cell('u32', 'be')).toBe('16908288');
  expect(cell('u64', 'le')).toBe('—');
  expect(target.querySelector('[data-type="u8"]')?.textContent).toContain('1');
  expect(target.textContent).toContain('0x10 (16)');
  unmount(c);
});
