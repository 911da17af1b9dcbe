// What diff, load and snap read from: a live segment, a snapshot file or a raw file.
import type { SnapshotHeader } from './format';

export interface ByteSource {
  /** How output names it: the segment's canonical reference, or the file name as given. */
  readonly label: string;
  readonly origin: 'segment' | 'snapshot' | 'raw';
  readonly size: number;
  /** The metadata, when the source is a snapshot file. */
  readonly snapshot?: SnapshotHeader;
  /** Exactly `length` bytes from `offset` (within size), or an error naming the source. */
  read(offset: number, length: number): Buffer;
  close(): void;
}
