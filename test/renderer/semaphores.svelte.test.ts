// Issue 9 item 2 (app): the semaphore table shows POSIX and System V semaphores from listSemaphores,
// re-reads them while shown (values update live), and shows names from other users visibly.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import App from '../../renderer/App.svelte';
import SemaphoresTable from '../../renderer/components/SemaphoresTable.svelte';
import type { SemaphoreList, SemaphoreRow } from '../../renderer/lib/contract';
import { createFakeApi } from './fake-api';

const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;

function posix(value: number): SemaphoreRow {
  return {
    kind: 'posix', ref: 'sem:posix:job\u202Eqs', name: 'job\u202Eqs', value, waiters: 1, valueError: null, size: 32, perms: '0600', mode: 0o600,
    uid: 0, gid: 0, owner: 'root', group: 'root', mtime: 0, unreadableProcesses: 0,
    attachers: [{ pid: 77, command: 'wo\u001b[2Jrker', uid: 0, user: 'root', access: 'rw', start: '0x1000', end: '0x2000', mappings: [{ start: '0x1000', end: '0x2000', access: 'rw' }] }],
  };
}

const sysv: SemaphoreRow = {
  kind: 'sysv', ref: 'sem:sysv:5', key: '0x5c000001', keyNumber: 0x5c000001, id: 5, nsems: 3, perms: '0600', mode: 0o600, uid: 0, gid: 0,
  owner: 'root', group: 'root', cuid: 0, cgid: 0, otime: 0, ctime: 0,
  values: [0, 5, 8], waiting: [1, 0, 0], waitingForZero: [0, 1, 0], lastPids: [10, 10, 11], valueError: null,
};

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

const cells = (ref: string, column: string): string =>
  target.querySelector(`tr[data-ref="${ref}"] td[data-column="${column}"]`)?.textContent ?? '';

describe('the semaphore table', () => {
  test('shows each kind, updates values live, and never shows a raw control or bidi character', async () => {
    let value = 2;
    const load = vi.fn(async (): Promise<SemaphoreList> => ({ semaphores: [posix(value), sysv], unreadableProcesses: 0, unreadable: [], scannedProcesses: 1 }));
    component = mount(SemaphoresTable, { target, props: { load, intervalMs: 5 } });
    await vi.waitFor(() => expect(cells('sem:posix:job\u202Eqs', 'value')).toBe('2'));
    expect(cells('sem:posix:job\u202Eqs', 'waiting')).toBe('1');
    expect(cells('sem:sysv:5', 'value')).toBe('0, 5, 8');
    expect(cells('sem:sysv:5', 'waiting')).toBe('1, 0, 0');
    expect(cells('sem:posix:job\u202Eqs', 'mapped-by')).toContain('[77]');
    expect(target.textContent).not.toMatch(RAW);

    value = 3; // the next reading shows it without any action
    await vi.waitFor(() => expect(cells('sem:posix:job\u202Eqs', 'value')).toBe('3'));
    flushSync();
  });

  test('says why a listing failed', async () => {
    component = mount(SemaphoresTable, { target, props: { load: () => Promise.reject(Object.assign(new Error('sem: nope'), { code: 'EIO' })), intervalMs: 1000 } });
    await vi.waitFor(() => expect(target.querySelector('[role="alert"]')?.textContent).toContain('sem: nope'));
  });

  test('the app switches its table to the semaphores and back', async () => {
    const fake = createFakeApi();
    component = mount(App, { target, props: { api: fake.api } });
    flushSync();
    target.querySelector<HTMLButtonElement>('[data-testid="semaphores-button"]')!.click();
    flushSync();
    await vi.waitFor(() => expect(fake.calls.some(([m]) => m === 'listSemaphores')).toBe(true));
    expect(target.querySelector('[data-testid="semaphores-table"]')).not.toBeNull();
    expect(target.querySelector('[data-testid="segments-table"]')).toBeNull();
    target.querySelector<HTMLButtonElement>('[data-testid="semaphores-button"]')!.click();
    flushSync();
    expect(target.querySelector('[data-testid="segments-table"]')).not.toBeNull();
  });
});
