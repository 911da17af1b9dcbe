// The hex tab's Snapshot group in happy-dom, over the fake contract: a snapshot then another
// process's writes make Compare mark exactly those cells and count them; Import writes nothing
// while Writable is off, writes a shmscope snapshot file's data part (not its header) when on,
// and refuses a snapshot whose data does not match its SHA-256 or a size mismatch not confirmed.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { MAGIC } from '../../common/snapshot-header';
import HexPane from '../../renderer/components/HexPane.svelte';
import { countDiffs, fileNameFor } from '../../renderer/lib/snapshot';
import { WatchHub } from '../../renderer/lib/watch';
import { createFakeApi, type FakeApi } from './fake-api';
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
  vi.restoreAllMocks();
});

const q = <T extends Element = HTMLElement>(selector: string): T | null => target.querySelector<T>(selector);

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  flushSync();
}

const SIZE = 256;

function mountPane(): FakeApi {
  const fake = createFakeApi([posixRow('p', { size: SIZE })]);
  fake.memory.set('posix:p', Uint8Array.from({ length: SIZE }, (_, i) => i));
  const hub = new WatchHub(fake.api);
  // maxRead 100: a whole-segment read takes several chunks, as a large segment would.
  component = mount(HexPane, { target, props: { segmentRef: 'posix:p', size: SIZE, source: hub.source('posix:p'), maxRead: 100 } });
  return fake;
}

async function pick(bytes: Uint8Array, name = 'in.bin'): Promise<void> {
  const input = q<HTMLInputElement>('[data-testid="snapshot-import"]')!;
  Object.defineProperty(input, 'files', { configurable: true, value: [new File([bytes as Uint8Array<ArrayBuffer>], name)] });
  input.dispatchEvent(new Event('change', { bubbles: true }));
  await settle();
}

/** A snapshot file as docs/snapshot-format.md lays it out (the renderer tests cannot use main's Buffer). */
async function snapshotFile(data: Uint8Array, sha?: string): Promise<Uint8Array> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
  const sha256 = sha ?? Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  const meta = { ref: 'posix:/other', kind: 'posix', key: null, name: '/other', size: data.length, time: '2026-12-01T00:00:00.000Z', shmscope: '0.0.0', sha256 };
  const header = new TextEncoder().encode(`${MAGIC}${JSON.stringify(meta)}\n`);
  const file = new Uint8Array(header.length + data.length);
  file.set(header, 0);
  file.set(data, header.length);
  return file;
}

const status = (): string => q('[data-testid="snapshot-status"]')?.textContent ?? '';
const marked = (): string[] => [...target.querySelectorAll('[data-testid="hex-cell"].differs')].map((c) => c.getAttribute('data-offset')!);

test('take a snapshot, another process writes, Compare marks and counts exactly the differing bytes', async () => {
  const fake = mountPane();
  await settle();
  expect(q<HTMLButtonElement>('[data-testid="snapshot-compare"]')!.disabled).toBe(true);
  q('[data-testid="snapshot-take"]')!.click();
  await settle();
  expect(status()).toMatch(/^Snapshot taken: 256 bytes/);
  // Read in chunks of at most maxRead.
  expect(fake.calls.filter(([m]) => m === 'readRange').map(([, a]) => [a[1], a[2]])).toEqual([[0, 100], [100, 100], [200, 56]]);

  fake.touch('posix:p', 3, [0xff, 0xfe]);
  fake.touch('posix:p', 40, [0x00]);
  fake.touch('posix:p', 50, [50]); // the same value: not a difference
  await settle();
  expect(marked()).toEqual([]);
  q('[data-testid="snapshot-compare"]')!.click();
  await settle();
  expect(status()).toMatch(/^3 bytes differ from the snapshot/);
  expect(marked()).toEqual(['3', '4', '40']);
  expect(target.querySelectorAll('[data-testid="ascii-cell"].differs')).toHaveLength(3);

  // The marks follow the live bytes: writing the old value back unmarks the cell.
  fake.touch('posix:p', 40, [40]);
  await settle();
  expect(marked()).toEqual(['3', '4']);
  q('[data-testid="snapshot-compare-off"]')!.click();
  await settle();
  expect(marked()).toEqual([]);
});

test('Import with Writable off says how to write and writes nothing', async () => {
  const fake = mountPane();
  await settle();
  await pick(new Uint8Array(SIZE).fill(7));
  expect(status()).toMatch(/switch on "Writable" to import/);
  expect(fake.calls.filter(([m]) => m === 'viewWrite' || m === 'writeRange' || m === 'viewWritable')).toEqual([]);
  expect(fake.memory.get('posix:p')![0]).toBe(0);
});

test('Import of a shmscope snapshot file writes its data part at offset 0, in chunks, through a read-write view', async () => {
  const fake = mountPane();
  await settle();
  q<HTMLInputElement>('[data-testid="hex-writable"]')!.click();
  await settle();
  const data = new Uint8Array(SIZE).fill(0xab);
  data[SIZE - 1] = 0xcd;
  await pick(await snapshotFile(data), 'seg.snap');
  expect(status()).toBe('Imported 256 bytes from seg.snap (snapshot of posix:/other).');
  expect([...fake.memory.get('posix:p')!]).toEqual([...data]);
  expect(fake.calls.filter(([m]) => m === 'viewWrite').map(([, a]) => [a[1], (a[2] as Uint8Array).length])).toEqual([[0, 100], [100, 100], [200, 56]]);
});

test('Import refuses a snapshot whose data does not match its SHA-256, and a size mismatch the user does not confirm', async () => {
  const fake = mountPane();
  await settle();
  q<HTMLInputElement>('[data-testid="hex-writable"]')!.click();
  await settle();
  await pick(await snapshotFile(new Uint8Array(SIZE).fill(1), '0'.repeat(64)), 'forged.snap');
  expect(status()).toMatch(/^Import failed: not a valid shmscope snapshot: the data's SHA-256/);
  await pick((await snapshotFile(new Uint8Array(SIZE + 1))).subarray(0, 40), 'cut.snap');
  expect(status()).toMatch(/^Import failed: not a valid shmscope snapshot/);

  // happy-dom has no window.confirm: the page's dialog is replaced for the test.
  const confirm = vi.fn<(message: string) => boolean>().mockReturnValue(false);
  Object.defineProperty(window, 'confirm', { configurable: true, writable: true, value: confirm });
  await pick(new Uint8Array(10).fill(9), 'short.bin');
  expect(confirm).toHaveBeenCalledOnce();
  expect(status()).toMatch(/^Import cancelled: short.bin holds 10 bytes, the segment 256 bytes/);
  expect(confirm.mock.calls[0]![0]).toMatch(/Write 10 bytes at offset 0 anyway\?/);
  expect(fake.calls.filter(([m]) => m === 'viewWrite')).toEqual([]);
  expect(fake.memory.get('posix:p')![0]).toBe(0);

  confirm.mockReturnValue(true);
  await pick(new Uint8Array(10).fill(9), 'short.bin');
  expect(status()).toBe('Imported 10 bytes from short.bin.');
  expect([...fake.memory.get('posix:p')!.subarray(0, 11)]).toEqual([9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 10]);
});

test('helpers: differing bytes count the length difference; export names are plain file names', () => {
  expect(countDiffs(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 9))).toBe(2);
  expect(fileNameFor('posix:/a b/../c')).toBe('posix-a-b-..-c.bin');
  expect(fileNameFor('sysv:5')).toBe('sysv-5.bin');
});
