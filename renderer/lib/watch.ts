// Adapts the contract's readRange / watchRange / bytesChanged to the hex view's ByteSource.
// One bytesChanged subscription per window dispatches to watches by watchId.
import type { BytesChanged, ShmscopeApi } from './contract';
import type { ByteSource } from './source';

export type WatchApi = Pick<ShmscopeApi, 'readRange' | 'watchRange' | 'unwatch' | 'onBytesChanged'>;

export class WatchHub {
  readonly #api: WatchApi;
  readonly #handlers = new Map<string, (event: BytesChanged) => void>();
  readonly #off: () => void;

  constructor(api: WatchApi) {
    this.#api = api;
    this.#off = api.onBytesChanged((event) => this.#handlers.get(event.watchId)?.(event));
  }

  /** A ByteSource for one segment. */
  source(ref: string): ByteSource {
    const api = this.#api;
    const handlers = this.#handlers;
    return {
      async read(offset, length) {
        return (await api.readRange(ref, offset, length)).data;
      },
      watch(offset, length, onData, onError) {
        let stopped = false;
        let watchId: string | undefined;
        api.watchRange(ref, offset, length).then((watch) => {
          if (stopped) { api.unwatch(watch.watchId).catch(() => {}); return; }
          watchId = watch.watchId;
          handlers.set(watchId, (event) => {
            if (event.error) { handlers.delete(event.watchId); onError(Object.assign(new Error(event.error.message), { code: event.error.code })); }
            else onData(event.offset, event.data);
          });
          onData(watch.offset, watch.data);
        }, onError);
        return () => {
          stopped = true;
          if (watchId !== undefined) {
            handlers.delete(watchId);
            // The watch may already be gone (segment removed, window closing): nothing to undo.
            api.unwatch(watchId).catch(() => {});
          }
        };
      },
    };
  }

  dispose(): void {
    this.#off();
    this.#handlers.clear();
  }
}
