// Both ends of the point-to-point transports, in the same shape: send a string, get strings.
// The chat room is a broadcast; each end joins with echo: false, so the addon skips its
// own messages (checked, never copied out or handed to JS), as the CLI does.
import { once } from 'node:events';
import { type Server, type Socket, createConnection, createServer } from 'node:net';

import { ChatRoom } from '../../main/chat/room';
import type { Child } from './control';
import { FrameDecoder, frame } from './framing';

export type TextHandler = (text: string) => void;

export interface Link {
  send(text: string): void;
  /** Sets THE handler of incoming texts (replacing the previous one). */
  setHandler(handler: TextHandler): void;
  close(): void;
}

const ignore: TextHandler = () => {};

/** A 16 MiB ring: the largest (64 KiB) messages fit hundreds of times over. */
export const BENCH_RING = 16 << 20;

export function roomLink(room: string, nick: string, lowLatency: boolean): Link {
  const chat = ChatRoom.join(room, { nick, lowLatency, ringBytes: BENCH_RING, echo: false });
  let handler = ignore;
  chat.on('messages', (ms) => { for (const m of ms) if (!chat.isOwn(m)) handler(m.text); });
  return {
    send: (text) => { chat.send(text); },
    setHandler: (h) => { handler = h; },
    close: () => chat.leave(),
  };
}

export function socketLink(socket: Socket): Link {
  const decoder = new FrameDecoder();
  let handler = ignore;
  socket.on('data', (chunk: Buffer) => decoder.push(chunk, (p) => handler(p.toString('utf8'))));
  return {
    send: (text) => { socket.write(frame(text)); },
    setHandler: (h) => { handler = h; },
    close: () => socket.destroy(),
  };
}

/** child_process IPC (process.send, default JSON serialization), as most Node apps use it. */
export function ipcLink(child: Child): Link {
  let handler = ignore;
  child.proc.on('message', (m: unknown) => { if (typeof m === 'string') handler(m); });
  return {
    send: (text) => child.send(text),
    setHandler: (h) => { handler = h; },
    close: () => { handler = ignore; },
  };
}

/** Listens on `path`; resolves with the server and a function returning the next accepted socket. */
export async function listen(path: string): Promise<{ server: Server; accepted: () => Promise<Socket> }> {
  const pending: Socket[] = [];
  const waiting: Array<(s: Socket) => void> = [];
  const server = createServer((s) => {
    const w = waiting.shift();
    if (w) w(s); else pending.push(s);
  });
  server.listen(path);
  await once(server, 'listening');
  return {
    server,
    accepted: () => {
      const s = pending.shift();
      return s ? Promise.resolve(s) : new Promise<Socket>((resolve) => waiting.push(resolve));
    },
  };
}

export async function connect(path: string): Promise<Socket> {
  const socket = createConnection(path);
  await once(socket, 'connect');
  return socket;
}
