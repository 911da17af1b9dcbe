// The textbook shared-memory chat (Beginning Linux Programming's shm1.c / shm2.c and
// the many courses built on it), so shmscope can talk to the C programs people learn with:
//
//   struct shared_use_st { int written_by_you; char some_text[2048]; };   // key 1234
//
// A writer waits while written_by_you is 1, copies a NUL-terminated line into
// some_text and sets the flag to 1; the reader waits for 1, takes the text and sets
// it back to 0; the text "end" ends the conversation. The layout has no wakeups, so
// this adapter polls — the only part of shmscope that does.
import { ShmscopeError } from '../errors';
import { createSegment, formatKey, openSegment, parseRef, type Segment } from '../segments';

export const CLASSIC_KEY = 1234;
export const CLASSIC_TEXT_BYTES = 2048;
/** sizeof(struct shared_use_st) on Linux: a 4-byte int followed by the text. */
export const CLASSIC_SEGMENT_BYTES = 4 + CLASSIC_TEXT_BYTES;
export const CLASSIC_POLL_MS = 20;

const FLAG_OFFSET = 0;
const TEXT_OFFSET = 4;

export interface ClassicWaitOptions {
  /** Give up after this long (default: wait for ever). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One side of a textbook conversation. */
export class ClassicChannel {
  private constructor(private readonly segment: Segment, readonly key: number) {}

  /** Opens (or, like the textbook programs, creates with 0666) the segment with this key. */
  static open(key = CLASSIC_KEY): ClassicChannel {
    const created = createSegment({
      kind: 'sysv', identity: { by: 'key', key }, size: CLASSIC_SEGMENT_BYTES, mode: 0o666, exclusive: false,
    });
    return new ClassicChannel(openSegment(parseRef(created.ref), { writable: true }), key);
  }

  get ref(): string {
    return this.segment.ref;
  }

  /** Waits until the reader has taken the previous line, then hands over `text` (a newline is added, as fgets keeps it). */
  async send(text: string, options: ClassicWaitOptions = {}): Promise<void> {
    const line = Buffer.from(text.endsWith('\n') ? text : `${text}\n`, 'utf8');
    if (line.length >= CLASSIC_TEXT_BYTES) {
      throw new ShmscopeError(`key:${formatKey(this.key)}`, `a classic message holds at most ${CLASSIC_TEXT_BYTES - 1} bytes, this one has ${line.length}`, 'EMSGSIZE');
    }
    await this.waitForFlag(0, options);
    this.segment.write(TEXT_OFFSET, Buffer.concat([line, Buffer.alloc(1)]));
    this.writeFlag(1);
  }

  /** Waits for a line, takes it (flag back to 0) and returns it without its newline. */
  async receive(options: ClassicWaitOptions = {}): Promise<string> {
    await this.waitForFlag(1, options);
    // Another process owns this memory: the text may lack its NUL, so never read past the array.
    const raw = this.segment.read(TEXT_OFFSET, CLASSIC_TEXT_BYTES);
    const end = raw.indexOf(0);
    const text = raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
    this.writeFlag(0);
    return text.replace(/\r?\n$/, '');
  }

  close(): void {
    this.segment.close();
  }

  private readFlag(): number {
    return this.segment.read(FLAG_OFFSET, 4).readInt32LE(0);
  }

  private writeFlag(value: number): void {
    const bytes = Buffer.alloc(4);
    bytes.writeInt32LE(value, 0);
    this.segment.write(FLAG_OFFSET, bytes);
  }

  private async waitForFlag(wanted: 0 | 1, options: ClassicWaitOptions): Promise<void> {
    const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
    // Any non-zero flag counts as "written": the C programs only ever test it for truth.
    while ((this.readFlag() !== 0 ? 1 : 0) !== wanted) {
      options.signal?.throwIfAborted();
      if (Date.now() >= deadline) {
        const what = wanted === 0 ? 'the reader to take the previous message' : 'a message';
        throw new ShmscopeError(`key:${formatKey(this.key)}`, `timed out waiting for ${what}`, 'ETIMEDOUT');
      }
      await new Promise((resolve) => setTimeout(resolve, CLASSIC_POLL_MS));
    }
  }
}

/** The text that ends a textbook conversation (the C programs compare the first 3 bytes). */
export function isClassicEnd(text: string): boolean {
  return text.startsWith('end');
}
