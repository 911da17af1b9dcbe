// What the hex view needs from a segment, independent of the transport: a range read and,
// optionally, a live watch of a range. App.svelte adapts the contract's readRange/watchRange
// to this; tests pass a fake.

export interface ByteSource {
  /** Bytes at [offset, offset + length); shorter when the segment ends (or shrank) first. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Calls `onData` with the range's bytes now and whenever they change, until the returned
   * function is called. Without it the hex view polls `read` about once a second.
   */
  watch?(offset: number, length: number, onData: (offset: number, data: Uint8Array) => void, onError: (error: unknown) => void): () => void;
}
