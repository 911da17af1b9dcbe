// The searches of one client: one at a time (a search reads the whole segment, so a page may
// not start many), each cancellable by the id its caller chose, all cancelled when it leaves.
import { ShmscopeError } from '../errors';
import { openSegment, parseRef, sysvHolders } from '../segments';
import type { SearchHit, SearchProgress } from '../../common/contract';
import { searchSegmentBytes } from './search';

export class Searches {
  /** Running searches by id, with their cancel flag. */
  readonly #running = new Map<string, { cancelled: boolean }>();
  readonly #emit: (payload: SearchProgress) => void;

  constructor(emit: (payload: SearchProgress) => void) {
    this.#emit = emit;
  }

  async run(searchId: string, ref: string, pattern: Uint8Array, from: number): Promise<SearchHit> {
    if (this.#running.size > 0) {
      throw new ShmscopeError('searchSegment', 'a search is already running in this window; cancel it first', 'EBUSY');
    }
    const state = { cancelled: false };
    this.#running.set(searchId, state);
    try {
      // The same non-disturbing read path as the hex view: another process's mapping when possible.
      const segment = openSegment(parseRef(ref), { holders: sysvHolders });
      try {
        const offset = await searchSegmentBytes(segment, pattern, from, {
          cancelled: () => state.cancelled,
          progress: (done, total) => { if (!state.cancelled) this.#emit({ searchId, done, total }); },
        });
        return { ref: segment.ref, offset };
      } finally {
        segment.close();
      }
    } finally {
      if (this.#running.get(searchId) === state) this.#running.delete(searchId);
    }
  }

  cancel(searchId: string): void {
    const state = this.#running.get(searchId);
    if (!state) return;
    state.cancelled = true;
    // Free the slot now, so a new search asked right after the cancel is not refused.
    this.#running.delete(searchId);
  }

  cancelAll(): void {
    for (const id of [...this.#running.keys()]) this.cancel(id);
  }
}
