// The chat panel takes a batch of messages (one chatMessages event) in one step: one state
// update for the whole batch, not one copy of the list per message.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, expect, test, vi } from 'vitest';
import ChatPanel from '../../renderer/components/ChatPanel.svelte';
import * as chat from '../../renderer/lib/chat';
import type { ChatMessage } from '../../renderer/lib/contract';
import { createFakeApi } from './fake-api';

vi.mock('../../renderer/lib/chat', async (original) => {
  const real = await original<typeof import('../../renderer/lib/chat')>();
  return { ...real, addMessages: vi.fn(real.addMessages) };
});

let component: ReturnType<typeof mount> | undefined;
const target = document.createElement('div');
afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  target.remove();
});

test('a batch of 500 messages is one update of the list, all shown in order', async () => {
  document.body.append(target);
  const fake = createFakeApi();
  component = mount(ChatPanel, { target, props: { api: fake.api, defaultNick: 'me' } });
  flushSync();
  target.querySelector<HTMLFormElement>('[data-testid="chat-join-form"]')!.requestSubmit();
  for (let i = 0; i < 5; i++) await Promise.resolve();
  flushSync();
  const shown = () => [...target.querySelectorAll<HTMLElement>('[data-testid="chat-message"]')].map((m) => m.dataset['seq']);
  expect(shown()).toEqual(['0']);

  const updates = vi.mocked(chat.addMessages);
  updates.mockClear();
  const messages: ChatMessage[] = Array.from({ length: 500 }, (_, i) => ({ seq: i + 1, pid: 7, slot: 2, nick: 'bob', text: `m${i + 1}`, time: 0 }));
  fake.emit('chatMessages', { sessionId: 's1', messages });
  flushSync();
  expect(updates).toHaveBeenCalledTimes(1);
  expect(shown()).toEqual(['0', ...messages.map((m) => String(m.seq))]);
});
