// What the hex view needs from a segment, independent of the transport: one live view of the
// rows on screen (moved as it scrolls, written through when writable), a one-off read for
// what lies off screen, and a search that runs where the bytes are. lib/watch.ts adapts the
// contract's view and search methods to this; tests pass a fake.

export interface ByteView {
  /** Shows another range through the same subscription: onData follows with its bytes. */
  move(offset: number, length: number): void;
  /** Reopens the segment read-write (true) or back read-only; writes need it on. */
  setWritable(writable: boolean): Promise<void>;
  write(offset: number, data: Uint8Array): Promise<void>;
  close(): void;
}

export interface SearchOptions {
  signal?: AbortSignal;
  /** Bytes searched so far, of the total. */
  onProgress?: (done: number, total: number) => void;
}

export interface ByteSource {
  /** Bytes at [offset, offset + length); shorter when the segment ends (or shrank) first. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Calls `onData` with the range's bytes now, after every move, and whenever they change, until closed. */
  view(offset: number, length: number, onData: (offset: number, data: Uint8Array) => void, onError: (error: unknown) => void): ByteView;
  /** First match of `pattern` at or after `from`, wrapping around once; -1 when absent. Rejects with
   *  SearchCancelled when the signal aborts. */
  search(pattern: Uint8Array, from: number, options?: SearchOptions): Promise<number>;
}
