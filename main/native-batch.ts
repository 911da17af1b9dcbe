// Decodes the addon's event batches (native/src/channel_js.h): one ArrayBuffer holding the
// batch's bytes and a Float64Array of CHANNEL_BATCH_STRIDE numbers per event. Building the
// event objects here, in JavaScript, is several times cheaper than building them through
// N-API one property at a time.
import type { ChannelEvent, ChannelMessage, ChannelMissed, ChannelParticipant } from './native';

/** Numbers per event in `meta`; the addon exports the same (checked in native.ts). */
export const BATCH_STRIDE = 9;
const REASONS = ['lapped', 'unblocked', 'corrupt'] as const;

/** Text of bytes [at, at + length): UTF-8, invalid sequences as U+FFFD (like the addon did). */
function text(bytes: Buffer, at: number, length: number): string {
  return length === 0 ? '' : bytes.toString('utf8', at, at + length);
}

export function decodeBatch(raw: ArrayBuffer, meta: Float64Array, presence?: ChannelParticipant[]): ChannelEvent[] {
  const bytes = Buffer.from(raw);
  const events: ChannelEvent[] = [];
  for (let k = 0; k < meta.length; k += BATCH_STRIDE) {
    if (meta[k] === 0) {
      const message: ChannelMessage = {
        type: 'message', seq: meta[k + 1]!, pid: meta[k + 2]!, slot: meta[k + 3]!,
        nick: text(bytes, meta[k + 5]!, meta[k + 6]!), time: meta[k + 4]!, text: text(bytes, meta[k + 7]!, meta[k + 8]!),
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
