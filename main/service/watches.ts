// Watched byte ranges of one client: each keeps its segment attached read-only, is re-read
// on every tick, and reports only when the bytes changed (or once, when it cannot be read
// any more, after which it is dropped). The bytes each one holds are charged to a budget
// shared with every other client of the service.
import { randomUUID } from 'node:crypto';
import { ShmscopeError } from '../errors';
import { openSegment, parseRef, sysvHolders, type Segment } from '../segments';
import type { BytesChanged, Watch } from '../../common/contract';
import type { ByteBudget } from './budget';
import { goneReason, identity } from './liveness';
import { plain, readClamped } from './ranges';
import { toWireError } from './reply';

/** Per client; stops a runaway renderer from pinning unbounded attachments. */
export const MAX_WATCHES = 32;

interface Entry {
  segment: Segment;
  /** See liveness.ts: how to tell later that someone else removed it. */
  inode: number | null;
  offset: number;
  length: number;
  last: Buffer;
}

export class Watches {
  readonly #entries = new Map<string, Entry>();
  readonly #emit: (payload: BytesChanged) => void;
  readonly #budget: ByteBudget;

  constructor(emit: (payload: BytesChanged) => void, budget: ByteBudget) {
    this.#emit = emit;
    this.#budget = budget;
  }

  get size(): number { return this.#entries.size; }

  add(ref: string, offset: number, length: number): Watch {
    if (this.#entries.size >= MAX_WATCHES) {
      throw new ShmscopeError('watchRange', `at most ${MAX_WATCHES} watched ranges per window; unwatch some first`, 'EMFILE');
    }
    // Charged for the whole range asked: a POSIX segment can grow under the watch.
    this.#budget.take('watchRange', length);
    let segment: Segment | undefined;
    try {
      // Reads through another process's mapping when it can (no trace on the segment); else attaches.
      segment = openSegment(parseRef(ref), { holders: sysvHolders });
      const data = readClamped(segment, offset, length);
      const watchId = randomUUID();
      this.#entries.set(watchId, { segment, inode: identity(segment.ref), offset, length, last: data });
      return { watchId, ref: segment.ref, offset, size: segment.size, data: plain(data) };
    } catch (error) {
      segment?.close();
      this.#budget.give(length);
      throw error;
    }
  }

  remove(watchId: string): void {
    const entry = this.#entries.get(watchId);
    if (!entry) throw new ShmscopeError(`watch ${watchId}`, 'no such watch (already ended?)', 'ENOENT');
    this.#drop(watchId, entry);
  }

  /** Re-reads every range; emits bytesChanged for the ones that differ. */
  poll(): void {
    for (const [watchId, entry] of this.#entries) {
      const { segment, offset } = entry;
      const gone = goneReason(segment.ref, entry.inode);
      if (gone) {
        this.#end(watchId, entry, { message: `${segment.ref}: ${gone}`, code: 'ENOENT' });
        continue;
      }
      let data: Buffer;
      try {
        data = readClamped(segment, offset, entry.length);
      } catch (error) {
        this.#end(watchId, entry, toWireError(error));
        continue;
      }
      if (data.equals(entry.last)) continue;
      entry.last = data;
      this.#emit({ watchId, ref: segment.ref, offset, size: segment.size, data: plain(data) });
    }
  }

  /** Ends the watches on a segment (it is being removed), telling the client why. */
  endFor(canonicalRef: string, reason: string): void {
    for (const [watchId, entry] of this.#entries) {
      if (entry.segment.ref === canonicalRef) this.#end(watchId, entry, { message: `${canonicalRef}: ${reason}`, code: 'ENOENT' });
    }
  }

  #drop(watchId: string, entry: Entry): void {
    this.#entries.delete(watchId);
    entry.segment.close();
    this.#budget.give(entry.length);
  }

  #end(watchId: string, entry: Entry, error: BytesChanged['error']): void {
    this.#drop(watchId, entry);
    this.#emit({ watchId, ref: entry.segment.ref, offset: entry.offset, size: 0, data: new Uint8Array(0), ...(error ? { error } : {}) });
  }

  closeAll(): void {
    for (const [watchId, entry] of this.#entries) this.#drop(watchId, entry);
  }
}
