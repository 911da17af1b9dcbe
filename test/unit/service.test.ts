// The service over real segments: reads, writes, watches (bytesChanged on change only),
// removal ending watches, errors with codes, and per-client cleanup on dispose.
import { afterEach, describe, expect, it } from 'vitest';
import { createService, type Client, type Emit, type Service } from '../../main/service';
import type { ChatJoin, ChatRoomHandle } from '../../main/service/chat';
import { openSegment, parseRef, removeSegment } from '../../main/segments';
import type { EventName, Reply } from '../../common/contract';
import { uniquePosixName } from '../helpers/unique';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try { await cleanup(); } catch { /* already gone */ }
  }
});

interface Recorded { event: EventName; payload: unknown }

function connect(service: Service): { client: Client; events: Recorded[]; call: (m: string, ...a: unknown[]) => Promise<Reply> } {
  const events: Recorded[] = [];
  const emit: Emit = (event, payload) => { events.push({ event, payload }); };
  const client = service.connect(emit);
  cleanups.push(() => client.dispose());
  return { client, events, call: (m, ...a) => client.call(m, a) };
}

function ok<T>(reply: Reply): T {
  if (!reply.ok) throw new Error(`call failed: ${reply.error.code} ${reply.error.message}`);
  return reply.result as T;
}

function newService(extra: Partial<Parameters<typeof createService>[0]> = {}): Service {
  const service = createService({ transport: 'web', intervalMs: 50, ...extra });
  cleanups.push(() => service.close());
  return service;
}

async function posixSegment(size = 4096): Promise<string> {
  const name = uniquePosixName('svc');
  const ref = `posix:${name.slice(1)}`;
  const service = newService();
  const { call } = connect(service);
  ok(await call('createSegment', { kind: 'posix', name, size, mode: 0o600, exclusive: true }));
  cleanups.push(() => removeSegment(parseRef(ref)));
  return ref;
}

