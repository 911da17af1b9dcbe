// `shmscope chat` as users run it: separate processes meeting in one room, and the
// textbook C programs on the classic layout.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ChatRoom, describeChannel, roomKey } from '../../main/chat';
import { native } from '../../main/native';
import { SegmentJanitor } from '../helpers/cleanup';
import { compileClassicPrograms } from '../helpers/classic-programs';
import { shmscope } from '../helpers/cli';
import { uniqueSysvKey } from '../helpers/unique';

const bin = fileURLToPath(new URL('../../bin/shmscope.js', import.meta.url));
const rooms = new Set<string>();
const children = new Set<ChildProcessWithoutNullStreams>();
const janitor = new SegmentJanitor();
const programs = compileClassicPrograms();

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const room of rooms) ChatRoom.remove(room);
  rooms.clear();
  janitor.cleanup();
});
afterAll(() => rmSync(programs.dir, { recursive: true, force: true }));

function uniqueRoomName(tag: string): string {
  const room = `cli-${tag}-${process.pid}-${randomBytes(3).toString('hex')}`;
  rooms.add(room);
  return room;
}

interface Running {
  child: ChildProcessWithoutNullStreams;
  output(): string;
  exited: Promise<number | null>;
}

function start(command: string, args: string[]): Running {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stdout += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { children.delete(child); resolve(code); }));
  return { child, output: () => stdout, exited };
}

const startCli = (args: string[]) => start(process.execPath, [bin, ...args]);

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function participantPids(room: string): number[] {
  try {
    const shmid = native().sysvGet(roomKey(room), { create: false, exclusive: false, mode: 0, size: 0 });
    return describeChannel(shmid)?.participants.map((p) => p.pid) ?? [];
  } catch {
    return [];
  }
}

function ok(args: string[]): string {
  const result = shmscope(args);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

describe('shmscope chat --send / --listen', () => {
  it('delivers live messages from two senders to a listener, as JSON lines', async () => {
    const room = uniqueRoomName('live');
    const listener = startCli(['chat', room, '--listen', '--count', '2', '--timeout', '20', '--json']);
    await until('the listener to join', () => participantPids(room).includes(listener.child.pid!));
    ok(['chat', room, '--send', 'hello there', '--nick', 'alice']);
    ok(['chat', room, '--send', 'zweite Nachricht ✓', '--nick', 'bob']);
    expect(await listener.exited).toBe(0);
    const lines = listener.output().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      { seq: expect.any(Number), nick: 'alice', pid: expect.any(Number), time: expect.any(Number), text: 'hello there' },
      { seq: expect.any(Number), nick: 'bob', pid: expect.any(Number), time: expect.any(Number), text: 'zweite Nachricht ✓' },
    ]);
    expect(lines[1]!.seq).toBe((lines[0]!.seq as number) + 1);
  });

  it('lets a late joiner replay the history, and fails with status 1 when fewer than --count arrive', () => {
    const room = uniqueRoomName('late');
    ok(['chat', room, '--send', 'first', '--nick', 'early']);
    ok(['chat', room, '--send', 'second', '--nick', 'early']);
    const replay = ok(['chat', room, '--listen', '--history', '--count', '2', '--timeout', '10']);
    expect(replay).toMatch(/^\[\d\d:\d\d:\d\d\] <early@\d+> first\n\[\d\d:\d\d:\d\d\] <early@\d+> second\n$/);
    const short = shmscope(['chat', room, '--listen', '--history', '--count', '3', '--timeout', '1']);
    expect(short.status).toBe(1);
    expect(short.stderr).toContain('timed out after 1 s with 2 of 3 messages');
  });

  it('rejects bad room names and option mixes clearly', () => {
    const bad = shmscope(['chat', 'no/slashes', '--send', 'x']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/invalid room name "no\/slashes"/);
    expect(shmscope(['chat', 'r', '--send', 'x', '--listen']).stderr).toMatch(/--send or --listen, not both/);
    expect(shmscope(['chat', 'r', '--count', '2']).stderr).toMatch(/go with --listen/);
  });
});

