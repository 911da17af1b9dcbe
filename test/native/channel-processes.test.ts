// The channel across real processes: total order with several writers, lapped readers,
// writers SIGKILLed between claim and commit, and foreign bytes scribbled into a live room.
import { afterEach, describe, expect, it } from 'vitest';

import { type ChannelEvent, type ChannelMessage, type NativeChannel, native } from '../../main/native';
import { type Peer, cleanupChannels, intactText, openChannel, spawnPeer, uniqueRoom } from '../helpers/chat';

afterEach(cleanupChannels);

function parseEvents(peer: Peer): Array<ChannelMessage | { type: 'missed'; missed: number }> {
  return peer.lines.map((l) => JSON.parse(l) as { type: string }).filter((e) => e.type !== 'ready') as Array<ChannelMessage | { type: 'missed'; missed: number }>;
}

/** Collects a started channel's events; `until` resolves once `test` holds. */
function collect(ch: NativeChannel, options: { history?: boolean } = {}) {
  // Presence events depend on timing (who reaped whom first): kept apart from the order.
  const events: ChannelEvent[] = [];
  const waiters = new Set<() => void>();
  ch.start((batch) => {
    events.push(...batch.filter((e) => e.type !== 'presence'));
    for (const w of waiters) w();
  }, options);
  return {
    events,
    messages: () => events.filter((e): e is ChannelMessage => e.type === 'message'),
    until(test: () => boolean, timeoutMs: number, what: string): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => { if (test()) { clearTimeout(timer); waiters.delete(check); resolve(); } };
        const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)); }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

