// The chat panel and a room another user owns: the join is refused (EPERM) until the user
// confirms, the joined room keeps the owner warning, and unverified participants are marked.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, expect, test } from 'vitest';
import ChatPanel from '../../renderer/components/ChatPanel.svelte';
import type { ChatRoomOwner, ChatSession, ShmscopeApi } from '../../common/contract';
import { createFakeApi } from './fake-api';

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
  for (let i = 0; i < 5; i++) await Promise.resolve();
  flushSync();
}

const nobody: ChatRoomOwner = { uid: 65534, user: 'nobody', creatorUid: 65534, creator: 'nobody', mine: false };
const refusal = `room:lobby: is owned by user nobody (uid 65534), not you; anyone owning it can read, forge or break it (EPERM)`;

/** A backend whose room "lobby" belongs to nobody: chatJoin refuses it unless trustOwner is set. */
function squattedApi(): { api: ShmscopeApi; joins: unknown[][] } {
  const fake = createFakeApi();
  const joins: unknown[][] = [];
  const api: ShmscopeApi = {
    ...fake.api,
    async chatJoin(room, nick, options) {
      joins.push([room, nick, options]);
      if (options?.trustOwner !== true) throw Object.assign(new Error(refusal), { code: 'EPERM' });
      const session: ChatSession = await fake.api.chatJoin(room, nick, options);
      return {
        ...session,
        owner: nobody,
        participants: [
          ...session.participants.map((p) => ({ ...p, verified: true, reason: 'has this room attached' })),
          { pid: 1, slot: 5, nick: 'admin', joinedAt: 0, uid: 0, user: 'root', verified: false, reason: 'pid 1 runs as root (uid 0) and does not have this room attached: a forged or stale entry' },
        ],
      };
    },
  };
  return { api, joins };
}

test('a room another user owns needs "Join anyway"; then the owner and unverified participants are shown', async () => {
  const { api, joins } = squattedApi();
  component = mount(ChatPanel, { target, props: { api, defaultNick: 'me' } });
  flushSync();
  q<HTMLFormElement>('[data-testid="chat-join-form"]')!.requestSubmit();
  await settle();
  expect(joins).toEqual([['lobby', 'me', { history: true }]]);
  expect(q('[data-testid="chat-room"]')).toBeNull();
  expect(q('[data-testid="chat-owner-warning"]')!.textContent).toContain('is owned by user nobody (uid 65534), not you');

  q<HTMLButtonElement>('[data-testid="chat-trust-owner"]')!.click();
  await settle();
  expect(joins[1]).toEqual(['lobby', 'me', { history: true, trustOwner: true }]);
  expect(q('[data-testid="chat-owner-warning"]')).toBeNull();
  expect(q('[data-testid="chat-owner"]')!.textContent).toContain('owned by user nobody (uid 65534), not you');
  const people = qa('[data-testid="chat-participant"]');
  expect(people.map((p) => [p.dataset['nick'], p.dataset['verified']])).toEqual([['admin', 'false'], ['me', 'true']]);
  expect(people[0]!.querySelector('[data-testid="chat-unverified"]')!.getAttribute('title')).toContain('does not have this room attached');
});

test('Cancel drops the warning without joining', async () => {
  const { api, joins } = squattedApi();
  component = mount(ChatPanel, { target, props: { api, defaultNick: 'me' } });
  flushSync();
  q<HTMLFormElement>('[data-testid="chat-join-form"]')!.requestSubmit();
  await settle();
  q<HTMLButtonElement>('[data-testid="chat-trust-cancel"]')!.click();
  flushSync();
  expect(q('[data-testid="chat-owner-warning"]')).toBeNull();
  expect(joins).toHaveLength(1);
  expect(q('[data-testid="chat-room"]')).toBeNull();
});
