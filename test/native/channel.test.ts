// The channel's single-process behaviour: open/create, header validation, sizes, history, presence.
import { afterEach, describe, expect, it } from 'vitest';

import { native } from '../../main/native';
import { cleanupChannels, openChannel, spawnPeer, uniqueRoom } from '../helpers/chat';

afterEach(cleanupChannels);

function nextBatch(ch: ReturnType<typeof openChannel>, history = false): Promise<unknown[]> {
  return new Promise((resolve) => ch.start((batch) => { ch.stop(); resolve(batch); }, { history }));
}

describe('channel open and header', () => {
  it('creates a room, and a second handle opens the same room', () => {
    const room = uniqueRoom('open');
    const a = openChannel(room, { ringBytes: 8192 });
    const b = openChannel(room, { create: false });
    expect(a.info()).toMatchObject({ name: room.name, key: room.key, created: true, ringBytes: 8192 });
    expect(b.info()).toMatchObject({ created: false, shmid: a.info().shmid, generation: a.info().generation });
    expect(native().channelDescribe(a.info().shmid)).toMatchObject({ name: room.name, version: 3, messages: 0 });
  });

  it('refuses to open a missing room without create', () => {
    const room = uniqueRoom('missing');
    expect(() => new (native().Channel)({ ...room, create: false })).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('refuses a key that holds another room (EEXIST)', () => {
    const room = uniqueRoom('collide');
    openChannel(room);
    expect(() => new (native().Channel)({ name: `${room.name}-other`, key: room.key }))
      .toThrow(expect.objectContaining({ code: 'EEXIST', message: expect.stringContaining(room.name) }));
  });

  it('refuses a segment that is not a channel (ECHANNEL), without waiting long', () => {
    const room = uniqueRoom('foreign');
    const shmid = native().sysvGet(room.key, { create: true, exclusive: true, mode: 0o600, size: 65536 });
    try {
      const seg = new (native().SysvAttachment)(shmid, false);
      seg.write(0, Buffer.from('not a chat channel at all'));
      seg.close();
      expect(() => new (native().Channel)({ ...room })).toThrow(expect.objectContaining({ code: 'ECHANNEL' }));
      expect(native().channelDescribe(shmid)).toBeNull();
    } finally {
      native().sysvRemove(shmid);
    }
  });

  it.each([
    ['version', 8, [1, 0, 0, 0]],                       // version 1: the old record check
    ['version', 8, [2, 0, 0, 0]],                       // version 2: the time where a record can start
    ['ring size', 48, [0, 0, 0x10, 0, 0, 0, 0, 0]],     // 1 MiB: no longer adds up to the segment size
    ['ring offset', 40, [1, 0, 0, 0, 0, 0, 0, 0]],
    ['segment size', 56, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]],
    ['slot count', 32, [0xff, 0xff, 0xff, 0xff]],
    ['magic', 0, [0x58]],
  ])('refuses to attach when the header %s is corrupted', (_what, offset, bytes) => {
    const room = uniqueRoom('corrupt');
    const ch = openChannel(room, { ringBytes: 8192 });
    const seg = new (native().SysvAttachment)(ch.info().shmid, false);
    seg.write(offset, Buffer.from(bytes));
    seg.close();
    expect(() => new (native().Channel)({ ...room, create: false }))
      .toThrow(expect.objectContaining({ code: 'ECHANNEL', message: expect.stringContaining('not a usable channel') }));
    expect(native().channelDescribe(ch.info().shmid)).toBeNull();
  });
});

describe('channel messages', () => {
  it('sends, reads history in order, and refuses oversized text with a RangeError', () => {
    const room = uniqueRoom('hist');
    const ch = openChannel(room, { ringBytes: 65536 });
    ch.join('ann');
    const seqs = ['one', 'zwei', 'три', '🙂'].map((t) => ch.send(t));
    expect(seqs).toEqual([1, 2, 3, 4]);
    const history = ch.readHistory();
    expect(history.map((e) => e.type === 'message' && [e.seq, e.nick, e.text])).toEqual([
      [1, 'ann', 'one'], [2, 'ann', 'zwei'], [3, 'ann', 'три'], [4, 'ann', '🙂'],
    ]);
    const max = ch.info().maxText;
    expect(ch.send('x'.repeat(max))).toBe(5);
    expect(() => ch.send('x'.repeat(max + 1))).toThrow(RangeError);
    expect(() => ch.send('x'.repeat(max + 1))).toThrow(/at most \d+ bytes/);
  });

  it('keeps only what fits in the ring, oldest first, across many wraps', () => {
    const room = uniqueRoom('wrap');
    const ch = openChannel(room, { ringBytes: 4096 });
    for (let i = 1; i <= 1000; i++) ch.send(`m${i}-${'y'.repeat(i % 200)}`);
    const history = ch.readHistory();
    const seqs = history.map((e) => (e.type === 'message' ? e.seq : -1));
    expect(seqs.length).toBeGreaterThan(5);
    expect(seqs.at(-1)).toBe(1000);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1]! + 1);
    for (const e of history) if (e.type === 'message') expect(e.text.startsWith(`m${e.seq}-`)).toBe(true);
  });

  it('delivers live messages to a started handle, and history first when asked', async () => {
    const room = uniqueRoom('live');
    const a = openChannel(room);
    const b = openChannel(room, { create: false });
    a.send('before');
    const replay = nextBatch(b, true);
    expect(await replay).toEqual([expect.objectContaining({ type: 'message', text: 'before', slot: -1 })]);
    const live = nextBatch(b);
    await new Promise((r) => setTimeout(r, 20));
    a.send('after');
    expect(await live).toEqual([expect.objectContaining({ type: 'message', text: 'after', seq: 2 })]);
  });

  it('skipOwn: a started handle does not get its own messages back, and counts no gap for them', async () => {
    const room = uniqueRoom('skipown');
    const a = openChannel(room);
    const b = openChannel(room, { create: false });
    a.join('ann');
    b.join('bob');
    const got: Array<{ type: string; text?: string; seq?: number }> = [];
    const done = new Promise<void>((resolve) => a.start((batch) => {
      got.push(...(batch as typeof got).filter((e) => e.type !== 'presence'));
      if (got.some((e) => e.text === 'b2')) resolve();
    }, { skipOwn: true }));
    for (const [who, text] of [[a, 'a1'], [b, 'b1'], [a, 'a2'], [a, 'a3'], [b, 'b2']] as const) who.send(text);
    await done;
    a.stop();
    // Own records are checked and counted (seq 1, 3, 4), not delivered, and leave no "missed" gap.
    expect(got).toEqual([
      expect.objectContaining({ type: 'message', text: 'b1', seq: 2 }),
      expect.objectContaining({ type: 'message', text: 'b2', seq: 5 }),
    ]);
    expect(a.readHistory().map((e) => (e as { text: string }).text)).toEqual(['a1', 'b1', 'a2', 'a3', 'b2']);
  });

  it('skipOwn needs a join: an unjoined handle still gets everything', async () => {
    const room = uniqueRoom('skipnone');
    const a = openChannel(room);
    const live = new Promise<unknown[]>((resolve) => a.start((batch) => { a.stop(); resolve(batch); }, { skipOwn: true }));
    a.send('mine');
    expect(await live).toEqual([expect.objectContaining({ type: 'message', text: 'mine', slot: -1 })]);
  });

  it('throws ECLOSED after close', () => {
    const ch = openChannel(uniqueRoom('closed'));
    ch.close();
    expect(ch.closed).toBe(true);
    expect(() => ch.send('x')).toThrow(expect.objectContaining({ code: 'ECLOSED' }));
  });
});

describe('channel presence', () => {
  it('lists joins and leaves, and removes a SIGKILLed participant', async () => {
    const room = uniqueRoom('presence');
    const me = openChannel(room);
    me.join('me');
    const peer = spawnPeer({ ...room, nick: 'doomed', action: 'member' });
    try {
      await peer.waitFor((l) => l.startsWith('ready'));
      expect(me.participants().map((p) => p.nick).sort()).toEqual(['doomed', 'me']);
      const events: string[][] = [];
      const gone = new Promise<void>((resolve) => me.start((batch) => {
        for (const e of batch) {
          if (e.type !== 'presence') continue;
          events.push(e.participants.map((p) => p.nick));
          if (!e.participants.some((p) => p.nick === 'doomed')) resolve();
        }
      }));
      await peer.kill('SIGKILL');
      await gone;  // reaped by our waiter thread within about a second
      expect(me.participants().map((p) => p.nick)).toEqual(['me']);
      me.leave();
      expect(me.participants()).toEqual([]);
    } finally {
      await peer.kill();
    }
  });
});
