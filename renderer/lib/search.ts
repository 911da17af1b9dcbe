// The page's side of searchSegment: the search runs in main, next to the bytes; this names it
// (so it can be cancelled before its answer), routes its progress events, and turns an abort
// into searchCancel and a SearchCancelled rejection.
import type { SearchProgress, ShmscopeApi } from './contract';
import type { SearchOptions } from './source';

export type SearchApi = Pick<ShmscopeApi, 'searchSegment' | 'searchCancel' | 'onSearchProgress'>;

export class SearchCancelled extends Error {
  constructor() {
    super('search cancelled');
    this.name = 'SearchCancelled';
  }
}

export class Searcher {
  readonly #api: SearchApi;
  readonly #progress = new Map<string, (event: SearchProgress) => void>();
  readonly #off: () => void;
  #next = 0;

  constructor(api: SearchApi) {
    this.#api = api;
    this.#off = api.onSearchProgress((event) => this.#progress.get(event.searchId)?.(event));
  }

  async search(ref: string, pattern: Uint8Array, from: number, options: SearchOptions = {}): Promise<number> {
    const { signal, onProgress } = options;
    if (signal?.aborted) throw new SearchCancelled();
    const searchId = `search-${++this.#next}`;
    if (onProgress) this.#progress.set(searchId, (event) => onProgress(event.done, event.total));
    const onAbort = (): void => { this.#api.searchCancel(searchId).catch(() => {}); };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const hit = await this.#api.searchSegment(searchId, ref, pattern, from);
      if (signal?.aborted) throw new SearchCancelled();
      return hit.offset;
    } catch (error) {
      if (signal?.aborted) throw new SearchCancelled();
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.#progress.delete(searchId);
    }
  }

  dispose(): void {
    this.#off();
    this.#progress.clear();
  }
}
