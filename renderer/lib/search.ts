// Searching a segment that may be far larger than we want to copy at once: read it in chunks
// through the contract's range read, overlapping consecutive chunks by pattern length - 1 so a
// match straddling a boundary is still found. Cancellable and reports progress, because a
// 1 GiB segment takes a while over IPC (or a WebSocket).

export type ReadRange = (offset: number, length: number) => Promise<Uint8Array>;

export interface SearchOptions {
  /** Search from here (inclusive) to the end, then wrap to the start. */
  from: number;
  chunkSize?: number;
  signal?: AbortSignal;
  /** Called after each chunk with bytes searched so far and the total to search. */
  onProgress?: (done: number, total: number) => void;
  /** Whether to wrap around to the start after reaching the end. */
  wrap?: boolean;
}

export const DEFAULT_CHUNK = 1 << 20;

/** First index of `pattern` in `haystack` at or after `start`, or -1. */
export function indexOfBytes(haystack: Uint8Array, pattern: Uint8Array, start = 0): number {
  if (pattern.length === 0) return -1;
  const first = pattern[0]!;
  const last = haystack.length - pattern.length;
  for (let i = haystack.indexOf(first, start); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < pattern.length && haystack[i + j] === pattern[j]) j++;
    if (j === pattern.length) return i;
  }
  return -1;
}

export class SearchCancelled extends Error {
  constructor() {
    super('search cancelled');
    this.name = 'SearchCancelled';
  }
}

/** Searches [start, end) of the segment. Returns the absolute offset of the first match or -1. */
async function searchSpan(read: ReadRange, pattern: Uint8Array, start: number, end: number, chunk: number, tick: (n: number) => void, signal?: AbortSignal): Promise<number> {
  let pos = start;
  while (pos < end) {
    if (signal?.aborted) throw new SearchCancelled();
    // Read pattern.length - 1 bytes past the chunk so a match across the boundary is whole.
    const length = Math.min(end - pos, chunk + pattern.length - 1);
    if (length < pattern.length) break;
    const bytes = await read(pos, length);
    if (signal?.aborted) throw new SearchCancelled();
    const hit = indexOfBytes(bytes, pattern);
    if (hit !== -1) return pos + hit;
    const advance = Math.min(chunk, end - pos);
    tick(advance);
    pos += advance;
  }
  return -1;
}

/** Finds the next occurrence of `pattern` at or after `from`, wrapping around once. -1 when absent. */
export async function searchSegment(read: ReadRange, size: number, pattern: Uint8Array, options: SearchOptions): Promise<number> {
  const chunk = Math.max(pattern.length, options.chunkSize ?? DEFAULT_CHUNK);
  const from = Math.min(Math.max(0, options.from), size);
  const wrap = options.wrap ?? true;
  const total = wrap ? size : size - from;
  let done = 0;
  const tick = (n: number): void => {
    done = Math.min(total, done + n);
    options.onProgress?.(done, total);
  };
  const hit = await searchSpan(read, pattern, from, size, chunk, tick, options.signal);
  if (hit !== -1 || !wrap || from === 0) return hit;
  // The wrapped part must still find a match that starts before `from` but ends after it.
  return searchSpan(read, pattern, 0, Math.min(size, from + pattern.length - 1), chunk, tick, options.signal);
}