describe('channel across processes', () => {
  it('gives every reader the same total order, every message once and intact, with several writers', async () => {
    const room = uniqueRoom('order');
    const me = openChannel(room, { ringBytes: 1 << 20 });
    const writers = 3;
    const perWriter = 300;
    const total = writers * perWriter;
    const mine = collect(me);
    const readers = [0, 1].map((i) => spawnPeer({ ...room, nick: `reader${i}`, action: 'read', count: total }));
    const peers: Peer[] = [...readers];
    try {
      await Promise.all(readers.map((r) => r.waitFor((l) => l.includes('"ready"'))));
      for (let w = 0; w < writers; w++) {
        peers.push(spawnPeer({ ...room, nick: `w${w}`, action: 'write', count: perWriter, minSize: 0, maxSize: 1500 }));
      }
      await Promise.all(readers.map((r) => r.exited));
      await mine.until(() => mine.messages().length >= total, 20_000, 'all messages in this process');
      const orders = [mine.events.map((e) => JSON.stringify(e)), ...readers.map((r) => parseEvents(r).map((e) => JSON.stringify(e)))];
      for (const order of orders) expect(order).toEqual(orders[0]);  // identical, missed notices included (none)
      const messages = mine.messages();
      expect(messages).toHaveLength(total);
      expect(messages.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      for (const m of messages) expect(intactText(m.text)).toBe(true);
      for (let w = 0; w < writers; w++) {
        const fromW = messages.filter((m) => m.nick === `w${w}`).map((m) => Number(m.text.split('|')[1]));
        expect(fromW).toEqual(Array.from({ length: perWriter }, (_, i) => i));  // each writer's own order kept
      }
    } finally {
      await Promise.all(peers.map((p) => p.kill()));
    }
  });

  it('tells a lapped reader how many messages it missed, then continues with intact messages', async () => {
    const room = uniqueRoom('lapped');
    const writer = openChannel(room, { ringBytes: 4096 });
    const reader = openChannel(room, { create: false });
    const got = collect(reader);
    const total = 500;
    // Block this event loop while writing: the reader's thread stops after a few
    // undelivered batches, and the small ring laps it.
    for (let i = 1; i <= total; i++) writer.send(`msg ${i} ${'z'.repeat(40)}`);
    writer.send('last');
    await got.until(() => got.messages().some((m) => m.text === 'last'), 10_000, 'the last message');
    const missed = got.events.filter((e) => e.type === 'missed');
    expect(missed.length).toBeGreaterThan(0);
    expect(missed.every((e) => e.type === 'missed' && e.reason === 'lapped')).toBe(true);
    const counted = missed.reduce((n, e) => n + (e.type === 'missed' ? e.missed : 0), 0);
    expect(got.messages().length + counted).toBe(total + 1);  // every message either delivered or counted
    let expected = 1;
    for (const e of got.events) {
      if (e.type === 'missed') expected += e.missed;
      if (e.type !== 'message') continue;
      expect(e.seq).toBe(expected++);
      expect(e.text === 'last' || e.text === `msg ${e.seq} ${'z'.repeat(40)}`).toBe(true);
    }
  });

  it.each(['stall-after-claim', 'stall-before-header'])(
    'keeps the room going when a writer is SIGKILLed between claim and commit (%s)',
    async (fault) => {
      const room = uniqueRoom('kill');
      const me = openChannel(room);
      me.join('me');
      const got = collect(me);
      const stuck = spawnPeer({ ...room, nick: 'stuck', action: 'stall', fault });
      try {
        await stuck.waitStderr('shmscope-fault: stalled');
        me.send('queued behind the stalled record');
        await stuck.kill('SIGKILL');
        me.send('after the kill');
        // Delivery is what is tested; how fast it comes is measured by `npm run faults` (no timing asserts here).
        await got.until(() => got.messages().some((m) => m.text === 'after the kill'), 10_000, 'the message after the kill');
        expect(got.messages().map((m) => m.text)).toEqual(['queued behind the stalled record', 'after the kill']);
        expect(got.events[0]).toEqual({ type: 'missed', missed: 1, reason: 'unblocked' });
        await got.until(() => !me.participants().some((p) => p.nick === 'stuck'), 3000, 'the dead writer to leave');
      } finally {
        await stuck.kill();
      }
    },
  );

  it('unblocks three writers SIGKILLed between claim and intent, their holes between live messages', async () => {
    // Each hole is followed by a committed message, so the reader pads them one by one.
    // The stall clock is shared (issue 3: no stacking), which this test cannot time;
    // `npm run faults -- --only=kill --concurrent=3` measures it. Here: everything
    // after the holes arrives, and exactly the three lost messages are reported.
    const room = uniqueRoom('kill3');
    const me = openChannel(room);
    me.join('me');
    const got = collect(me);
    const stuck: Peer[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const peer = spawnPeer({ ...room, nick: `stuck${i}`, action: 'stall', fault: 'stall-before-header' });
        stuck.push(peer);
        await peer.waitStderr('shmscope-fault: stalled');
        me.send(`behind hole ${i}`);
      }
      await Promise.all(stuck.map((p) => p.kill('SIGKILL')));
      me.send('after the kills');
      await got.until(() => got.messages().some((m) => m.text === 'after the kills'), 15_000, 'the message after the kills');
      expect(got.messages().map((m) => m.text)).toEqual(['behind hole 0', 'behind hole 1', 'behind hole 2', 'after the kills']);
      const missed = got.events.filter((e) => e.type === 'missed');
      expect(missed.every((e) => e.type === 'missed' && e.reason === 'unblocked')).toBe(true);
      expect(missed.reduce((n, e) => n + (e.type === 'missed' ? e.missed : 0), 0)).toBe(3);
    } finally {
      await Promise.all(stuck.map((p) => p.kill()));
    }
  });

  it('reclaims the record of a writer that stalls (alive) between claim and commit', async () => {
    const room = uniqueRoom('stall');
    const me = openChannel(room);
    const got = collect(me);
    const stuck = spawnPeer({ ...room, nick: 'stuck', action: 'stall', fault: 'stall-after-claim' });
    try {
      await stuck.waitStderr('shmscope-fault: stalled');
      me.send('behind a live but stalled writer');
      await got.until(() => got.messages().length === 1, 3000, 'the message after the stall limit');
      expect(got.events[0]).toEqual({ type: 'missed', missed: 1, reason: 'unblocked' });
    } finally {
      await stuck.kill();
    }
  });

  it('survives random bytes written into a live channel: misses or errors, never a crash or hang', async () => {
    const room = uniqueRoom('scribble');
    const me = openChannel(room, { ringBytes: 16384 });
    me.join('me');
    const got = collect(me);
    const info = me.info();
    const segmentBytes = native().sysvStat(info.shmid).size;
    const writer = spawnPeer({ ...room, nick: 'w', action: 'write', count: 3000, minSize: 0, maxSize: 300 });
    // Everything from the hot counters on: tail, futex word, sleepers, presence, ring.
    const vandal = spawnPeer({ ...room, action: 'scribble', shmid: info.shmid, ms: 1500, from: 256, to: segmentBytes });
    try {
      await vandal.waitFor((l) => l.startsWith('done'), 15_000);
      await writer.exited;
      me.send('after the vandal');
      await got.until(() => got.messages().some((m) => m.text === 'after the vandal'), 10_000, 'a message after the scribbling');
      for (const m of got.messages()) {
        if (m.text !== 'after the vandal') expect(intactText(m.text)).toBe(true);  // never a torn or altered message
      }
      expect(me.participants).toBeDefined();
      me.participants();  // presence table full of garbage: still answers
    } finally {
      await Promise.all([writer.kill(), vandal.kill()]);
    }
  });
});