const until = async (check: () => boolean, what: string): Promise<void> => {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('service', () => {
  it('reports info and refuses unknown methods and bad arguments with codes', async () => {
    const { call } = connect(newService());
    expect(ok<{ transport: string; pid: number }>(await call('info'))).toMatchObject({ transport: 'web', pid: process.pid });
    expect(await call('rm -rf')).toEqual({ ok: false, error: { message: 'rm -rf: no such method (ENOSYS)', code: 'ENOSYS' } });
    const bad = await call('readRange', 'posix:x', -5, 1);
    expect(bad).toMatchObject({ ok: false, error: { code: 'EINVAL', message: expect.stringMatching(/^readRange\(offset\)/) } });
    const missing = await call('readRange', `posix:${uniquePosixName('none').slice(1)}`, 0, 1);
    expect(missing).toMatchObject({ ok: false, error: { code: 'ENOENT' } });
  });

  it('writes through an explicit attachment and reads back, clamping at the end', async () => {
    const ref = await posixSegment(100);
    const { call } = connect(newService());
    expect(ok(await call('writeRange', ref, 96, new Uint8Array([1, 2, 3, 4])))).toEqual({ ref, offset: 96, written: 4 });
    const bytes = ok<{ size: number; data: Uint8Array }>(await call('readRange', ref, 90, 64));
    expect(bytes.size).toBe(100);
    expect([...bytes.data]).toEqual([0, 0, 0, 0, 0, 0, 1, 2, 3, 4]);
    expect(await call('writeRange', ref, 98, new Uint8Array(4))).toMatchObject({ ok: false, error: { code: 'ERANGE' } });
    expect(await call('readRange', ref, 101, 1)).toMatchObject({ ok: false, error: { code: 'ERANGE', message: expect.stringContaining('past the end') } });
  });

  it('shows one segment row and lists it', async () => {
    const ref = await posixSegment(4096);
    const { call } = connect(newService());
    expect(ok(await call('showSegment', ref))).toMatchObject({ kind: 'posix', ref, size: 4096 });
    const list = ok<{ segments: { ref: string }[] }>(await call('listSegments'));
    expect(list.segments.map((s) => s.ref)).toContain(ref);
  });

  it('emits bytesChanged only when a watched range changes, and ends watches on removal', async () => {
    const ref = await posixSegment(64);
    const { call, events } = connect(newService());
    const watch = ok<{ watchId: string; data: Uint8Array }>(await call('watchRange', ref, 0, 16));
    expect(watch.data).toEqual(new Uint8Array(16));
    await new Promise((r) => setTimeout(r, 200));
    expect(events.filter((e) => e.event === 'bytesChanged')).toEqual([]);

    const other = openSegment(parseRef(ref), { writable: true });
    other.write(3, new Uint8Array([0xab]));
    other.close();
    await until(() => events.some((e) => e.event === 'bytesChanged'), 'bytesChanged');
    const changed = events.find((e) => e.event === 'bytesChanged')!.payload as { watchId: string; data: Uint8Array };
    expect(changed.watchId).toBe(watch.watchId);
    expect(changed.data[3]).toBe(0xab);

    expect(ok(await call('removeSegment', ref))).toEqual({ ref });
    const last = events.at(-1)!;
    expect(last.event).toBe('bytesChanged');
    expect(last.payload).toMatchObject({ watchId: watch.watchId, error: { code: 'ENOENT' } });
    expect(await call('unwatch', watch.watchId)).toMatchObject({ ok: false, error: { code: 'ENOENT' } });
    expect(await call('showSegment', ref)).toMatchObject({ ok: false, error: { code: 'ENOENT' } });
  });

  it('pushes segmentsChanged when a segment appears', async () => {
    const { events } = connect(newService());
    await until(() => events.some((e) => e.event === 'segmentsChanged'), 'first list');
    const ref = await posixSegment(4096);
    await until(() => events.some((e) => e.event === 'segmentsChanged'
      && (e.payload as { segments: { ref: string }[] }).segments.some((s) => s.ref === ref)), 'list with the new segment');
  });

  it('releases watches and leaves rooms when a client is disposed', async () => {
    const ref = await posixSegment(64);
    const left: string[] = [];
    const join: ChatJoin = async (room, { nick }) => {
      const handle: ChatRoomHandle = {
        pid: 1, slot: 0,
        onMessages() {}, onMissed() {}, onPresence() {},
        send() {}, history: () => [], participants: () => [{ pid: 1, slot: 0, nick, joinedAt: 0 }],
        leave() { left.push(room); },
      };
      return handle;
    };
    const service = newService({ chat: join });
    const { client, call } = connect(service);
    const watch = ok<{ watchId: string }>(await call('watchRange', ref, 0, 8));
    const session = ok<{ sessionId: string; participants: unknown[] }>(await call('chatJoin', 'lobby', 'ann'));
    expect(session.participants).toEqual([{ pid: 1, slot: 0, nick: 'ann', joinedAt: 0 }]);
    await client.dispose();
    expect(left).toEqual(['lobby']);
    expect(await client.call('unwatch', [watch.watchId])).toMatchObject({ ok: false, error: { code: 'ECONNRESET' } });
  });

  it('relays chat events with the session id', async () => {
    let deliver: (text: string) => void = () => {};
    const join: ChatJoin = async () => ({
      pid: 2, slot: 1,
      onMessages(listener) { deliver = (text) => listener([{ seq: 1, pid: 2, slot: 1, nick: 'bob', text, time: 3 }]); },
      onMissed() {}, onPresence() {},
      send(text) { deliver(text); }, history: () => [], participants: () => [], leave() {},
    });
    const { call, events } = connect(newService({ chat: join }));
    const { sessionId } = ok<{ sessionId: string }>(await call('chatJoin', 'lobby', 'ann', { history: false }));
    ok(await call('chatSend', sessionId, 'hello'));
    expect(events.filter((e) => e.event === 'chatMessages')).toEqual([
      { event: 'chatMessages', payload: { sessionId, messages: [{ seq: 1, pid: 2, slot: 1, nick: 'bob', text: 'hello', time: 3 }] } },
    ]);
    ok(await call('chatLeave', sessionId));
    expect(await call('chatSend', sessionId, 'again')).toMatchObject({ ok: false, error: { code: 'ENOENT' } });
  });

  it('says chat is unavailable when no backend is wired', async () => {
    const { call } = connect(newService({ chat: undefined }));
    expect(await call('chatJoin', 'lobby', 'ann')).toMatchObject({ ok: false, error: { code: 'ENOSYS' } });
  });
});

describe('service chat over the real channel', () => {
  it('two clients meet in a room: history, live messages, presence, own slot, room label', async () => {
    const { joinChatRoom } = await import('../../main/service/chat-backend');
    const { ChatRoom } = await import('../../main/chat');
    const room = `svc-test-${process.pid}-${Date.now().toString(36)}`;
    cleanups.push(() => ChatRoom.remove(room));
    const service = newService({ chat: joinChatRoom });
    const a = connect(service);
    const b = connect(service);
    const sa = ok<{ sessionId: string; pid: number; slot: number }>(await a.call('chatJoin', room, 'ann'));
    ok(await a.call('chatSend', sa.sessionId, 'before bob'));
    const sb = ok<{ sessionId: string; slot: number; history: { text: string }[] }>(await b.call('chatJoin', room, 'bob'));
    expect(sb.history.map((m) => m.text)).toEqual(['before bob']);
    expect(sb.slot).not.toBe(sa.slot);
    ok(await b.call('chatSend', sb.sessionId, 'hi ann'));
    const texts = (client: typeof a) => client.events.flatMap((e) => e.event === 'chatMessages'
      ? (e.payload as { messages: { text: string }[] }).messages.map((m) => m.text) : []);
    const got = (client: typeof a, text: string) => texts(client).includes(text);
    await until(() => got(a, 'hi ann'), 'ann sees hi ann');
    await until(() => got(b, 'hi ann'), 'bob sees hi ann');
    // bob sees "before bob" once (history), never again live.
    expect(texts(b)).not.toContain('before bob');
    const people = ok<{ nick: string }[]>(await a.call('chatParticipants', sa.sessionId));
    expect(people.map((p) => p.nick).sort()).toEqual(['ann', 'bob']);
    const list = ok<{ segments: { room?: string }[] }>(await a.call('listSegments'));
    expect(list.segments.some((s) => s.room === room)).toBe(true);
    await b.client.dispose();
    await until(() => a.events.some((e) => e.event === 'chatPresence'
      && (e.payload as { participants: { nick: string }[] }).participants.every((p) => p.nick !== 'bob')), 'bob gone');
  });
});

describe('watches let go of segments others remove', () => {
  it('ends a POSIX watch when another process unlinks the name', async () => {
    const ref = await posixSegment(64);
    const { call, events } = connect(newService());
    const watch = ok<{ watchId: string }>(await call('watchRange', ref, 0, 8));
    removeSegment(parseRef(ref)); // "another process": not through the service
    await until(() => events.some((e) => e.event === 'bytesChanged'), 'the watch to end');
    expect(events.find((e) => e.event === 'bytesChanged')!.payload)
      .toMatchObject({ watchId: watch.watchId, error: { code: 'ENOENT', message: expect.stringContaining('removed (unlinked) by another process') } });
  });

  it('detaches from a SysV segment another process marked for removal, so it can go', async () => {
    const { createSegment } = await import('../../main/segments');
    const { native } = await import('../../main/native');
    const { ref } = createSegment({ kind: 'sysv', identity: { by: 'private' }, size: 4096, mode: 0o600, exclusive: true });
    cleanups.push(() => removeSegment(parseRef(ref)));
    const { call, events } = connect(newService());
    ok(await call('watchRange', ref, 0, 8));
    const shmid = Number(ref.slice(5));
    expect(native().sysvStat(shmid).nattch).toBe(1);
    native().sysvRemove(shmid);
    await until(() => events.some((e) => e.event === 'bytesChanged'), 'the watch to end');
    expect(() => native().sysvStat(shmid)).toThrow(); // our detach was the last one: gone
  });
});
