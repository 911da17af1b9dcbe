// Adapts the contract's live views (viewRange/viewMove/viewChanged…), readRange and search to
// the hex view's ByteSource. One viewChanged subscription per window dispatches by viewId.
// A view is opened once per segment shown and then only moved: while one move is on its way,
// later ones just update the wanted range, so fast scrolling sends one viewMove at a time.
import type { ShmscopeApi, ViewChanged } from './contract';
import { Searcher, type SearchApi } from './search';
import type { ByteSource, ByteView } from './source';

export type WatchApi = Pick<ShmscopeApi, 'readRange' | 'viewRange' | 'viewMove' | 'viewWritable' | 'viewWrite' | 'viewClose' | 'onViewChanged'> & SearchApi;

export class WatchHub {
  readonly #api: WatchApi;
  readonly #handlers = new Map<string, (event: ViewChanged) => void>();
  readonly #off: () => void;
  readonly #searcher: Searcher;

  constructor(api: WatchApi) {
    this.#api = api;
    this.#off = api.onViewChanged((event) => this.#handlers.get(event.viewId)?.(event));
    this.#searcher = new Searcher(api);
  }

  /** A ByteSource for one segment. */
  source(ref: string): ByteSource {
    const api = this.#api;
    const searcher = this.#searcher;
    return {
      async read(offset, length) {
        return (await api.readRange(ref, offset, length)).data;
      },
      view: (offset, length, onData, onError) => this.#view(ref, offset, length, onData, onError),
      search: (pattern, from, options) => searcher.search(ref, pattern, from, options),
    };
  }

  #view(ref: string, offset: number, length: number, onData: (offset: number, data: Uint8Array) => void, onError: (error: unknown) => void): ByteView {
    const api = this.#api;
    const handlers = this.#handlers;
    let closed = false;
    let viewId: string | undefined;
    /** The range asked for last, and the one main shows now (its events are the ones to keep). */
    let wanted = { offset, length };
    let shown = { offset, length };
    let moving = false;

    const deliver = (at: number, data: Uint8Array): void => { if (!closed) onData(at, data); };
    const fail = (error: unknown): void => { if (!closed) onError(error); };

    const catchUp = (): void => {
      if (closed || viewId === undefined || moving) return;
      if (wanted.offset === shown.offset && wanted.length === shown.length) return;
      const target = wanted;
      moving = true;
      api.viewMove(viewId, target.offset, target.length).then((bytes) => {
        moving = false;
        shown = target;
        deliver(bytes.offset, bytes.data);
        catchUp();
      }, (error: unknown) => { moving = false; fail(error); });
    };

    const opened: Promise<string | undefined> = api.viewRange(ref, offset, length).then((view) => {
      if (closed) { api.viewClose(view.viewId).catch(() => {}); return undefined; }
      viewId = view.viewId;
      handlers.set(view.viewId, (event) => {
        if (event.error) { handlers.delete(event.viewId); fail(Object.assign(new Error(event.error.message), { code: event.error.code })); }
        else if (event.offset === shown.offset) deliver(event.offset, event.data);
      });
      deliver(view.offset, view.data);
      catchUp();
      return view.viewId;
    }, (error: unknown) => { fail(error); return undefined; });

    const ready = async (): Promise<string> => {
      const id = await opened;
      if (id === undefined || closed) throw Object.assign(new Error(`${ref}: the view is closed`), { code: 'ENOENT' });
      return id;
    };

    return {
      move(nextOffset, nextLength) {
        wanted = { offset: nextOffset, length: nextLength };
        catchUp();
      },
      async setWritable(writable) {
        await api.viewWritable(await ready(), writable);
      },
      async write(at, data) {
        await api.viewWrite(await ready(), at, data);
      },
      close() {
        if (closed) return;
        closed = true;
        if (viewId !== undefined) {
          handlers.delete(viewId);
          // The view may already be gone (segment removed, window closing): nothing to undo.
          api.viewClose(viewId).catch(() => {});
        }
      },
    };
  }

  dispose(): void {
    this.#off();
    this.#handlers.clear();
    this.#searcher.dispose();
  }
}
