// A ByteSource that records what its views receive into a ChangeHistory and, while a moment
// is picked on the timeline, shows every view the bytes as they were then. The hex view and
// the Layout pane read the same wrapped source, so both go back in time together; neither
// needs to know about the history.
import { ChangeHistory } from './history';
import type { ByteSource, ByteView } from './source';

interface Open { offset: number; data: Uint8Array | null; onData: (offset: number, data: Uint8Array) => void }

export class HistorySource implements ByteSource {
  readonly history: ChangeHistory;
  readonly #inner: ByteSource;
  readonly #views = new Set<Open>();
  readonly #listeners = new Set<() => void>();
  /** The picked moment (a change seq), or null for live bytes. */
  #pinned: number | null = null;

  constructor(inner: ByteSource, history: ChangeHistory = new ChangeHistory()) {
    this.#inner = inner;
    this.history = history;
  }

  get pinned(): number | null {
    return this.#pinned;
  }

  /** Shows the bytes as they were right after change `seq` (null: live again). */
  pin(seq: number | null): void {
    this.#pinned = seq;
    for (const view of this.#views) if (view.data !== null) view.onData(view.offset, this.#shown(view.offset, view.data));
    this.#notify();
  }

  /** Called after every recorded change and every pin; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => { this.#listeners.delete(listener); };
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }

  #shown(offset: number, data: Uint8Array): Uint8Array {
    return this.#pinned === null ? data : this.history.stateAt(this.#pinned, offset, data);
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    // Off-screen reads (copying a large selection) are live: nothing recorded them.
    return this.#inner.read(offset, length);
  }

  search: ByteSource['search'] = (pattern, from, options) => this.#inner.search(pattern, from, options);

  view(offset: number, length: number, onData: (offset: number, data: Uint8Array) => void, onError: (error: unknown) => void): ByteView {
    const open: Open = { offset, data: null, onData };
    this.#views.add(open);
    const inner = this.#inner.view(offset, length, (at, data) => {
      open.offset = at;
      open.data = data;
      const recorded = this.history.observe(at, data);
      onData(at, this.#shown(at, data));
      if (recorded.length > 0) this.#notify();
    }, onError);
    return {
      move: (o, l) => inner.move(o, l),
      setWritable: (w) => inner.setWritable(w),
      // A write changes the present: show it, or the user types blind into the past.
      write: (o, d) => { if (this.#pinned !== null) this.pin(null); return inner.write(o, d); },
      close: () => { this.#views.delete(open); inner.close(); },
    };
  }
}
