// The child side of bench:chat: `node out/bench/chat.js --role NAME JSON`.
// Every role says {type:'ready'} once it can receive, answers {type:'clock'} with its
// CLOCK_MONOTONIC reading (the cross-process clock check), and exits when the parent's
// IPC channel closes.
import { createServer, type Socket } from 'node:net';

import { ChatRoom } from '../../main/chat/room';
import { nowUs } from './clock';
import { type Control, asControl } from './control';
import { FrameDecoder, frame } from './framing';
import { BENCH_RING, connect } from './links';

interface RoleArgs {
  room?: string;
  path?: string;
  lowLatency?: boolean;
  warm?: number;
  total?: number;
  ackEvery?: number;
}

function tell(message: Control): void {
  process.send?.(message);
}

function onControl(handler: (c: Control) => void): void {
  process.on('message', (m: unknown) => {
    const c = asControl(m);
    if (c) handler(c);
  });
}

/** Joins the parent's room; `create` only for rooms no parent made (the idle pair). */
function join(a: RoleArgs, nick: string, create = false): ChatRoom {
  if (!a.room) throw new Error('role needs a room');
  return ChatRoom.join(a.room, { nick, lowLatency: a.lowLatency ?? false, ringBytes: BENCH_RING, create, echo: false });
}

async function socketTo(a: RoleArgs): Promise<Socket> {
  if (!a.path) throw new Error('role needs a socket path');
  return connect(a.path);
}

/**
 * Counts a one-way stream: says 'warm' after the first `warm` messages, 'ack' every
 * `ackEvery` (for the credit-paced writer), and 'done' with the measured phase's figures.
 * `seen` includes missed messages, so a lapped reader still knows when the stream ended.
 */
function sinkCounter(a: RoleArgs): { got(len: number): void; missed(n: number): void } {
  const warm = a.warm ?? 0;
  const end = warm + (a.total ?? 0);
  const ackEvery = a.ackEvery ?? 0;
  let delivered = 0, missed = 0, bytes = 0, base = { delivered: 0, missed: 0, bytes: 0 }, warmed = false, done = false;
  const check = (before: number) => {
    const seen = delivered + missed;
    if (!warmed && seen >= warm) {
      warmed = true;
      base = { delivered, missed, bytes };
      tell({ type: 'warm', us: nowUs() });
    }
    if (ackEvery > 0 && Math.floor(seen / ackEvery) !== Math.floor(before / ackEvery)) tell({ type: 'ack', seen });
    if (!done && seen >= end) {
      done = true;
      tell({ type: 'done', us: nowUs(), delivered: delivered - base.delivered, missed: missed - base.missed, bytes: bytes - base.bytes });
    }
  };
  return {
    got(len) { const before = delivered + missed; delivered++; bytes += len; check(before); },
    missed(n) { const before = delivered + missed; missed += n; check(before); },
  };
}

/** Receipt time of message i ("i:..." texts), -1 for never; sent to the parent on 'stop',
 *  started afresh on 'reset' (one stream per run). */
function fanRecorder(a: RoleArgs): (text: string) => void {
  let times = new Array<number>(a.total ?? 0).fill(-1);
  onControl((c) => {
    if (c.type === 'stop') tell({ type: 'times', times });
    if (c.type === 'reset') times = new Array<number>(a.total ?? 0).fill(-1);
  });
  return (text) => {
    const t = nowUs();
    const i = Number.parseInt(text.slice(0, text.indexOf(':')), 10);
    if (i >= 0 && i < times.length) times[i] = t;
  };
}

const roles: Record<string, (a: RoleArgs) => Promise<void> | void> = {
  'echo-room': (a) => {
    const room = join(a, 'echo');
    room.on('messages', (ms) => { for (const m of ms) if (!room.isOwn(m)) room.send(m.text); });
  },
  'echo-socket': async (a) => {
    const s = await socketTo(a);
    const decoder = new FrameDecoder();
    s.on('data', (chunk: Buffer) => decoder.push(chunk, (p) => { s.write(frame(p.toString('utf8'))); }));
  },
  'echo-ipc': () => {
    process.on('message', (m: unknown) => { if (typeof m === 'string') process.send?.(m); });
  },
  'sink-room': (a) => {
    const room = join(a, 'sink');
    const count = sinkCounter(a);
    room.on('messages', (ms) => { for (const m of ms) count.got(m.text.length); });
    room.on('missed', (m) => count.missed(m.missed));
  },
  'sink-socket': async (a) => {
    const s = await socketTo(a);
    const decoder = new FrameDecoder();
    const count = sinkCounter(a);
    s.on('data', (chunk: Buffer) => decoder.push(chunk, (p) => count.got(p.toString('utf8').length)));
  },
  'fan-room': (a) => {
    const room = join(a, 'fan');
    const record = fanRecorder(a);
    room.on('messages', (ms) => { for (const m of ms) record(m.text); });
  },
  'fan-socket': async (a) => {
    const s = await socketTo(a);
    const decoder = new FrameDecoder();
    const record = fanRecorder(a);
    s.on('data', (chunk: Buffer) => decoder.push(chunk, (p) => record(p.toString('utf8'))));
  },
  // A chat server in miniature: every frame from one connection goes to all the others.
  // It forwards the frame bytes as they are (no re-encoding), the cheapest a hub can be.
  broker: async (a) => {
    if (!a.path) throw new Error('broker needs a socket path');
    const peers = new Set<Socket>();
    const server = createServer((s) => {
      peers.add(s);
      const decoder = new FrameDecoder();
      s.on('data', (chunk: Buffer) => decoder.push(chunk, (_p, whole) => {
        for (const peer of peers) if (peer !== s) peer.write(whole);
      }));
      s.on('close', () => peers.delete(s));
    });
    server.listen(a.path);
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  },
  'idle-room': (a) => { join(a, 'idle', true); },
  'idle-bare': () => { /* a plain Node process with an IPC channel, for reference */ },
};

export async function runRole(name: string, json: string): Promise<void> {
  const role = roles[name];
  if (!role) throw new Error(`unknown role ${name}`);
  process.on('disconnect', () => process.exit(0));
  onControl((c) => { if (c.type === 'clock') tell({ type: 'clock', us: nowUs() }); });
  await role(JSON.parse(json) as RoleArgs);
  tell({ type: 'ready' });
}
