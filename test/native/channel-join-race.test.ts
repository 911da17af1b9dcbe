// Joining a room that another process is creating at that very moment. The creator wins
// shmget(IPC_CREAT|IPC_EXCL) and only then writes the header: a joiner that attaches in
// between sees a page of zeros, which must read as "still being initialised" (wait for
// READY, bounded) and not as "not a channel" (ECHANNEL).
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { native } from '../../main/native';
import { cleanupChannels, openChannel, uniqueRoom } from '../helpers/chat';

const addonPath = join(fileURLToPath(new URL('../..', import.meta.url)), 'native', 'build', 'Release', 'shmscope.node');
const OFF_STATE = 12;  // docs/channel-format.md: u32 state word, stored last by the creator
const children = new Set<ChildProcess>();
const segments = new Set<number>();
afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  cleanupChannels();
  for (const shmid of segments) {
    try { native().sysvRemove(shmid); } catch { /* already gone */ }
  }
  segments.clear();
});

/** A child that prints "ready", opens (creating if need be) and joins the room when told
 *  "go" on stdin, then prints "joined" or "failed CODE: message" and exits. */
function joiner(room: { name: string; key: number }): { child: ChildProcess; ready: Promise<void>; result: Promise<string> } {
  const script = `
    const addon = require(process.argv[1]);
    const room = JSON.parse(process.argv[2]);
    process.stdout.write('ready\\n');
    process.stdin.once('data', () => {
      try {
        const ch = new addon.Channel({ name: room.name, key: room.key, ringBytes: 4096 });
        ch.join('joiner');
        ch.close();
        process.stdout.write('joined\\n');
      } catch (e) {
        process.stdout.write('failed ' + e.code + ': ' + e.message + '\\n');
      }
      process.exit(0);
    });`;
  const child = spawn(process.execPath, ['-e', script, addonPath, JSON.stringify(room)], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(child);
  let out = '';
  let markReady = (): void => {};
  const ready = new Promise<void>((resolve) => { markReady = resolve; });
  const result = new Promise<string>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.startsWith('ready\n')) markReady();
    });
    child.once('exit', () => resolve(out.replace(/^ready\n/, '').trim()));
  });
  return { child, ready, result };
}

/** A zero-filled SysV segment at `key`, as big as a room with a 4096-byte ring. */
function zeroSegment(key: number): { shmid: number; size: number } {
  const template = openChannel(uniqueRoom('size'), { ringBytes: 4096 });
  const size = native().sysvStat(template.info().shmid).size;
  const shmid = native().sysvGet(key, { create: true, exclusive: true, mode: 0o600, size });
  segments.add(shmid);
  return { shmid, size };
}

it('a joiner that finds the page still all zeros waits for the creator, then joins', async () => {
  const room = uniqueRoom('slowcreator');
  const { shmid, size } = zeroSegment(room.key);
  // What the creator will write: a real room's segment under the same name.
  const template = openChannel({ name: room.name, key: uniqueRoom('template').key }, { ringBytes: 4096 });
  const source = new (native().SysvAttachment)(template.info().shmid, true);
  const image = source.read(0, size);
  source.close();

  const j = joiner(room);
  await j.ready;
  j.child.stdin!.write('go\n');
  // Once the joiner has attached it is looking at the zeros: now "initialise" in the
  // creator's order, everything but the state word, then the state word.
  for (let i = 0; i < 1000 && native().sysvStat(shmid).nattch === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(native().sysvStat(shmid).nattch).toBe(1);
  const target = new (native().SysvAttachment)(shmid, false);
  try {
    const state = Buffer.from(image.subarray(OFF_STATE, OFF_STATE + 4));
    image.fill(0, OFF_STATE, OFF_STATE + 4);
    target.write(0, image);
    target.write(OFF_STATE, state);
  } finally {
    target.close();
  }
  expect(await j.result).toBe('joined');
});

it('a segment whose header stays all zeros is still refused (ECHANNEL) after the wait', () => {
  const room = uniqueRoom('zeros');
  zeroSegment(room.key);
  let error: unknown;
  try {
    new (native().Channel)({ name: room.name, key: room.key, create: false }).close();
  } catch (e) {
    error = e;
  }
  expect(error).toMatchObject({ code: 'ECHANNEL', message: expect.stringMatching(/not a usable channel: not a shmscope channel: its header stayed unwritten/) });
});

it('8 processes joining a fresh room at the same moment, under CPU load, all join (20 rooms)', async () => {
  // Busy loops compete for the CPUs, so a creator is often preempted inside the window.
  const load = [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  for (const busy of load) children.add(busy);
  const failures: string[] = [];
  for (let round = 0; round < 20; round++) {
    const room = uniqueRoom('stampede');
    const joiners = Array.from({ length: 8 }, () => joiner(room));
    try {
      await Promise.all(joiners.map((j) => j.ready));
      for (const j of joiners) j.child.stdin!.write('go\n');
      const results = await Promise.all(joiners.map((j) => j.result));
      failures.push(...results.filter((r) => r !== 'joined'));
    } finally {
      try { segments.add(native().sysvGet(room.key, { create: false, exclusive: false, mode: 0, size: 0 })); } catch { /* never created */ }
    }
  }
  expect(failures).toEqual([]);
}, 60_000);
