// Builds the renderer's API object from the contract over any transport, so the Electron
// preload and the WebSocket client expose exactly the same methods, errors and events.
import {
  eventNames, listenerName, methodNames,
  type EventName, type MethodName, type Reply, type ShmscopeApi, type WireError,
} from './contract';

/** What a transport must provide: one request/reply call and one event subscription. */
export interface Transport {
  call(method: MethodName, args: unknown[]): Promise<Reply>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

/** The Error a failed call rejects with: the server's message and errno-style code. */
export class ShmscopeApiError extends Error {
  readonly code: string;
  constructor(error: WireError) {
    super(error.message);
    this.name = 'ShmscopeApiError';
    this.code = error.code;
  }
}

/** Like ShmscopeApi, but every method resolves with its Reply envelope and never rejects. */
export type RawApi = Record<string, (...args: unknown[]) => unknown>;

/** The object the Electron preload puts across the contextBridge (see preload/main-world.ts). */
export function buildRawApi(transport: Transport): RawApi {
  const raw: RawApi = {};
  for (const name of methodNames) raw[name] = (...args: unknown[]) => transport.call(name, args);
  for (const event of eventNames) raw[listenerName(event)] = listenerFor(transport, event);
  return Object.freeze(raw);
}

function listenerFor(transport: Transport, event: EventName): (callback: unknown) => () => void {
  return (callback) => {
    if (typeof callback !== 'function') throw new TypeError(`${listenerName(event)}: callback must be a function`);
    // Wrap so the caller's function is never handed the transport's own event object.
    return transport.subscribe(event, (payload) => { (callback as (p: unknown) => void)(payload); });
  };
}

export function buildApi(transport: Transport): ShmscopeApi {
  const api: Record<string, unknown> = {};
  for (const name of methodNames) {
    api[name] = async (...args: unknown[]): Promise<unknown> => {
      const reply = await transport.call(name, args);
      if (reply.ok) return reply.result;
      throw new ShmscopeApiError(reply.error);
    };
  }
  for (const event of eventNames) api[listenerName(event)] = listenerFor(transport, event);
  // The loops above cover every name in the contract; the type follows from them.
  return Object.freeze(api) as ShmscopeApi;
}
