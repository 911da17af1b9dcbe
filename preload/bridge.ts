// Builds the renderer's API object from the contract over any transport, so the Electron
// preload and the WebSocket client expose exactly the same methods, errors and events.
import {
  eventNames, listenerName, methodNames,
  type EventName, type MethodName, type Reply, type ShmscopeApi, type WireError,
} from './api';

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

export function buildApi(transport: Transport): ShmscopeApi {
  const api: Record<string, unknown> = {};
  for (const name of methodNames) {
    api[name] = async (...args: unknown[]): Promise<unknown> => {
      const reply = await transport.call(name, args);
      if (reply.ok) return reply.result;
      throw new ShmscopeApiError(reply.error);
    };
  }
  for (const event of eventNames) {
    api[listenerName(event)] = (callback: unknown): (() => void) => {
      if (typeof callback !== 'function') throw new TypeError(`${listenerName(event)}: callback must be a function`);
      // Wrap so the caller's function is never handed the transport's own event object.
      return transport.subscribe(event, (payload) => { (callback as (p: unknown) => void)(payload); });
    };
  }
  // The loops above cover every name in the contract; the type follows from them.
  return Object.freeze(api) as ShmscopeApi;
}
