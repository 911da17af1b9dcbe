// The contract adapter behind the hex view (readRange/watchRange/bytesChanged by watchId),
// and the inspector component's rendering of both byte orders.
import { flushSync, mount, unmount } from 'svelte';
import { expect, test } from 'vitest';
import Inspector from '../../renderer/components/Inspector.svelte';
import { WatchHub } from '../../renderer/lib/watch';
import { createFakeApi } from './fake-api';
import { posixRow } from './fixtures';

const tick = async (): Promise<void> => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

test('WatchHub: reads, watches, dispatches bytesChanged by watchId, unwatches on stop', async () => {
  const fake = createFakeApi([posixRow('w', { size: 32 })]);
  fake.memory.set('posix:w', Uint8Array.from({ length: 32 }, (_, i) => i));
  const hub = new WatchHub(fake.api);
  const source = hub.source('posix:w');
  expect([...(await source.read(4, 3))]).toEqual([4, 5, 6]);

  const seen: [number, number[]][] = [];
  const errors: unknown[] = [];
  const stop = source.watch!(0, 16, (o, d) => seen.push([o, [...d.slice(0, 2)]]), (e) => errors.push(e));
  await tick();
  expect(seen).toEqual([[0, [0, 1]]]); // the watch's initial bytes
  fake.emit('bytesChanged', { watchId: 'w1', ref: 'posix:w', offset: 0, size: 32, data: Uint8Array.of(9, 9) });
  fake.emit('bytesChanged', { watchId: 'someone-else', ref: 'posix:w', offset: 0, size: 32, data: Uint8Array.of(7) });
  expect(seen).toEqual([[0, [0, 1]], [0, [9, 9]]]);
  fake.emit('bytesChanged', { watchId: 'w1', ref: 'posix:w', offset: 0, size: 0, data: new Uint8Array(0), error: { message: 'posix:w: gone', code: 'ENOENT' } });
  expect(errors).toHaveLength(1);
  expect((errors[0] as { code: string }).code).toBe('ENOENT');
  stop();
  await tick();
  expect(fake.calls.some(([m, a]) => m === 'unwatch' && a[0] === 'w1')).toBe(true);

  // Stopped before watchRange answered: the watch is undone as soon as it exists.
  const early = source.watch!(16, 16, () => { throw new Error('must not deliver'); }, () => {});
  early();
  await tick();
  expect(fake.calls.some(([m, a]) => m === 'unwatch' && a[0] === 'w2')).toBe(true);

  hub.dispose();
  expect(fake.listenerCount('bytesChanged')).toBe(0);
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
