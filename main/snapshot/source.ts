// What diff and load read bytes from: a live segment, a snapshot file or a raw file, behind one
// random-access interface (so `diff --layout` can decode a struct at any offset of either side).
import { openSegment, parseRef, sysvHolders } from '../segments';
import type { ByteSource } from './byte-source';
import { openFileSource } from './file';

export type { ByteSource };

const SEGMENT_REF = /^(sysv|key|posix|room|memfd|anon|posix-deleted|ipcns):/;

/** True when a command argument names a segment rather than a file (write ./posix:x for such a file). */
export function isSegmentArgument(text: string): boolean {
  return SEGMENT_REF.test(text);
}

/** A segment, read as `dump` reads it: through another process's mapping when possible, else read-only. */
export function openSegmentSource(refText: string): ByteSource {
  const segment = openSegment(parseRef(refText), { holders: sysvHolders });
  return {
    label: segment.ref,
    origin: 'segment',
    size: segment.size,
    read: (offset, length) => segment.read(offset, length),
    close: () => segment.close(),
  };
}

/** A segment reference or a file, by the argument's spelling. */
export function openSource(argument: string): ByteSource {
  return isSegmentArgument(argument) ? openSegmentSource(argument) : openFileSource(argument);
}
