// ChatRoom's batch paths: sendMany, the 'messages' batch event next to 'message', and
// history and live delivery decoded from the same packed batch (main/native-batch.ts).
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';

import { ChatRoom, type ChannelMessage, type ChannelMissed } from '../../main/chat/room';

const rooms: ChatRoom[] = [];
const names = new Set<string>();

function uniqueName(tag: string): string {
  const name = `t-${tag}-${process.pid}-${randomBytes(3).toString('hex')}`;
  names.add(name);
  return name;
}

function join(name: string, nick: string, ringBytes = 65536): ChatRoom {
  const room = ChatRoom.join(name, { nick, ringBytes });
  rooms.push(room);
  return room;
}

/** Collects what `room` emits until `done` says so. */
function collect(room: ChatRoom, done: (messages: ChannelMessage[], missed: number) => boolean) {
  const each: ChannelMessage[] = [];
  const runs: ChannelMessage[][] = [];
  const order: Array<number | ChannelMissed> = [];
  let missed = 0;
  const finished = new Promise<void>((resolve) => {
    const check = () => { if (done(each, missed)) resolve(); };
    room.on('message', (m) => { each.push(m); order.push(m.seq); check(); });
    room.on('messages', (ms) => { runs.push(ms); });
    room.on('missed', (m) => { missed += m.missed; order.push(m); check(); });
  });
  return { each, runs, order, finished, missed: () => missed };
}

afterEach(() => {
  for (const room of rooms.splice(0)) room.leave();
  for (const name of names) ChatRoom.remove(name);
  names.clear();
});

describe('ChatRoom batches', () => {
  it('sendMany sends in order with consecutive seqs; "messages" runs carry exactly what "message" does', async () => {
    const name = uniqueName('many');
    const ann = join(name, 'ann');
    const bob = join(name, 'bob');
    const texts = Array.from({ length: 300 }, (_, i) => `${i}:${'é€😀'.repeat(i % 7)}`);
    const got = collect(bob, (ms) => ms.length >= texts.length);
    const last = ann.sendMany(texts);
    await got.finished;
    expect(got.each.map((m) => m.text)).toEqual(texts);
    expect(got.each.map((m) => m.seq)).toEqual(texts.map((_, i) => last - texts.length + 1 + i));
    expect(got.each.every((m) => m.nick === 'ann' && m.pid === process.pid && m.slot === ann.slot)).toBe(true);
    // The runs hold the very same objects, in the same order, each run at least one message.
    expect(got.runs.flat()).toEqual(got.each);
    expect(got.runs.every((r) => r.length > 0)).toBe(true);
    expect(bob.history().map((m) => m.text)).toEqual(texts);
    expect(ann.sendMany([])).toBe(0);
  });

  it('sendMany with a text too long sends those before it, wakes readers for them, and throws RangeError', async () => {
    const name = uniqueName('many-long');
    const ann = join(name, 'ann');
    const bob = join(name, 'bob');
    const got = collect(bob, (ms) => ms.length >= 2);
    const tooLong = 'x'.repeat(ann.info.maxText + 1);
    expect(() => ann.sendMany(['one', 'two', tooLong, 'never'])).toThrow(expect.objectContaining({ name: 'RangeError', code: 'ERANGE', message: expect.stringContaining(`message is ${ann.info.maxText + 1} bytes`) }));
    await got.finished;
    expect(got.each.map((m) => m.text)).toEqual(['one', 'two']);
    expect(ann.history().map((m) => m.text)).toEqual(['one', 'two']);
    // A multi-byte character straddling the limit is still refused, not cut.
    expect(() => ann.send(`${'x'.repeat(ann.info.maxText - 1)}€`)).toThrow(RangeError);
    expect(() => ann.sendMany([42 as unknown as string])).toThrow(TypeError);
  });

  it('a reader lapped by one burst gets its runs and missed notices in order, every message counted once', async () => {
    const name = uniqueName('lap');
    const ann = join(name, 'ann', 4096);
    const bob = join(name, 'bob', 4096);
    const total = 400; // ~100-byte records: 10 laps of a 4 KiB ring, woken once at the end
    const got = collect(bob, (ms, missed) => ms.length + missed >= total);
    ann.sendMany(Array.from({ length: total }, (_, i) => `${i}:`.padEnd(40, '.')));
    await got.finished;
    expect(got.each.length + got.missed()).toBe(total);
    const seqs = got.order.filter((x): x is number => typeof x === 'number');
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(got.runs.flat()).toEqual(got.each);
  });
});
