// The hex view's live windows of one client. A view keeps ONE open segment for as long as it
// lives: moving it (scrolling) reads the new range through the same handle, switching it
// writable reopens it read-write once, and writes go through that handle. Every tick (about
// VIEW_POLL_MS) re-reads each view's range, a few KiB, and emits viewChanged only when
// Buffer.equals says it differs; whether the segment was removed is asked less often (a stat
// per view), on the service's slow tick. Bytes shown are charged to the shared budget.
import { randomUUID } from 'node:crypto';
import { ShmscopeError } from '../errors';
import { openSegment, parseRef, sysvHolders, type Segment } from '../segments';
import type { ViewBytes, ViewChanged, Written } from '../../common/contract';
import type { ByteBudget } from './budget';
import { goneReason, identity } from './liveness';
import { checkWrite, plain, readClamped } from './ranges';
import { toWireError } from './reply';

/** Per client: a window shows one hex view; a few more allow for tabs or tests. */
export const MAX_VIEWS = 8;

interface View {
  segment: Segment;
  /** See liveness.ts: how to tell later that someone else removed it. */
  inode: number | null;
  offset: number;
  length: number;
  last: Buffer;
}

/** Reads through another process's mapping when it can (no trace on the segment); else attaches read-only. */
function openReadOnly(ref: string): Segment {
  return openSegment(parseRef(ref), { holders: sysvHolders });
}

export class Views {
  readonly #views = new Map<string, View>();
  readonly #emit: (payload: ViewChanged) => void;
  readonly #budget: ByteBudget;

  constructor(emit: (payload: ViewChanged) => void, budget: ByteBudget) {
    this.#emit = emit;
    this.#budget = budget;
  }

  get size(): number { return this.#views.size; }

  open(ref: string, offset: number, length: number): ViewBytes {
    if (this.#views.size >= MAX_VIEWS) {
      throw new ShmscopeError('viewRange', `at most ${MAX_VIEWS} open views per window; close some first`, 'EMFILE');
    }
    // Charged for the whole range asked: a POSIX segment can grow under the view.
    this.#budget.take('viewRange', length);
    let segment: Segment | undefined;
    try {
      segment = openReadOnly(ref);
      const data = readClamped(segment, offset, length);
      const viewId = randomUUID();
      this.#views.set(viewId, { segment, inode: identity(segment.ref), offset, length, last: data });
      return { viewId, ref: segment.ref, offset, size: segment.size, data: plain(data) };
    } catch (error) {
      segment?.close();
      this.#budget.give(length);
      throw error;
    }
  }

  move(viewId: string, offset: number, length: number): ViewBytes {
    const view = this.#get(viewId);
    const grow = Math.max(0, length - view.length);
    this.#budget.take('viewMove', grow);
    let data: Buffer;
    try {
      data = readClamped(view.segment, offset, length);
    } catch (error) {
      this.#budget.give(grow);
      throw error;
    }
    this.#budget.give(Math.max(0, view.length - length));
    Object.assign(view, { offset, length, last: data });
    return { viewId, ref: view.segment.ref, offset, size: view.segment.size, data: plain(data) };
  }

  /** Swaps the view's one handle for a read-write attachment, or back to the read-only path. */
  setWritable(viewId: string, writable: boolean): void {
    const view = this.#get(viewId);
    if (view.segment.writable === writable) return;
    const ref = view.segment.ref;
    const next = writable ? openSegment(parseRef(ref), { writable: true }) : openReadOnly(ref);
    // The name may have been given to another object since the view opened: never write there.
    if (view.inode !== null && identity(ref) !== view.inode) {
      next.close();
      throw new ShmscopeError(ref, 'is no longer the segment this view opened (removed or replaced)', 'ENOENT');
    }
    view.segment.close();
    view.segment = next;
  }

  write(viewId: string, offset: number, data: Uint8Array): Written {
    const { segment } = this.#get(viewId);
    if (!segment.writable) throw new ShmscopeError(segment.ref, 'this view is read-only: switch it writable first', 'EACCES');
    checkWrite(segment, offset, data.length);
    segment.write(offset, data);
    return { ref: segment.ref, offset, written: data.length };
  }

  close(viewId: string): void {
    this.#drop(viewId, this.#get(viewId));
  }

  /** Re-reads every view's range, emitting the ones that differ; `checkGone` also asks whether each
   *  segment was removed by someone else (our own handle would otherwise keep showing it). */
  poll(checkGone: boolean): void {
    for (const [viewId, view] of this.#views) {
      const { segment, offset } = view;
      const gone = checkGone ? goneReason(segment.ref, view.inode) : undefined;
      if (gone) {
        this.#end(viewId, view, { message: `${segment.ref}: ${gone}`, code: 'ENOENT' });
        continue;
      }
      let data: Buffer;
      try {
        data = readClamped(segment, offset, view.length);
      } catch (error) {
        this.#end(viewId, view, toWireError(error));
        continue;
      }
      if (data.equals(view.last)) continue;
      view.last = data;
      this.#emit({ viewId, ref: segment.ref, offset, size: segment.size, data: plain(data) });
    }
  }

  /** Ends the views of a segment (it is being removed), telling the client why. */
  endFor(canonicalRef: string, reason: string): void {
    for (const [viewId, view] of this.#views) {
      if (view.segment.ref === canonicalRef) this.#end(viewId, view, { message: `${canonicalRef}: ${reason}`, code: 'ENOENT' });
    }
  }

  closeAll(): void {
    for (const [viewId, view] of this.#views) this.#drop(viewId, view);
  }

  #get(viewId: string): View {
    const view = this.#views.get(viewId);
    if (!view) throw new ShmscopeError(`view ${viewId}`, 'no such view (closed, or its segment is gone)', 'ENOENT');
    return view;
  }

  #drop(viewId: string, view: View): void {
    this.#views.delete(viewId);
    view.segment.close();
    this.#budget.give(view.length);
  }

  #end(viewId: string, view: View, error: ViewChanged['error']): void {
    this.#drop(viewId, view);
    this.#emit({ viewId, ref: view.segment.ref, offset: view.offset, size: 0, data: new Uint8Array(0), ...(error ? { error } : {}) });
  }
}
