// Chat through the service a batch at a time: a burst another process sends with sendMany
// reaches the client as a few chatMessages events (not one per message), every message once
// and in seq order; and the session layer is where history and live overlap are cut.
import { afterEach, describe, expect, it } from 'vitest';
import { createService, type Emit } from '../../main/service';
import type { ChatJoin } from '../../main/service/chat';
import type { ChatMessage, Reply } from '../../common/contract';
import { roomKey } from '../../main/chat/naming';
import { spawnPeer, uniqueRoom } from '../helpers/chat';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try { await cleanup(); } catch { /* already gone */ }
  }
});

interface Batch { sessionId: string; messages: ChatMessage[] }

function client(join: ChatJoin): { batches: Batch[]; call: (m: string, ...a: unknown[]) => Promise<unknown> } {
  const service = createService({ transport: 'web', intervalMs: 50, chat: join });
  cleanups.push(() => service.close());
  const batches: Batch[] = [];
  const emit: Emit = (event, payload) => { if (event === 'chatMessages') batches.push(payload as Batch); };
  const c = service.connect(emit);
  cleanups.push(() => c.dispose());
  return {
    batches,
    call: async (m, ...a) => {
      const reply: Reply = await c.call(m, a);
      if (!reply.ok) throw new Error(`${m}: ${reply.error.code} ${reply.error.message}`);
      return reply.result;
    },
  };
}

describe('chat batches through the service', () => {
  it('a burst from another process arrives as few events, every message once and in order', async () => {
    const { joinChatRoom } = await import('../../main/service/chat-backend');
    const { ChatRoom } = await import('../../main/chat');
    const room = uniqueRoom('batches').name;
    cleanups.push(() => ChatRoom.remove(room));
    const { batches, call } = client(joinChatRoom);
    const { sessionId } = await call('chatJoin', room, 'me', { history: false }) as { sessionId: string };
    const count = 2000;
    const peer = spawnPeer({ name: room, key: roomKey(room), nick: 'bob', action: 'burst', count, chunk: 500 });
    cleanups.push(() => peer.kill());
    await peer.waitFor((l) => l === 'done');
    const received = () => batches.reduce((n, b) => n + b.messages.length, 0);
    const deadline = Date.now() + 10_000;
    while (received() < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

    const texts = batches.flatMap((b) => b.messages.map((m) => m.text));
    expect(texts).toEqual(Array.from({ length: count }, (_, i) => `bob ${i}`));
    const seqs = batches.flatMap((b) => b.messages.map((m) => m.seq));
    expect(seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1)).toBe(true);
    expect(batches.every((b) => b.sessionId === sessionId && b.messages.length > 0)).toBe(true);
    // One event per batch the reader filled: 4 sendMany calls, at most 1,024 a batch. Not one per message.
    expect(batches.length).toBeLessThanOrEqual(count / 100);
  });

  it('sends what history already gave once, and an empty batch not at all', async () => {
    const msg = (seq: number): ChatMessage => ({ seq, pid: 2, slot: 1, nick: 'bob', text: `m${seq}`, time: 0 });
    let deliver: (messages: ChatMessage[]) => void = () => {};
    const join: ChatJoin = async () => ({
      pid: 9, slot: 0,
      onMessages(listener) { deliver = listener; },
      onMissed() {}, onPresence() {},
      send() {}, history: () => [msg(1), msg(2), msg(3)], participants: () => [], leave() {},
    });
    const { batches, call } = client(join);
    const session = await call('chatJoin', 'lobby', 'ann', { history: true }) as { sessionId: string; history: ChatMessage[] };
    expect(session.history.map((m) => m.seq)).toEqual([1, 2, 3]);
    deliver([msg(2), msg(3), msg(4), msg(5)]); // sent while we joined: in the history and live
    deliver([msg(5)]);
    deliver([msg(6)]);
    expect(batches.map((b) => b.messages.map((m) => m.seq))).toEqual([[4, 5], [6]]);
  });
});