describe('rooms in ls, show and rm', () => {
  it('labels a room in ls, shows its participants, and removes it by room:NAME', async () => {
    const room = uniqueRoomName('ls');
    const listener = startCli(['chat', room, '--listen', '--nick', 'lurker', '--timeout', '20']);
    await until('the listener to join', () => participantPids(room).includes(listener.child.pid!));
    ok(['chat', room, '--send', 'counted', '--nick', 'alice']);
    const rows = (JSON.parse(ok(['ls', '--json'])) as { segments: { room?: string; key: string | null; nattch: number }[] }).segments;
    const row = rows.find((candidate) => candidate.room === room);
    expect(row).toMatchObject({ key: `0x${roomKey(room).toString(16).padStart(8, '0')}`, nattch: 1 });
    expect(ok(['ls'])).toContain(`room:${room}`);
    const shown = JSON.parse(ok(['show', `room:${room}`, '--json'])) as { channel: { name: string; messages: number; participants: { nick: string; pid: number }[] } };
    expect(shown.channel).toMatchObject({ name: room, messages: 1, participants: [{ nick: 'lurker', pid: listener.child.pid }] });
    listener.child.kill('SIGTERM');
    expect(await listener.exited).toBe(0);
    expect(ok(['rm', `room:${room}`])).toMatch(/^removed sysv:\d+\n$/);
    expect(shmscope(['show', `room:${room}`]).stderr).toContain(`room:${room}: no such room (ENOENT)`);
  });
});

describe('interactive shmscope chat', () => {
  it('sends typed lines, answers /who, and leaves on /quit', async () => {
    const room = uniqueRoomName('tty');
    const listener = startCli(['chat', room, '--listen', '--count', '1', '--timeout', '20']);
    await until('the listener to join', () => participantPids(room).includes(listener.child.pid!));
    const carol = startCli(['chat', room, '--nick', 'carol']);
    await until('carol to join', () => carol.output().includes('-- joined room'));
    carol.child.stdin.write('hi from carol\n');
    expect(await listener.exited).toBe(0);
    expect(listener.output()).toMatch(/<carol@\d+> hi from carol/);
    carol.child.stdin.write('/who\n/quit\n');
    expect(await carol.exited).toBe(0);
    expect(carol.output()).toMatch(new RegExp(`-- carol \\(pid ${carol.child.pid}, joined`));
  });

  it('keeps working for the others when one participant is killed with SIGKILL, and drops it from presence', async () => {
    const room = uniqueRoomName('kill');
    const observer = ChatRoom.join(room, { nick: 'observer' });
    try {
      const victim = startCli(['chat', room, '--nick', 'victim']);
      const survivor = startCli(['chat', room, '--nick', 'survivor']);
      await until('both to join', () => participantPids(room).length === 3);
      victim.child.stdin.write('about to die\n');
      victim.child.kill('SIGKILL');
      await victim.exited;
      await until('presence to drop the victim', () => {
        const nicks = observer.participants().map((p) => p.nick);
        return !nicks.includes('victim') && nicks.includes('survivor');
      });
      const received = new Promise<string>((resolve) => observer.on('message', (m) => { if (m.text === 'still here') resolve(m.nick); }));
      survivor.child.stdin.write('still here\n');
      expect(await received).toBe('survivor');
      await until('the survivor to see the victim leave', () => survivor.output().includes('* victim left'));
      survivor.child.stdin.end();
      expect(await survivor.exited).toBe(0);
    } finally {
      observer.leave();
    }
  });
});

describe('shmscope chat --classic with the textbook C programs', () => {
  it('sends to the C reader', async () => {
    const key = uniqueSysvKey();
    const reader = start(programs.reader, [`0x${key.toString(16)}`]);
    await until('the reader to attach', () => reader.output().includes('ready'));
    janitor.sysv(native().sysvGet(key, { create: false, exclusive: false, mode: 0, size: 0 }));
    ok(['chat', '--classic', '--key', `0x${key.toString(16)}`, '--send', 'hello, textbook']);
    ok(['chat', '--classic', '--key', String(key), '--send', 'end']);
    expect(await reader.exited).toBe(0);
    expect(reader.output()).toBe('ready\nYou wrote: hello, textbook\nYou wrote: end\n');
  });

  it('listens to the C writer', async () => {
    const key = uniqueSysvKey();
    const listener = startCli(['chat', '--classic', '--key', `0x${key.toString(16)}`, '--listen', '--json', '--timeout', '20']);
    await until('the listener to create the segment', () => {
      try { return janitor.sysv(native().sysvGet(key, { create: false, exclusive: false, mode: 0, size: 0 })) >= 0; } catch { return false; }
    });
    const writer = start(programs.writer, [`0x${key.toString(16)}`]);
    writer.child.stdin.end('one\ntwo\nend\n');
    expect(await writer.exited).toBe(0);
    expect(await listener.exited).toBe(0);
    const texts = listener.output().trim().split('\n').map((line) => (JSON.parse(line) as { text: string }).text);
    expect(texts).toEqual(['one', 'two', 'end']);
  });
});
