// Rooms under attack by another local user (issue 8, item 5): a room squatted by another
// user is refused unless trusted, forged presence entries are marked unverified, a failed
// join leaves no segment, and `shmscope write` will not break a room's header by accident.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatRoom, describeChannel, roomKey } from '../../main/chat';
import { native } from '../../main/native';
import { processInfo } from '../../main/scan/maps';
import { createService } from '../../main/service';
import { joinChatRoom } from '../../main/service/chat-backend';
import { NOBODY, shmscope, shmscopeAsNobody } from '../helpers/cli';

const rooms = new Set<string>();
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try { await cleanup(); } catch { /* already gone */ }
  }
  for (const room of rooms) ChatRoom.remove(room);
  rooms.clear();
});

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function uniqueRoomName(tag: string): string {
  const room = `cli-${tag}-${process.pid}-${randomBytes(3).toString('hex')}`;
  rooms.add(room);
  return room;
}

function roomSegment(room: string): number | null {
  try {
    return native().sysvGet(roomKey(room), { create: false, exclusive: false, mode: 0, size: 0 });
  } catch {
    return null;
  }
}

/** nobody creates the room first (as a squatter would), with a message in it. */
function squat(room: string): number {
  const made = shmscopeAsNobody(['chat', room, '--send', 'squatted', '--nick', 'squatter']);
  expect(made.stderr).toBe('');
  expect(made.status).toBe(0);
  const shmid = roomSegment(room)!;
  expect(native().sysvStat(shmid)).toMatchObject({ uid: NOBODY, cuid: NOBODY });
  return shmid;
}

const owned = (room: string) => `room:${room}: is owned by user nobody (uid ${NOBODY}), not you; anyone owning it can read, forge or break it`;

