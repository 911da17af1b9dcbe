// Property test of the textbook adapter (main/chat/classic.ts) against hostile memory: any
// 2052-byte image (any flag, text with or without its NUL, invalid UTF-8) makes receive()
// either return the text up to the first NUL (never bytes past the 2048-byte array) or time
// out with ETIMEDOUT when no message is flagged; and a segment already under the key with
// another size is either used (first 2052 bytes only) or refused with a coded error.
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CLASSIC_SEGMENT_BYTES, CLASSIC_TEXT_BYTES, ClassicChannel } from '../../main/chat/classic';
import { errorCode, ShmscopeError } from '../../main/errors';
import { native } from '../../main/native';
import { openSegment, parseRef, type Segment } from '../../main/segments';
import { SegmentJanitor } from '../helpers/cleanup';
import { uniqueSysvKey } from '../helpers/unique';

const RUNS = 300;
const janitor = new SegmentJanitor();
afterAll(() => janitor.cleanup());

/** The text a C reader would print: bytes up to the first NUL (or the whole array), one newline off. */
function expectedText(text: Uint8Array): string {
  const end = text.indexOf(0);
  return Buffer.from(text.subarray(0, end < 0 ? text.length : end)).toString('utf8').replace(/\r?\n$/, '');
}

const flag = fc.oneof(fc.constantFrom(0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 256), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
const textBytes = fc.oneof(
  fc.uint8Array({ minLength: CLASSIC_TEXT_BYTES, maxLength: CLASSIC_TEXT_BYTES }),
  // No NUL anywhere: the reader must stop at the array's end.
  fc.uint8Array({ minLength: CLASSIC_TEXT_BYTES, maxLength: CLASSIC_TEXT_BYTES }).map((b) => b.map((x) => x || 0x41)),
  // A plausible line, maybe with invalid UTF-8 (lone continuation bytes, truncated sequences).
  fc.tuple(fc.string({ maxLength: 100 }), fc.uint8Array({ maxLength: 8 }).map((b) => b.map((x) => 0x80 | x)), fc.boolean()).map(([s, bad, nl]) => {
    const out = new Uint8Array(CLASSIC_TEXT_BYTES);
    const line = Buffer.concat([Buffer.from(s), Buffer.from(bad), Buffer.from(nl ? '\r\n' : '')]).subarray(0, CLASSIC_TEXT_BYTES - 1);
    out.set(line);
    return out;
  }),
);

describe('classic adapter against random images (property)', () => {
  it(`receive returns the text up to its NUL, or ETIMEDOUT when unflagged; nothing else (${RUNS} runs)`, async () => {
    const key = uniqueSysvKey();
    const channel = ClassicChannel.open(key);
    janitor.ref(channel.ref);
    const raw: Segment = openSegment(parseRef(channel.ref), { writable: true });
    try {
      await fc.assert(fc.asyncProperty(flag, textBytes, async (f, text) => {
        const image = Buffer.alloc(CLASSIC_SEGMENT_BYTES);
        image.writeInt32LE(f, 0);
        image.set(text, 4);
        raw.write(0, image);
        let got: string | undefined;
        let error: unknown;
        try { got = await channel.receive({ timeoutMs: 0 }); } catch (e) { error = e; }
        if (f === 0) {
          expect(error).toBeInstanceOf(ShmscopeError);
          expect(errorCode(error)).toBe('ETIMEDOUT');
          return;
        }
        expect(error).toBeUndefined();
        expect(got).toBe(expectedText(text));
        // Taken: the flag is back to 0, the text untouched.
        expect(raw.read(0, 4).readInt32LE(0)).toBe(0);
        expect(raw.read(4, CLASSIC_TEXT_BYTES).equals(Buffer.from(text))).toBe(true);
      }), { numRuns: RUNS });
    } finally {
      raw.close();
      channel.close();
    }
  });

  it('opens a key that holds a larger segment (using the first 2052 bytes), and refuses a smaller one with a coded error', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ min: 1, max: CLASSIC_SEGMENT_BYTES + 64 }), fc.constant(CLASSIC_SEGMENT_BYTES - 1), fc.constant(1 << 20)), (size) => {
      const key = uniqueSysvKey();
      const shmid = janitor.sysv(native().sysvGet(key, { create: true, exclusive: true, mode: 0o600, size }));
      try {
        let channel: ClassicChannel | undefined;
        let error: unknown;
        try { channel = ClassicChannel.open(key); } catch (e) { error = e; }
        if (size < CLASSIC_SEGMENT_BYTES) {
          // shmget refuses a size larger than the existing segment's.
          expect(errorCode(error)).toBe('EINVAL');
          expect((error as Error).message).toContain(`0x${key.toString(16).padStart(8, '0')}`);
          return;
        }
        expect(error).toBeUndefined();
        expect(channel!.ref).toBe(`sysv:${shmid}`);
        channel!.close();
      } finally {
        spawnSync('ipcrm', ['-m', String(shmid)], { stdio: 'ignore' });
      }
    }), { numRuns: 40 });
  });
});
