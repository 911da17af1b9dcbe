// The web mode's page across a server restart: keepConnected reconnects after the socket closes
// (and reports each state); App says so in the status bar, turns write controls off meanwhile,
// and on the new api lists again; ChatPanel joins its rooms again and shows what was missed.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, expect, test } from 'vitest';
import App from '../../renderer/App.svelte';
import ChatPanel from '../../renderer/components/ChatPanel.svelte';
import type { ShmscopeApi } from '../../renderer/lib/contract';
import { OPEN, type Link } from '../../renderer/lib/link';
import { keepConnected, type LinkState, type SocketLike } from '../../renderer/lib/ws-client';
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
const qa = <T extends Element = HTMLElement>(selector: string): T[] => [...target.querySelectorAll<T>(selector)];

async function settle(): Promise<void> {
  for (let i = 0; i < 8; i++) await Promise.resolve();
  flushSync();
}

/** A socket that opens (or fails) when told, and closes when the "server" stops. */
class FakeSocket implements SocketLike {
  readyState = 0;
  private readonly handlers = new Map<string, ((event: never) => void)[]>();
  addEventListener(type: string, listener: (event: never) => void): void {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), listener]);
  }
  private fire(type: string, event: unknown = {}): void {
    for (const h of this.handlers.get(type) ?? []) (h as (e: unknown) => void)(event);
  }
  open(): void { this.readyState = 1; this.fire('open'); }
  refuse(): void { this.readyState = 3; this.fire('error'); this.fire('close', {}); }
  drop(reason = ''): void { this.readyState = 3; this.fire('close', { code: 1001, reason }); }
  send(): void {}
  close(): void { this.drop(); }
}

test('keepConnected: after the socket closes it retries until a server answers, and reports each state', async () => {
  const sockets: FakeSocket[] = [];
  const states: LinkState[] = [];
  const waits: number[] = [];
  const factory = (): FakeSocket => { const s = new FakeSocket(); sockets.push(s); return s; };
  const starting = keepConnected('ws://127.0.0.1:1/t/x/ws', (s) => states.push(s), {
    factory, delaysMs: [10, 20], wait: async (ms) => { waits.push(ms); },
  });
  sockets[0]!.open();
  const link = await starting;
  expect(states.map((s) => s.state)).toEqual(['open']);

  sockets[0]!.drop('server going away');
  await settle();
  sockets[1]!.refuse(); // the server is not back yet
  await settle();
  sockets[2]!.open();
  await settle();
  expect(states.map((s) => s.state)).toEqual(['open', 'reconnecting', 'reconnecting', 'open']);
  expect(states[1]).toMatchObject({ reason: 'server going away', attempt: 1 });
  expect(states[2]).toMatchObject({ attempt: 2, reason: expect.stringContaining('cannot connect') });
  expect(states[3]).toMatchObject({ state: 'open', reconnected: true });
  expect(waits).toEqual([10, 20]);
  // Each connection is its own api: the server forgot the old socket's watches and rooms.
  const [a, b] = [states[0], states[3]] as { api: ShmscopeApi }[];
  expect(a!.api).not.toBe(b!.api);
  link.stop();
});

test('App: says it is reconnecting, turns writes off, and lists again from the new api', async () => {
  const before = createFakeApi([posixRow('kept')]);
  const after = createFakeApi([posixRow('kept'), posixRow('new')]);
  let api: ShmscopeApi = $state.raw(before.api);
  let link: Link = $state.raw(OPEN);
  component = mount(App, { target, props: { get api() { return api; }, get link() { return link; } } });
  await settle();
  q('[data-ref="posix:kept"]')!.click();
  flushSync();
  expect(q<HTMLButtonElement>('[data-testid="create-button"]')!.disabled).toBe(false);

  link = { state: 'reconnecting', reason: '', attempt: 1, retryInMs: 500 };
  flushSync();
  expect(q('[data-testid="disconnected"]')!.textContent).toMatch(/lost\. Reconnecting \(attempt 1/);
  expect(q('[data-testid="disconnected"]')!.textContent).toContain('--token-file');
  for (const id of ['create-button', 'remove-button']) expect(q<HTMLButtonElement>(`[data-testid="${id}"]`)!.disabled).toBe(true);
  expect(q<HTMLButtonElement>('[data-testid="chat-join"]')!.disabled).toBe(true);

  api = after.api;
  link = { state: 'open', reconnected: true };
  await settle();
  expect(q('[data-testid="disconnected"]')).toBeNull();
  expect(q('[data-testid="status"]')!.textContent).toContain('Reconnected');
  expect(qa('[data-testid="segment-row"]').map((r) => r.dataset['ref']).sort()).toEqual(['posix:kept', 'posix:new']);
  expect(after.listenerCount('segmentsChanged')).toBe(1);
  expect(before.listenerCount('segmentsChanged')).toBe(0);
  expect(q<HTMLButtonElement>('[data-testid="remove-button"]')!.disabled).toBe(false);
});

test('ChatPanel: a new api joins the rooms again and shows the messages sent meanwhile', async () => {
  const before = createFakeApi();
  const after = createFakeApi();
  let api: ShmscopeApi = $state.raw(before.api);
  component = mount(ChatPanel, { target, props: { get api() { return api; }, defaultNick: 'me' } });
  flushSync();
  q<HTMLFormElement>('[data-testid="chat-join-form"]')!.requestSubmit();
  await settle();
  before.emit('chatMessages', { sessionId: 's1', messages: [{ seq: 1, pid: 7, slot: 0, nick: 'bob', text: 'before', time: 1 }] });
  flushSync();

  // The new server's room still has the old messages and one sent while we were away.
  const join = after.api.chatJoin;
  after.api = { ...after.api };
  (after.api as { chatJoin: ShmscopeApi['chatJoin'] }).chatJoin = async (room, nick, options) => {
    const session = await join(room, nick, options);
    return { ...session, history: [
      { seq: 1, pid: 7, slot: 0, nick: 'bob', text: 'before', time: 1 },
      { seq: 2, pid: 7, slot: 0, nick: 'bob', text: 'while away', time: 2 },
    ] };
  };
  api = after.api;
  await settle();
  expect(after.calls.filter(([m]) => m === 'chatJoin').map(([, a]) => a.slice(0, 2))).toEqual([['lobby', 'me']]);
  expect(qa('[data-testid="chat-message"]').map((m) => m.dataset['seq'])).toEqual(['0', '1', '2']);
  expect(qa('[data-testid="chat-notice"]').map((n) => n.textContent)).toContainEqual(expect.stringContaining('reconnected to lobby'));
  // Events of the new session reach the room; the old session's id is gone.
  after.emit('chatMessages', { sessionId: 's1', messages: [{ seq: 3, pid: 7, slot: 0, nick: 'bob', text: 'live', time: 3 }] });
  flushSync();
  expect(qa('[data-testid="chat-message"]').map((m) => m.dataset['seq'])).toEqual(['0', '1', '2', '3']);
});
