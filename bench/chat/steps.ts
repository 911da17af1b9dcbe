// 5. Where the time of one small message goes, step by step, in this one process (no
// other process competes, so these are lower bounds of each step): the N-API call itself,
// send() (UTF-8 encode into a reused buffer, claim, checksum, commit, wakeup check),
// sendMany per message, the reader's copy + packing + JS decode (readHistory of a full
// ring), decodeBatch alone, one EventEmitter emit, and the wakeup hop: send → futex →
// waiter thread → ThreadSafeFunction → event loop → batch listener.
import { EventEmitter } from 'node:events';

import { ChatRoom, type ChannelMessage } from '../../main/chat/room';
import { decodeBatch } from '../../main/native-batch';
import { native } from '../../main/native';
import { nowUs, payload, percentiles } from './clock';
import { trackRoom } from './control';
import { type Spread, spread } from './stats';

/** ns per item of each step, as a spread over runs. */
export interface Step { step: string; nsPerMessage: Spread }

interface RawHistory { readHistory(): [ArrayBuffer, Float64Array] }

/** ns per call of f, over `n` calls (after a warm-up of n/10). */
function perCall(n: number, f: (i: number) => void): number {
  for (let i = 0; i < n / 10; i++) f(i);
  const t0 = nowUs();
  for (let i = 0; i < n; i++) f(i);
  return ((nowUs() - t0) * 1000) / n;
}

/** p50 of send → 'messages' listener within this process, in ns. */
async function hop(writer: ChatRoom, reader: ChatRoom, n: number): Promise<number> {
  const samples: number[] = [];
  const text = payload(64);
  for (let i = 0; i < n; i++) {
    const t0 = nowUs();
    await new Promise<void>((resolve) => {
      reader.once('messages', () => { samples.push((nowUs() - t0) * 1000); resolve(); });
      writer.send(text);
    });
  }
  return percentiles(samples.slice(n >> 3)).p50;
}

export async function measureSteps(runId: string, runs: number, scale: number, log: (s: string) => void): Promise<Step[]> {
  const name = trackRoom(`${runId}-steps`);
  const ring = 1 << 20;
  const writer = ChatRoom.join(name, { nick: 'writer', ringBytes: ring, echo: false });
  const reader = ChatRoom.join(name, { nick: 'reader', ringBytes: ring, echo: false });
  const quiet = new (native().Channel)({ name, key: writer.info.key, create: false });
  quiet.join('quiet'); // never started: its sends find no sleeper of its own to skip
  const text = payload(64);
  const batch = Array.from({ length: 256 }, () => text);
  const n = Math.max(2000, Math.round(50_000 * scale));
  const got: Record<string, number[]> = {};
  const note = (step: string, ns: number) => { (got[step] ??= []).push(ns); };
  try {
    for (let run = 0; run < runs; run++) {
      note('N-API call floor (a getter)', perCall(n, () => quiet.closed));
      // The reader's thread sleeps between bursts: a send finds it asleep and pays the FUTEX_WAKE.
      note('send() 64 B, a reader asleep in the room', perCall(n, () => { quiet.send(text); }));
      note('sendMany(256 × 64 B), per message', perCall(Math.max(20, n >> 8), () => { quiet.sendMany(batch); }) / batch.length);
      // A full ring: the reader's copy and checks, packing into one ArrayBuffer, the JS decode.
      // The addon's own class sits under native()'s decoding subclass: its readHistory gives the packed batch.
      const Raw = Object.getPrototypeOf(native().Channel) as { prototype: RawHistory };
      const [bytes, meta] = Raw.prototype.readHistory.call(quiet as unknown as RawHistory);
      const count = meta.length / native().CHANNEL_BATCH_STRIDE;
      note('readHistory (copy, check, pack, decode), per message', perCall(10, () => { quiet.readHistory(); }) / count);
      note('decodeBatch alone (JS objects + strings), per message', perCall(10, () => { decodeBatch(bytes, meta); }) / count);
      const emitter = new EventEmitter<{ message: [ChannelMessage] }>();
      let sink = 0;
      emitter.on('message', (m) => { sink += m.seq; });
      const m = decodeBatch(bytes, meta)[0] as ChannelMessage;
      note("EventEmitter emit('message'), one listener", perCall(n * 4, () => { emitter.emit('message', m); }));
      if (sink < 0) log('');
      note('hop: send → futex → waiter thread → event loop → listener (p50)', await hop(writer, reader, Math.max(100, Math.round(1000 * scale))));
    }
  } finally {
    quiet.close();
    writer.leave();
    reader.leave();
    ChatRoom.remove(name);
  }
  return Object.entries(got).map(([step, ns]) => {
    const s: Step = { step, nsPerMessage: spread(ns) };
    log(`  ${step.padEnd(62)} ${s.nsPerMessage.median.toFixed(0).padStart(7)} ns (${s.nsPerMessage.min.toFixed(0)}–${s.nsPerMessage.max.toFixed(0)})`);
    return s;
  });
}
