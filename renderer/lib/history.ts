// A bounded record of the byte changes a hex view saw, and the bytes as they were at any
// recorded moment. Only bytes that some view showed are watched (the app never reads the
// whole segment), so the past is exact for those bytes while they were on screen.
// The past is rebuilt by replaying backwards from the current bytes: each change keeps its
// old bytes, and undoing the changes made after a moment, newest first, gives that moment
// even when writes overlap.

export interface Change {
  /** Order of recording (1, 2, 3…): a position on the timeline, unique even within one millisecond. */
  seq: number;
  /** When it was seen (ms since the epoch). */
  time: number;
  offset: number;
  old: Uint8Array;
  new: Uint8Array;
}

export interface HistoryStats {
  changes: number;
  /** Memory counted for the changes held: old + new bytes of each, plus CHANGE_OVERHEAD. */
  bytes: number;
  capBytes: number;
  /** Some changes were dropped to stay under the cap: moments before `oldestSeq` are gone. */
  dropped: boolean;
}

export const DEFAULT_HISTORY_CAP = 8 * 1024 * 1024;
/** Bytes a known-value page covers; pages are dropped least recently used first past MAX_KNOWN_PAGES. */
const PAGE = 4096;
/** 1 MiB of remembered current bytes: the views show at most 64 KiB each, so this is plenty. */
const MAX_KNOWN_PAGES = 256;

interface Page { values: Uint8Array; known: Uint8Array }

/** Equal bytes between two changed runs up to which they are recorded as one change. */
const MERGE_GAP = 8;
/** What a change costs besides its bytes (the record and its two arrays), so a flood of
 *  one-byte changes is bounded by the cap too, not just their bytes. */
export const CHANGE_OVERHEAD = 256;
/** Memory one change is counted as. */
export const changeCost = (c: Pick<Change, 'old' | 'new'>): number => c.old.length + c.new.length + CHANGE_OVERHEAD;
const cost = changeCost;

export class ChangeHistory {
  readonly capBytes: number;
  readonly #clock: () => number;
  /** Oldest first. */
  #changes: Change[] = [];
  /** Index of the oldest change still held (dropping shifts it instead of splicing). */
  #head = 0;
  #bytes = 0;
  #seq = 0;
  #dropped = false;
  /** The latest value seen at each byte, so two views over the same bytes record a change once. */
  readonly #pages = new Map<number, Page>();
  #lastPage = -1;

  constructor(capBytes = DEFAULT_HISTORY_CAP, clock: () => number = Date.now) {
    this.capBytes = capBytes;
    this.#clock = clock;
  }

  /** Takes bytes a view received; runs that differ from what was seen before become changes (returned). */
  observe(offset: number, data: Uint8Array): Change[] {
    const time = this.#clock();
    // What was there before, byte for byte (unknown bytes count as unchanged).
    const before = data.slice();
    const runs: [number, number][] = [];
    for (let i = 0; i < data.length; i++) {
      const page = this.#page(offset + i);
      const at = (offset + i) % PAGE;
      if (page.known[at] === 1 && page.values[at] !== data[i]) {
        before[i] = page.values[at]!;
        const last = runs.at(-1);
        // Runs a few equal bytes apart become one change: fewer, larger records.
        if (last !== undefined && i - last[1] <= MERGE_GAP) last[1] = i + 1;
        else runs.push([i, i + 1]);
      }
      page.values[at] = data[i]!;
      page.known[at] = 1;
    }
    const found: Change[] = [];
    for (const [from, to] of runs) {
      const change = this.#record(time, offset + from, before.slice(from, to), data.slice(from, to));
      if (change.seq > 0) found.push(change);
    }
    return found;
  }

  #page(abs: number): Page {
    const index = Math.floor(abs / PAGE);
    let page = this.#pages.get(index);
    if (page !== undefined && index !== this.#lastPage) {
      // Least recently used goes first: re-inserting moves it to the end of the Map's order.
      this.#pages.delete(index);
      this.#pages.set(index, page);
    }
    this.#lastPage = index;
    if (page === undefined) {
      page = { values: new Uint8Array(PAGE), known: new Uint8Array(PAGE) };
      this.#pages.set(index, page);
      if (this.#pages.size > MAX_KNOWN_PAGES) this.#pages.delete(this.#pages.keys().next().value!);
    }
    return page;
  }

  /** Adds one change, dropping the oldest until it fits; a change larger than the cap drops everything (seq 0). */
  #record(time: number, offset: number, oldBytes: Uint8Array, newBytes: Uint8Array): Change {
    const change: Change = { seq: 0, time, offset, old: oldBytes, new: newBytes };
    if (cost(change) > this.capBytes) {
      this.#changes = [];
      this.#head = 0;
      this.#bytes = 0;
      this.#dropped = true;
      return change;
    }
    while (this.#bytes + cost(change) > this.capBytes) {
      this.#bytes -= cost(this.#changes[this.#head]!);
      this.#head++;
      this.#dropped = true;
    }
    // Compact now and then so dropped changes are garbage.
    if (this.#head > 1024 && this.#head * 2 > this.#changes.length) {
      this.#changes = this.#changes.slice(this.#head);
      this.#head = 0;
    }
    change.seq = ++this.#seq;
    this.#changes.push(change);
    this.#bytes += cost(change);
    return change;
  }

  /** The changes held, oldest first. */
  changes(): readonly Change[] {
    return this.#changes.slice(this.#head);
  }

  /** The latest `count` changes, newest first. */
  recent(count: number): Change[] {
    const out: Change[] = [];
    for (let i = this.#changes.length - 1; i >= this.#head && out.length < count; i--) out.push(this.#changes[i]!);
    return out;
  }

  stats(): HistoryStats {
    return { changes: this.#changes.length - this.#head, bytes: this.#bytes, capBytes: this.capBytes, dropped: this.#dropped };
  }

  /** Seq of the oldest change held (0 when none): the earliest moment shown is just before it. */
  get oldestSeq(): number {
    return this.#changes[this.#head]?.seq ?? 0;
  }

  /** Seq of the newest change (0 when none): the present. */
  get latestSeq(): number {
    return this.#seq;
  }

  /** The change with this seq, if still held. */
  at(seq: number): Change | undefined {
    const first = this.oldestSeq;
    if (first === 0 || seq < first) return undefined;
    return this.#changes[this.#head + (seq - first)];
  }

  /**
   * The bytes at [offset, offset + current.length) as they were right after change `seq`
   * (seq oldestSeq - 1: before every change held), given the bytes there now.
   */
  stateAt(seq: number, offset: number, current: Uint8Array): Uint8Array {
    const out = current.slice();
    const end = offset + out.length;
    for (let i = this.#changes.length - 1; i >= this.#head; i--) {
      const c = this.#changes[i]!;
      if (c.seq <= seq) break;
      const from = Math.max(offset, c.offset);
      const to = Math.min(end, c.offset + c.old.length);
      for (let abs = from; abs < to; abs++) out[abs - offset] = c.old[abs - c.offset]!;
    }
    return out;
  }
}

/** "2.1 MiB", "512 KiB", "300 B". */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/** "history: 1,234 changes, 2.1 MiB of 8.0 MiB, oldest dropped". */
export function describeStats(s: HistoryStats): string {
  const n = s.changes.toLocaleString('en-US');
  return `history: ${n} change${s.changes === 1 ? '' : 's'}, ${formatBytes(s.bytes)} of ${formatBytes(s.capBytes)}${s.dropped ? ', oldest dropped' : ''}`;
}
