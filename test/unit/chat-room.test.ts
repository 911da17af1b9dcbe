// ChatRoom over real segments in this process (the cross-process cases are in test/native).
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';

import { ChatRoom, type ChannelMessage, type ChannelParticipant } from '../../main/chat/room';

const rooms: ChatRoom[] = [];
const names = new Set<string>();

function uniqueName(tag: string): string {
  const name = `t-${tag}-${process.pid}-${randomBytes(3).toString('hex')}`;
  names.add(name);
  return name;
}

function join(name: string, nick: string, options: { history?: boolean; lowLatency?: boolean; echo?: boolean } = {}): ChatRoom {
  const room = ChatRoom.join(name, { nick, ringBytes: 65536, ...options });
  rooms.push(room);
  return room;
}

function next<T>(room: ChatRoom, event: 'message' | 'presence', test: (value: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const listener = (value: T) => { if (test(value)) { room.off(event, listener as never); resolve(value); } };
    room.on(event, listener as never);
  });
}

afterEach(() => {
  for (const room of rooms.splice(0)) room.leave();
  for (const name of names) ChatRoom.remove(name);
  names.clear();
});

describe('ChatRoom', () => {
  it('two participants talk, see each other, and a late joiner gets the history', async () => {
    const name = uniqueName('talk');
    const ann = join(name, 'ann');
    const bob = join(name, 'bob');
    const heard = next<ChannelMessage>(bob, 'message', (m) => m.text === 'hi bob');
    const seq = ann.send('hi bob');
    const m = await heard;
    expect(m).toMatchObject({ seq, nick: 'ann', text: 'hi bob', pid: process.pid, slot: ann.slot });
    expect(ann.isOwn(m)).toBe(true);
    expect(bob.isOwn(m)).toBe(false);
    expect(bob.participants().map((p) => p.nick).sort()).toEqual(['ann', 'bob']);

    const late = join(name, 'cy', { history: true });
    const replayed = await next<ChannelMessage>(late, 'message', (x) => x.text === 'hi bob');
    expect(replayed.seq).toBe(seq);
    expect(late.history().map((x) => x.text)).toEqual(['hi bob']);
  });

  it('echo: false leaves out only this participant\'s own messages (history keeps them)', async () => {
    const name = uniqueName('echo');
    const ann = join(name, 'ann', { echo: false });
    const bob = join(name, 'bob');
    const annGot: string[] = [];
    ann.on('message', (m) => annGot.push(m.text));
    const bobHeard = next<ChannelMessage>(bob, 'message', (m) => m.text === 'from ann');
    const annHeard = next<ChannelMessage>(ann, 'message', (m) => m.text === 'from bob');
    ann.send('from ann');
    expect((await bobHeard).nick).toBe('ann');
    bob.send('from bob');
    await annHeard;
    expect(annGot).toEqual(['from bob']);
    expect(ann.history().map((m) => m.text)).toEqual(['from ann', 'from bob']);
  });

  it('emits presence when someone leaves', async () => {
    const name = uniqueName('presence');
    const ann = join(name, 'ann');
    // Ann must see bob arrive first: a join and a leave within one turn can reach her waiter
    // as one unchanged participant list, which is (rightly) no presence event at all.
    const arrived = next<ChannelParticipant[]>(ann, 'presence', (ps) => ps.some((p) => p.nick === 'bob'));
    const bob = join(name, 'bob', { lowLatency: true });
    await arrived;
    const left = next<ChannelParticipant[]>(ann, 'presence', (ps) => !ps.some((p) => p.nick === 'bob'));
    bob.leave();
    expect((await left).map((p) => p.nick)).toEqual(['ann']);
    expect(() => bob.send('x')).toThrow(expect.objectContaining({ code: 'ECLOSED' }));
  });

  it('refuses bad room names and oversized messages', () => {
    expect(() => ChatRoom.join('no spaces', { nick: 'a' })).toThrow(RangeError);
    const room = join(uniqueName('size'), 'ann');
    expect(() => room.send('x'.repeat(room.info.maxText + 1))).toThrow(RangeError);
    expect(() => join(uniqueName('nick'), 'n'.repeat(33))).toThrow(RangeError);
  });

  it('remove() deletes only the named room', () => {
    const name = uniqueName('remove');
    join(name, 'ann').leave();
    expect(ChatRoom.remove(name)).toBe(true);
    expect(ChatRoom.remove(name)).toBe(false);
    expect(() => ChatRoom.join(name, { nick: 'a', create: false })).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
