// The web mode's window.shmscope: the same API object the Electron preload exposes, built
// over a WebSocket to main/serve. Runs in the browser (the renderer imports it) and in
// Node tests (with the `ws` package), so it only needs this minimal socket shape.
import { isEventName, type Reply, type ShmscopeApi } from '../../common/contract';
import { buildApi, type Transport } from '../../common/bridge';
import { decode, encode } from '../../common/wire';

/** The subset of the browser WebSocket (and the `ws` package) used here. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'close', listener: (event: { code?: number; reason?: string }) => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export type SocketFactory = (url: string) => SocketLike;

const OPEN = 1;

/** ws://host/t/TOKEN/ws for the page the renderer was loaded from (http://host/t/TOKEN/). */
export function wsUrlFromPage(pageUrl: string): string {
  const page = new URL(pageUrl);
  const ws = new URL('ws', page); // relative: keeps the /t/TOKEN/ folder, drops query and hash
  ws.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  return ws.toString();
}

/** A URL fit for an error message: the token is a credential. */
function redact(url: string): string {
  return url.replace(/\/t\/[^/]*/, '/t/…');
}

export interface WsApi {
  api: ShmscopeApi;
  /** Resolves when the socket closes (server stopped, network gone, refused) with the server's
   *  reason if it gave one ('' otherwise); pending calls reject. */
  closed: Promise<string>;
  close(): void;
}

/** Opens the socket and resolves once it is connected. */
export function connectWebSocket(url: string, factory: SocketFactory = defaultFactory): Promise<WsApi> {
  const socket = factory(url);
  return new Promise((resolve, reject) => {
    let opened = false;
    socket.addEventListener('open', () => { opened = true; resolve(overSocket(socket)); });
    socket.addEventListener('error', () => { if (!opened) reject(new Error(`cannot connect to ${redact(url)}`)); });
    socket.addEventListener('close', () => { if (!opened) reject(new Error('connection refused (wrong token, or another local user?)')); });
  });
}

function defaultFactory(url: string): SocketLike {
  const Ctor = (globalThis as { WebSocket?: new (url: string) => SocketLike }).WebSocket;
  if (!Ctor) throw new Error('no WebSocket in this environment; pass a factory');
  return new Ctor(url);
}

/** Builds the API over an already open socket. */
export function overSocket(socket: SocketLike): WsApi {
  let nextId = 1;
  const pending = new Map<number, (reply: Reply) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let resolveClosed: (reason: string) => void = () => {};
  const closed = new Promise<string>((resolve) => { resolveClosed = resolve; });

  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;
    const message = decode(event.data) as { id?: unknown; event?: unknown; payload?: unknown } & Partial<Reply>;
    if (typeof message.id === 'number') {
      const settle = pending.get(message.id);
      pending.delete(message.id);
      settle?.(message as Reply);
    } else if (isEventName(message.event)) {
      for (const listener of [...(listeners.get(message.event) ?? [])]) listener(message.payload);
    }
  });
  socket.addEventListener('close', (event) => {
    const reason = event.reason ?? '';
    const message = `connection to shmscope closed${reason ? `: ${reason}` : ''}`;
    for (const settle of pending.values()) settle({ ok: false, error: { message, code: 'ECONNRESET' } });
    pending.clear();
    resolveClosed(reason);
  });

  const transport: Transport = {
    call(method, args) {
      if (socket.readyState !== OPEN) {
        return Promise.resolve({ ok: false, error: { message: 'not connected to shmscope', code: 'ECONNRESET' } });
      }
      const id = nextId++;
      return new Promise<Reply>((resolve) => {
        pending.set(id, resolve);
        socket.send(encode({ id, method, args }));
      });
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => { set.delete(listener); };
    },
  };
  return { api: buildApi(transport), closed, close: () => socket.close() };
}
