// Decodes the addon's event batches (native/src/channel_js.h): one ArrayBuffer holding the
// batch's bytes and a Float64Array of CHANNEL_BATCH_STRIDE numbers per event. Building the
// event objects here, in JavaScript, is several times cheaper than building them through
// N-API one property at a time.
import type { ChannelEvent, ChannelMessage, ChannelMissed, ChannelParticipant } from './native-events';

/** Numbers per event in `meta`; the addon exports the same (checked in native.ts). */
export const BATCH_STRIDE = 10;
const REASONS = ['lapped', 'unblocked', 'corrupt'] as const;

/** Buffer's own decoders (what toString(encoding, start, end) calls after checking its arguments). */
interface Slicing { latin1Slice(start: number, end: number): string; utf8Slice(start: number, end: number): string }

/** Text of bytes [at, at + length): UTF-8, invalid sequences as U+FFFD; Latin-1 when the
 *  addon found the bytes all ASCII (the same string, decoded about twice as fast). */
function text(bytes: Slicing, at: number, length: number, ascii: boolean): string {
  if (length === 0) return '';
  return ascii ? bytes.latin1Slice(at, at + length) : bytes.utf8Slice(at, at + length);
}

export function decodeBatch(raw: ArrayBuffer, meta: Float64Array, presence?: ChannelParticipant[]): ChannelEvent[] {
  const bytes = Buffer.from(raw) as unknown as Slicing;
  const events: ChannelEvent[] = [];
  for (let k = 0; k < meta.length; k += BATCH_STRIDE) {
    if (meta[k] === 0) {
      const message: ChannelMessage = {
        type: 'message', seq: meta[k + 1]!, pid: meta[k + 2]!, slot: meta[k + 3]!,
        nick: text(bytes, meta[k + 5]!, meta[k + 6]!, (meta[k + 9]! & 1) !== 0), time: meta[k + 4]!,
        text: text(bytes, meta[k + 7]!, meta[k + 8]!, (meta[k + 9]! & 2) !== 0),
      };
      events.push(message);
    } else {
      const missed: ChannelMissed = { type: 'missed', missed: meta[k + 1]!, reason: REASONS[meta[k + 2]!] ?? 'corrupt' };
      events.push(missed);
    }
  }
  if (presence) events.push({ type: 'presence', participants: presence });
  return events;
}
