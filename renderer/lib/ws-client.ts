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

/** What the page shows about its link to the server. */
export type LinkState =
  | { state: 'open'; api: ShmscopeApi; reconnected: boolean }
  | { state: 'reconnecting'; reason: string; attempt: number; retryInMs: number };

export interface ReconnectOptions {
  factory?: SocketFactory;
  /** Waits between attempts, the last one repeated forever. */
  delaysMs?: readonly number[];
  /** Injected for tests; defaults to setTimeout. */
  wait?: (ms: number) => Promise<void>;
}

/** A server restarted on the same port with the same token (serve --port N --token-file F) is
 *  back within seconds; one that is gone for good costs a connection attempt every 5 s. */
export const RECONNECT_DELAYS_MS: readonly number[] = [500, 1000, 2000, 5000];

/**
 * Keeps the page connected: connects, and after the socket closes (server stopped, restarted)
 * connects again and again, reporting each state. Every connection is a fresh API object,
 * since the server forgets a closed socket's watches and chat sessions. Resolves only when the
 * first connection fails (the page then shows why); `stop()` ends the loop.
 */
export async function keepConnected(url: string, onState: (link: LinkState) => void, options: ReconnectOptions = {}): Promise<{ stop(): void }> {
  const factory = options.factory ?? defaultFactory;
  const delays = options.delaysMs ?? RECONNECT_DELAYS_MS;
  const wait = options.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let stopped = false;
  let current: WsApi = await connectWebSocket(url, factory);
  onState({ state: 'open', api: current.api, reconnected: false });

  void (async () => {
    for (;;) {
      let reason = await current.closed;
      for (let attempt = 1; !stopped; attempt++) {
        const retryInMs = delays[Math.min(attempt - 1, delays.length - 1)] ?? 5000;
        onState({ state: 'reconnecting', reason, attempt, retryInMs });
        await wait(retryInMs);
        if (stopped) return;
        try {
          current = await connectWebSocket(url, factory);
          break;
        } catch (e) {
          reason = e instanceof Error ? e.message : String(e);
        }
      }
      if (stopped) { current.close(); return; }
      onState({ state: 'open', api: current.api, reconnected: true });
    }
  })();
  return { stop() { stopped = true; current.close(); } };
}
