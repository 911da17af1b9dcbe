// npm run bench:chat-frames [-- --count N]
//
// Frames per batch, end to end: another process sends N messages with sendMany (chunks of
// 1, 100 and 1,000 texts per call), and a client of the service (the layer both transports
// share: web mode writes one WebSocket frame per event, Electron one IPC message) counts
// the chat events it receives; the renderer's reducer takes each event, so its updates are
// counted the same way. "Before" is the old path, kept runnable here: the service relayed
// each ChatRoom 'message' event as one chatMessage event, so a second reader in this process
// counts the 'message' events it would have relayed.
// The room has a name unique to the run and is removed, the child killed, in any case.
import { randomBytes } from 'node:crypto';

import { ChatRoom } from '../main/chat/room';
import { createService } from '../main/service';
import { joinChatRoom } from '../main/service/chat-backend';
import type { ChatMessage, ChatSession } from '../common/contract';
import { addMessages, joinedRoom } from '../renderer/lib/chat';
import { asControl, cleanupNow, killChildren, startChild, trackRoom } from './chat/control';
import { runBench } from './run';

const CHUNKS = [1, 100, 1000];

/** Child: joins the room, says ready, sends `count` texts `chunk` per sendMany when told, then says done. */
function burstRole(args: { room: string; count: number; chunk: number }): void {
  const room = ChatRoom.join(args.room, { nick: 'burst', create: false });
  process.on('message', (m: unknown) => {
    if (asControl(m)?.type !== 'go') return;
    for (let i = 0; i < args.count; i += args.chunk) {
      const texts: string[] = [];
      for (let j = i; j < Math.min(args.count, i + args.chunk); j++) texts.push(`burst ${j}`);
      room.sendMany(texts);
    }
    process.send?.({ type: 'done' });
  });
  process.on('disconnect', () => { room.leave(); process.exit(0); });
  process.send?.({ type: 'ready' });
}

interface Row { chunk: number; messages: number; before: number; events: number; updates: number; inOrder: boolean }

async function measure(count: number, chunk: number): Promise<Row> {
  const room = trackRoom(`bench-frames-${process.pid}-${randomBytes(3).toString('hex')}`);
  const service = createService({ transport: 'web', chat: joinChatRoom });
  const received: ChatMessage[][] = [];
  const client = service.connect((event, payload) => {
    if (event === 'chatMessages') received.push((payload as { messages: ChatMessage[] }).messages);
  });
  try {
    const reply = await client.call('chatJoin', [room, 'reader', { history: false }]);
    if (!reply.ok) throw new Error(`chatJoin: ${reply.error.message}`);
    let state = joinedRoom(reply.result as ChatSession);
    let updates = 0;
    const old = ChatRoom.join(room, { nick: 'old-path', create: false });
    let before = 0;
    old.on('message', () => { before++; });
    const child = await startChild('burst', { room, count, chunk });
    const done = child.next('done', 60_000);
    child.send({ type: 'go' });
    await done;
    const total = () => received.reduce((n, b) => n + b.length, 0);
    const deadline = Date.now() + 30_000;
    while ((total() < count || before < count) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    old.leave();
    for (const batch of received) { state = addMessages(state, batch); updates++; }
    const seqs = received.flat().map((m) => m.seq);
    return {
      chunk, messages: total(), before, events: received.length, updates,
      inOrder: seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1) && total() === count,
    };
  } finally {
    await client.dispose();
    await service.close();
    await killChildren();
    cleanupNow();
  }
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--count');
  const count = at > 0 ? Number(process.argv[at + 1]) : 10_000;
  if (!(count > 0)) throw new Error('--count needs a positive number');
  const rows: Row[] = [];
  for (const chunk of CHUNKS) rows.push(await measure(count, chunk));
  console.log(`chat frames per batch: ${count} messages from another process, sendMany of 1 / 100 / 1,000 texts`);
  console.log('texts/sendMany  received  before: events (old path)  after: events  messages/event  renderer updates  every message once, in order');
  for (const r of rows) {
    console.log([
      String(r.chunk).padStart(14), String(r.messages).padStart(9), String(r.before).padStart(26),
      String(r.events).padStart(14), (r.messages / Math.max(1, r.events)).toFixed(1).padStart(15),
      String(r.updates).padStart(17), (r.inOrder ? 'yes' : 'NO').padStart(29),
    ].join(' '));
  }
}

if (process.argv[2] === '--role') {
  burstRole(JSON.parse(process.argv[4] ?? '{}') as { room: string; count: number; chunk: number });
} else {
  void runBench({ name: 'bench:chat-frames', main, cleanupNow, cleanup: killChildren });
}
