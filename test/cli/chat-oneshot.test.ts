// `chat --send` and `chat --listen` are one-shots: their presence slot carries the quiet flag,
// so the others list them but print no "joined"/"left" line for them (docs/channel-format.md).
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatRoom, describeChannel, roomKey } from '../../main/chat';
import { native } from '../../main/native';
import { shmscope } from '../helpers/cli';

const bin = fileURLToPath(new URL('../../bin/shmscope.js', import.meta.url));
const rooms = new Set<string>();
const children = new Set<ChildProcessWithoutNullStreams>();
const joined: ChatRoom[] = [];

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const room of joined.splice(0)) room.leave();
  for (const room of rooms) ChatRoom.remove(room);
  rooms.clear();
});

function uniqueRoomName(tag: string): string {
  const room = `cli-${tag}-${process.pid}-${randomBytes(3).toString('hex')}`;
  rooms.add(room);
  return room;
}

function startCli(args: string[]): { child: ChildProcessWithoutNullStreams; output(): string } {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  child.once('exit', () => children.delete(child));
  return { child, output: () => out };
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function participants(room: string): { pid: number; nick: string; quiet?: true }[] {
  try {
    const shmid = native().sysvGet(roomKey(room), { create: false, exclusive: false, mode: 0, size: 0 });
    return describeChannel(shmid)?.participants ?? [];
  } catch {
    return [];
  }
}

describe('chat one-shots are not announced', () => {
  it('an interactive participant sees --send\'s message and nothing of --listen coming and going; a real join is announced', async () => {
    const room = uniqueRoomName('quiet');
    const watcher = startCli(['chat', room, '--nick', 'watcher']);
    await until('the watcher to join', () => participants(room).some((p) => p.nick === 'watcher'));

    const listener = startCli(['chat', room, '--listen', '--nick', 'lurker', '--timeout', '30']);
    const entry = await until('the listener to join', () => participants(room).find((p) => p.pid === listener.child.pid));
    expect(entry).toMatchObject({ nick: 'lurker', quiet: true });  // listed, marked one-shot

    const sent = shmscope(['chat', room, '--send', 'one-shot hello', '--nick', 'sender']);
    expect(sent.stderr).toBe('');
    expect(sent.status).toBe(0);
    await until('the message', () => watcher.output().includes('one-shot hello'));

    listener.child.kill('SIGTERM');
    await until('the listener to leave', () => !participants(room).some((p) => p.nick === 'lurker'));
    // A participant that is not a one-shot is announced, so the watcher does print presence lines.
    joined.push(ChatRoom.join(room, { nick: 'visitor' }));
    await until('the visitor to be announced', () => watcher.output().includes('* visitor joined'));

    expect(watcher.output()).not.toMatch(/\* (lurker|sender) (joined|left)/);
  });
});
