// Components in happy-dom: the segment table's live marks, the chat panel fed by contract
// events, and the whole App wired to a fake contract object.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import App from '../../renderer/App.svelte';
import ChatPanel from '../../renderer/components/ChatPanel.svelte';
import SegmentsTable from '../../renderer/components/SegmentsTable.svelte';
import { mergeScan, type MarkedRow } from '../../renderer/lib/segments';
import { createFakeApi } from './fake-api';
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
  vi.useRealTimers();
});

const q = <T extends Element = HTMLElement>(selector: string): T | null => target.querySelector<T>(selector);
const qa = <T extends Element = HTMLElement>(selector: string): T[] => [...target.querySelectorAll<T>(selector)];
const rowRefs = (): (string | null)[] => qa('[data-testid="segment-row"]').map((r) => r.getAttribute('data-ref'));

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  flushSync();
}

function type(input: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('SegmentsTable', () => {
  test('marks rows that appeared, vanished or changed attach count', () => {
    const props = $state({ rows: [] as MarkedRow[], selected: null as string | null, onselect: (ref: string) => { props.selected = ref; } });
    props.rows = mergeScan([], [sysvRow(1), sysvRow(2, { nattch: 1 })], 0, { initial: true });
    component = mount(SegmentsTable, { target, props });
    flushSync();
    expect(rowRefs()).toEqual(['sysv:1', 'sysv:2']);
    expect(qa('[data-testid="segment-row"]').map((r) => r.dataset['state'])).toEqual(['stable', 'stable']);

    props.rows = mergeScan(props.rows, [sysvRow(2, { nattch: 3 }), posixRow('new')], 1000);
    flushSync();
    const row = (ref: string): HTMLElement => q(`[data-testid="segment-row"][data-ref="${ref}"]`)!;
    expect(row('posix:new').dataset['state']).toBe('appeared');
    expect(row('sysv:1').dataset['state']).toBe('vanished');
    expect(row('sysv:1').classList.contains('vanished')).toBe(true);
    expect(row('sysv:2').classList.contains('attach-changed')).toBe(true);
    expect(row('sysv:2').querySelector('[data-column="nattch"]')!.textContent).toBe('3 (was 1)');
  });

  test('sorts by clicking headers, filters, and moves the selection with the keyboard', () => {
    const props = $state({ rows: mergeScan([], [sysvRow(5, { size: 10 }), posixRow('big', { size: 1000 }), sysvRow(2, { size: 99 })], 0, { initial: true }), selected: null as string | null, onselect: (ref: string) => { props.selected = ref; } });
    component = mount(SegmentsTable, { target, props });
    flushSync();
    q('[data-testid="sort-size"]')!.click();
    flushSync();
    expect(rowRefs()).toEqual(['sysv:5', 'sysv:2', 'posix:big']);
    expect(q('th[aria-sort="ascending"]')?.textContent).toContain('Size');
    q('[data-testid="sort-size"]')!.click();
    flushSync();
    expect(rowRefs()).toEqual(['posix:big', 'sysv:2', 'sysv:5']);

    const first = qa('[data-testid="segment-row"]')[0]!;
    first.click();
    flushSync();
    expect(props.selected).toBe('posix:big');
    first.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    flushSync();
    expect(props.selected).toBe('sysv:2');
    first.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
    flushSync();
    expect(props.selected).toBe('sysv:5');

    type(q<HTMLInputElement>('[data-testid="segment-filter"]')!, 'posix');
    flushSync();
    expect(rowRefs()).toEqual(['posix:big']);
  });
});

describe('ChatPanel', () => {
  test('join shows history; live messages, missed notices and presence follow events', async () => {
    const fake = createFakeApi();
    component = mount(ChatPanel, { target, props: { api: fake.api, defaultNick: 'me' } });
    flushSync();
    type(q<HTMLInputElement>('[data-testid="chat-room-input"]')!, 'lobby');
    q<HTMLFormElement>('[data-testid="chat-join-form"]')!.requestSubmit();
    await settle();
    expect(fake.calls.find(([m]) => m === 'chatJoin')?.[1]).toEqual(['lobby', 'me']);
    expect(qa('[data-testid="chat-message"]').map((m) => m.textContent)).toEqual([expect.stringContaining('from before')]);
    expect(qa('[data-testid="chat-participant"]').map((p) => p.dataset['nick'])).toEqual(['me']);

    fake.emit('chatMessages', { sessionId: 's1', messages: [{ seq: 1, pid: 7, slot: 2, nick: 'bob', text: 'hi all', time: 0 }] });
    fake.emit('chatMessages', { sessionId: 'other-window', messages: [{ seq: 9, pid: 7, slot: 2, nick: 'x', text: 'not ours', time: 0 }] });
    fake.emit('chatMissed', { sessionId: 's1', count: 3, reason: 'lapped' });
    fake.emit('chatMessages', { sessionId: 's1', messages: [{ seq: 5, pid: 4242, slot: 0, nick: 'me', text: 'mine', time: 0 }] });
    fake.emit('chatPresence', { sessionId: 's1', participants: [{ pid: 4242, slot: 0, nick: 'me', joinedAt: 1 }, { pid: 7, slot: 2, nick: 'bob', joinedAt: 2 }] });
    flushSync();
    const messages = qa('[data-testid="chat-message"]');
    expect(messages.map((m) => m.dataset['seq'])).toEqual(['0', '1', '5']);
    expect(messages[2]!.classList.contains('own')).toBe(true);
    expect(messages[1]!.classList.contains('own')).toBe(false);
    expect(q('[data-testid="chat-missed"]')!.textContent).toContain('3 messages missed');
    expect(qa('[data-testid="chat-participant"]').map((p) => p.dataset['nick'])).toEqual(['me', 'bob']);
    expect(qa('[data-testid="chat-notice"]').map((n) => n.textContent)).toContain('bob (pid 7) joined');

    // Send: Enter in the box submits through chatSend and clears it.
    const box = q<HTMLTextAreaElement>('[data-testid="chat-input"]')!;
    type(box, 'hello');
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await settle();
    expect(fake.calls.find(([m]) => m === 'chatSend')?.[1]).toEqual(['s1', 'hello']);
    expect(box.value).toBe('');

    q('[data-testid="chat-leave"]')!.click();
    await settle();
    expect(fake.calls.some(([m, a]) => m === 'chatLeave' && a[0] === 's1')).toBe(true);
    expect(q('[data-testid="chat-room"]')).toBeNull();
  });

  test('a refused join shows the error and its code', async () => {
    const fake = createFakeApi();
    fake.failNext('chatJoin', 'room lobby: chat is not available in this build', 'ENOSYS');
    component = mount(ChatPanel, { target, props: { api: fake.api, defaultNick: 'me' } });
    flushSync();
    q<HTMLFormElement>('[data-testid="chat-join-form"]')!.requestSubmit();
    await settle();
    expect(q('[data-testid="dialog-error"]')!.textContent).toContain('chat is not available');
    expect(q('[data-testid="dialog-error-code"]')!.textContent).toBe('ENOSYS');
  });
});

describe('App over a fake contract', () => {
  test('lists segments, follows segmentsChanged, shows details and hex of the selection', async () => {
    const fake = createFakeApi([sysvRow(1, { nattch: 1, attachers: [{ pid: 10, command: 'writer', uid: 0, user: 'root', access: 'rw', start: '0x7f00', end: '0x7f10', mappings: [{ access: 'rw', start: '0x7f00', end: '0x7f10' }] }], unreadableProcesses: 2 }), posixRow('demo', { size: 64 })]);
    fake.memory.set('posix:demo', Uint8Array.from({ length: 64 }, (_, i) => i));
    component = mount(App, { target, props: { api: fake.api } });
    await settle();
    expect(rowRefs().sort()).toEqual(['posix:demo', 'sysv:1']);
    expect(fake.listenerCount('segmentsChanged')).toBe(1);

    // A scan from main: one new segment, one gone.
    fake.emit('segmentsChanged', { segments: [posixRow('demo', { size: 64 }), posixRow('fresh')], unreadableProcesses: 0, unreadable: [], scannedProcesses: 3 });
    flushSync();
    expect(q('[data-ref="posix:fresh"]')!.dataset['state']).toBe('appeared');
    expect(q('[data-ref="sysv:1"]')!.dataset['state']).toBe('vanished');

    // Details of a vanished row still show; attachers and the unreadable count too.
    q('[data-ref="sysv:1"]')!.click();
    flushSync();
    expect(q('[data-testid="segment-details"]')!.textContent).toContain('no longer exists');
    expect(qa('[data-testid="attacher-row"]').map((r) => r.dataset['pid'])).toEqual(['10']);
    expect(q('[data-testid="attachers-unreadable"]')!.textContent).toContain('2 processes could not be read');

    // Double click opens the hex view, which opens one live view of the visible bytes.
    q('[data-ref="posix:demo"]')!.dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
    await settle();
    expect(fake.calls.filter(([m]) => m === 'viewRange').map(([, a]) => a.slice(0, 2))).toEqual([['posix:demo', 0]]);
    expect(fake.calls.filter(([m]) => m === 'readRange' || m === 'watchRange')).toEqual([]);
    expect(q('[data-testid="hex-cell"][data-offset="17"]')!.textContent).toBe('11');
  });

  test('menu events open the create dialog; an OS error is shown with its code', async () => {
    const fake = createFakeApi();
    component = mount(App, { target, props: { api: fake.api } });
    await settle();
    fake.emit('menu', { action: 'createSegment' });
    flushSync();
    expect(q('[data-testid="create-dialog"]')).not.toBeNull();
    type(q<HTMLInputElement>('[data-testid="create-name"]')!, 'taken');
    fake.failNext('createSegment', 'posix:/taken: shm_open failed: File exists', 'EEXIST');
    q<HTMLButtonElement>('[data-testid="create-submit"]')!.click();
    await settle();
    expect(q('[data-testid="dialog-error"]')!.textContent).toContain('File exists');
    expect(q('[data-testid="dialog-error-code"]')!.textContent).toBe('EEXIST');
    expect(fake.calls.find(([m]) => m === 'createSegment')?.[1]).toEqual([{ kind: 'posix', name: 'taken', size: 4096, mode: 0o600, exclusive: true }]);
    q<HTMLButtonElement>('[data-testid="create-submit"]')!.click();
    await settle();
    expect(q('[data-testid="create-dialog"]')).toBeNull();
    expect(q('[data-testid="status"]')!.textContent).toContain('Created posix:taken');

    fake.emit('menu', { action: 'refresh' });
    await settle();
    expect(fake.calls.filter(([m]) => m === 'listSegments').length).toBeGreaterThanOrEqual(3);
  });

  test('remove asks first, then calls removeSegment', async () => {
    const fake = createFakeApi([posixRow('victim')]);
    component = mount(App, { target, props: { api: fake.api } });
    await settle();
    q('[data-ref="posix:victim"]')!.click();
    flushSync();
    q<HTMLButtonElement>('[data-testid="remove-button"]')!.click();
    flushSync();
    expect(fake.calls.some(([m]) => m === 'removeSegment')).toBe(false);
    expect(q('[data-testid="remove-dialog"]')!.textContent).toContain('posix:victim');
    q<HTMLButtonElement>('[data-testid="remove-confirm"]')!.click();
    await settle();
    expect(fake.calls.find(([m]) => m === 'removeSegment')?.[1]).toEqual(['posix:victim']);
    expect(q('[data-testid="remove-dialog"]')).toBeNull();
  });
});
