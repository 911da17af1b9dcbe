// Searching a segment where its bytes are: Segment.find (memmem over the attachment, or over
// pread chunks of another process's mapping or a POSIX object), span by span, so nothing crosses
// the transport but the answer and a few progress events, and nothing is copied into
// JavaScript. Consecutive spans overlap by pattern length - 1 so a match across a boundary is
// found; the search yields to the event loop between spans, which is where a cancel is seen.
import { ShmscopeError } from '../errors';
import type { Segment } from '../segments';

/** Big enough that per-chunk costs vanish, small enough that a cancel is seen within milliseconds. */
export const SEARCH_CHUNK = 8 * 1024 * 1024;
/** Progress events at most this often. */
const PROGRESS_MS = 50;

export interface SearchControl {
  cancelled(): boolean;
  progress(done: number, total: number): void;
  chunk?: number;
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** First match of `pattern` in [start, end) of the segment, or -1. */
async function searchSpan(segment: Segment, pattern: Uint8Array, start: number, end: number, control: SearchControl, tick: (n: number) => void): Promise<number> {
  const chunk = Math.max(pattern.length, control.chunk ?? SEARCH_CHUNK);
  for (let pos = start; pos < end;) {
    const length = Math.min(end - pos, chunk + pattern.length - 1);
    if (length < pattern.length) break;
    const hit = segment.find(pattern, pos, length);
    if (hit !== -1) return hit;
    const advance = Math.min(chunk, end - pos);
    pos += advance;
    tick(advance);
    await yieldToLoop();
    if (control.cancelled()) throw new ShmscopeError(segment.ref, 'search cancelled', 'ECANCELED');
  }
  return -1;
}

/** The next occurrence of `pattern` at or after `from`, wrapping around once; -1 when absent. */
export async function searchSegmentBytes(segment: Segment, pattern: Uint8Array, from: number, control: SearchControl): Promise<number> {
  if (pattern.length === 0) throw new ShmscopeError('searchSegment(pattern)', 'must be at least one byte', 'EINVAL');
  const size = segment.size;
  const start = Math.min(from, size);
  let done = 0;
  let reported = 0;
  const tick = (n: number): void => {
    done = Math.min(size, done + n);
    const now = Date.now();
    if (now - reported >= PROGRESS_MS) { reported = now; control.progress(done, size); }
  };
  const hit = await searchSpan(segment, pattern, start, size, control, tick);
  if (hit !== -1 || start === 0) return hit;
  // The wrapped part must still find a match that starts before `from` but ends after it.
  return searchSpan(segment, pattern, 0, Math.min(size, start + pattern.length - 1), control, tick);
}
