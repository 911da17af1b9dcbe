// What every opened segment offers, whichever way it was opened: attached, mapped, or read
// through another process's mapping (borrowed.ts, mapped.ts).

/** An open segment: bytes are copied in and out, never shared with JavaScript. */
export interface Segment {
  /** Canonical reference: sysv:ID or posix:NAME (or memfd:, anon:, posix-deleted:, ipcns:, see mapped.ts). */
  readonly ref: string;
  readonly kind: 'sysv' | 'posix' | 'memfd' | 'shared-anon';
  readonly size: number;
  readonly writable: boolean;
  read(offset: number, length: number): Buffer;
  /** Where `pattern` first lies wholly inside [offset, offset+length), or -1, without copying the range out. */
  find(pattern: Uint8Array, offset: number, length: number): number;
  write(offset: number, data: Uint8Array): void;
  close(): void;
}