describe('a room another user created first', () => {
  it('is refused by the CLI (EPERM, naming the owner) unless --trust-owner is given', () => {
    const room = uniqueRoomName('squat');
    squat(room);
    const refused = shmscope(['chat', room, '--send', 'secret']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`${owned(room)} — pass --trust-owner to join anyway (EPERM)`);
    expect(shmscope(['chat', room, '--listen', '--history', '--count', '1', '--timeout', '5']).stderr).toContain('(EPERM)');
    // Nothing was sent into the squatter's room.
    expect(describeChannel(roomSegment(room)!)?.messages).toBe(1);

    const trusted = shmscope(['chat', room, '--trust-owner', '--nick', 'me'], { input: 'hello\n/quit\n' });
    expect(trusted.status).toBe(0);
    expect(trusted.stdout).toContain(`-- WARNING: the room is owned by user nobody (uid ${NOBODY}), not you`);
    expect(describeChannel(roomSegment(room)!)?.messages).toBe(2);
  });

  it('is refused by ChatRoom.join and the service unless trustOwner is set, and the session names the owner', async () => {
    const room = uniqueRoomName('squat-ui');
    squat(room);
    expect(() => ChatRoom.join(room, { nick: 'me', keepAlive: false })).toThrow(expect.objectContaining({ code: 'EPERM', message: `${owned(room)} (EPERM)` }));

    const service = createService({ transport: 'web', intervalMs: 50, chat: joinChatRoom });
    cleanups.push(() => service.close());
    const client = service.connect(() => {});
    cleanups.push(() => client.dispose());
    const refused = await client.call('chatJoin', [room, 'me', { history: true }]);
    expect(refused).toEqual({ ok: false, error: { code: 'EPERM', message: `${owned(room)} (EPERM)` } });
    const joined = await client.call('chatJoin', [room, 'me', { history: true, trustOwner: true }]);
    expect(joined.ok).toBe(true);
    const session = (joined as { result: { owner: unknown; history: { text: string }[] } }).result;
    expect(session.owner).toEqual({ uid: NOBODY, user: 'nobody', creatorUid: NOBODY, creator: 'nobody', mine: false });
    expect(session.history.map((m) => m.text)).toEqual(['squatted']);
  });

  it('names the owner even to a user who may not read the segment (nobody facing root\'s private room)', () => {
    const room = uniqueRoomName('private');
    ChatRoom.join(room, { nick: 'me', keepAlive: false }).leave();
    const refused = shmscopeAsNobody(['chat', room, '--send', 'x']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`room:${room}: is owned by user root (uid 0), not you; anyone owning it can read, forge or break it — pass --trust-owner to join anyway (EPERM)`);
  });

  it('is joined without a question when it is ours, and says so', () => {
    const room = uniqueRoomName('mine');
    const result = shmscope(['chat', room, '--nick', 'me'], { input: '/quit\n' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('-- the room is yours');
  });
});

/** Writes a presence slot by hand, as anyone who can write the segment can. */
function forgeSlot(shmid: number, slot: number, pid: number, nick: string): void {
  const bytes = Buffer.alloc(128);
  bytes.writeBigUInt64LE((BigInt(pid) << 32n) | (1n << 8n) | 2n, 0); // pid, epoch 1, ACTIVE
  bytes.writeBigUInt64LE(0n, 8); // start time unknown: liveness falls back to kill(pid, 0)
  bytes.writeBigUInt64LE(BigInt(Date.now()), 16);
  bytes.writeUInt8(Buffer.byteLength(nick), 24);
  bytes.write(nick, 32);
  const attachment = new (native().SysvAttachment)(shmid, false);
  try {
    attachment.write(4096 + slot * 128, bytes);
  } finally {
    attachment.close();
  }
}

describe('forged presence', () => {
  it('marks entries whose pid never joined, or whose nick names another user, as unverified (API, service and /who)', async () => {
    const room = uniqueRoomName('forge');
    // A live process of user nobody that has nothing to do with the room.
    const bystander = spawn('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', 'sleep', '60'], { stdio: 'ignore' });
    cleanups.push(() => bystander.kill('SIGKILL'));
    await until('the bystander to run as nobody', () => processInfo(bystander.pid!)?.uid === NOBODY);
    const me = ChatRoom.join(room, { nick: 'me', keepAlive: false });
    cleanups.push(() => me.leave());
    const shmid = roomSegment(room)!;
    forgeSlot(shmid, 10, bystander.pid!, 'mallory');
    forgeSlot(shmid, 11, bystander.pid!, 'root');

    const people = me.participants();
    expect(people.find((p) => p.nick === 'me')).toMatchObject({ pid: process.pid, uid: 0, user: 'root', verified: true });
    expect(people.find((p) => p.nick === 'mallory')).toMatchObject({
      pid: bystander.pid, uid: NOBODY, user: 'nobody', verified: false,
      reason: `pid ${bystander.pid} runs as nobody (uid ${NOBODY}) and does not have this room attached: a forged or stale entry`,
    });
    expect(people.find((p) => p.nick === 'root')).toMatchObject({
      verified: false, reason: `nick "root" is the name of another user, but pid ${bystander.pid} runs as nobody (uid ${NOBODY})`,
    });

    const who = shmscope(['chat', room, '--nick', 'viewer'], { input: '/who\n/quit\n' });
    expect(who.status).toBe(0);
    expect(who.stdout).toMatch(new RegExp(`-- mallory \\(pid ${bystander.pid}, joined \\d\\d:\\d\\d:\\d\\d\\) \\[unverified: pid ${bystander.pid} runs as nobody`));
    expect(who.stdout).toMatch(/-- me \(pid \d+, joined \d\d:\d\d:\d\d\)\n/);

    const handle = await joinChatRoom(room, { nick: 'svc', history: false, trustOwner: false });
    cleanups.push(() => handle.leave());
    expect(handle.participants().find((p) => p.nick === 'mallory')).toMatchObject({ verified: false, uid: NOBODY, user: 'nobody' });
  });
});

describe('a join that fails', () => {
  it('creates no segment (nick too long), in the API and the CLI', () => {
    const room = uniqueRoomName('nick');
    expect(() => ChatRoom.join(room, { nick: 'x'.repeat(33) })).toThrow(/nick must be at most 32 bytes/);
    expect(roomSegment(room)).toBeNull();
    const cli = shmscope(['chat', room, '--nick', 'ü'.repeat(17), '--send', 'hi']);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(`room:${room}: nick must be at most 32 bytes of UTF-8`);
    expect(roomSegment(room)).toBeNull();
  });
});

describe('shmscope write into a room', () => {
  it('refuses the header page without --force, and --force shows why', () => {
    const room = uniqueRoomName('write');
    ChatRoom.join(room, { nick: 'me', keepAlive: false }).leave();
    const shmid = roomSegment(room)!;
    cleanups.push(() => native().sysvRemove(shmid)); // once its header is broken, ChatRoom.remove no longer knows it
    const refused = shmscope(['write', `room:${room}`, '--offset', '8', '--hex', '09']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`sysv:${shmid}: is the chat room "${room}": writing into its header page (bytes 0-4095) breaks the room for everyone in it (ECHANNEL) — pass --force to write anyway (EPERM)`);
    // Untouched: the room still works.
    expect(shmscope(['chat', room, '--send', 'still fine']).status).toBe(0);
    // Past the header (the ring) is not refused.
    expect(shmscope(['write', `sysv:${shmid}`, '--offset', '0x10000', '--hex', '00']).status).toBe(0);

    const forced = shmscope(['write', `room:${room}`, '--offset', '8', '--hex', '09', '--force']);
    expect(forced.status).toBe(0);
    expect(shmscope(['chat', room, '--send', 'broken']).stderr).toContain('(ECHANNEL)');
  });
});
