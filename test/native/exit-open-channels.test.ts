// A process that exits with channels still open (never closed) must exit cleanly: the
// addon's teardown hook and the Channel destructor once both freed the hook's data
// (glibc abort, rc 134). Its presence is gone after the exit, and the rooms keep working.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ChatRoom, roomKey } from '../../main/chat';
import { native } from '../../main/native';
import { cleanupChannels, openChannel, uniqueRoom } from '../helpers/chat';

const root = fileURLToPath(new URL('../..', import.meta.url));
const addonPath = join(root, 'native', 'build', 'Release', 'shmscope.node');
// Inside the checkout, so the bundle finds native/build the way the real one does.
const bundleDir = mkdtempSync(join(root, 'out', '.test-exit-'));
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));
afterEach(cleanupChannels);

/** Runs a child to its end; it must exit 0 with nothing on stderr. */
function runChild(args: string[]): void {
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });
  expect({ status: child.status, signal: child.signal, stderr: child.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
}

/** The rooms outlive the child: nobody is present any more, and a newcomer can talk. */
function expectRoomsUsableAndEmpty(rooms: Array<{ name: string; key: number }>): void {
  for (const room of rooms) {
    const ch = openChannel(room, { create: false });
    expect(native().channelDescribe(ch.info().shmid)?.participants).toEqual([]);
    ch.join('after');
    const seq = ch.send('still works');
    expect(ch.readHistory().at(-1)).toMatchObject({ type: 'message', seq, text: 'still works' });
  }
}

describe.each([1, 8, 64])('a process exiting with %i open channels', (count) => {
  it('native Channel, joined, some started: exits 0 with no stderr, presence cleared', () => {
    const rooms = Array.from({ length: count }, () => uniqueRoom('exit'));
    // Every third channel runs its waiter thread (unref'd, so the process can end).
    const script = `
      const addon = require(process.argv[1]);
      const rooms = JSON.parse(process.argv[2]);
      globalThis.keep = rooms.map((room, i) => {
        const ch = new addon.Channel({ name: room.name, key: room.key });
        ch.join('leaver');
        if (i % 3 === 0) { ch.start(() => {}); ch.setRef(false); }
        return ch;
      });`;
    try {
      runChild(['-e', script, addonPath, JSON.stringify(rooms)]);
      expectRoomsUsableAndEmpty(rooms);
    } finally {
      for (const room of rooms) removeRoomSegment(room.key);
    }
  });

  it('ChatRoom (keepAlive false), never left: exits 0 with no stderr, presence cleared', async () => {
    const names = Array.from({ length: count }, () => uniqueRoom('exitroom').name);
    const script = join(bundleDir, `chat-${count}.mjs`);
    await build({
      stdin: {
        contents: `import { ChatRoom } from './main/chat';
          const names = JSON.parse(process.argv[2]);
          globalThis.keep = names.map((name) => ChatRoom.join(name, { nick: 'leaver', history: true, keepAlive: false }));`,
        resolveDir: root,
        loader: 'ts',
      },
      bundle: true, platform: 'node', format: 'esm', outfile: script, logLevel: 'silent',
    });
    try {
      runChild([script, JSON.stringify(names)]);
      expectRoomsUsableAndEmpty(names.map((name) => ({ name, key: roomKey(name) })));
    } finally {
      for (const name of names) ChatRoom.remove(name);
    }
  });
});

/** Removes the segment at `key` if there is one (the child created it). */
function removeRoomSegment(key: number): void {
  try {
    native().sysvRemove(native().sysvGet(key, { create: false, exclusive: false, mode: 0, size: 0 }));
  } catch { /* never created */ }
}
