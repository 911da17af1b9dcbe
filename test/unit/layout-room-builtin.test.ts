// The Layout pane's built-in "shmscope room header" read over a real chat room: the fields
// docs/channel-format.md lists decode to what the channel wrote (magic, version, state by name,
// sizes, the room's name), and a send moves the tail's sequence number.
import { afterEach, expect, test } from 'vitest';
import { findType, parseDeclarations, type DecodedField } from '../../common/layout';
import { openSegment, parseRef } from '../../main/segments';
import { BUILTINS, decodeAt } from '../../renderer/lib/struct-view';
import { cleanupChannels, openChannel, uniqueRoom } from '../helpers/chat';

afterEach(() => cleanupChannels());

const builtin = BUILTINS.find((b) => b.id === 'room')!;
const header = findType(parseDeclarations(builtin.source), builtin.type)!.type;

function read(shmid: number): Record<string, DecodedField['value']> {
  const segment = openSegment(parseRef(`sysv:${shmid}`));
  try {
    return Object.fromEntries(decodeAt(header, segment.read(0, header.size), 1, 0).map((f) => [f.path, f.value]));
  } finally {
    segment.close();
  }
}

test('the built-in room header decodes a live room as the channel wrote it', () => {
  const room = uniqueRoom('layout');
  const channel = openChannel(room);
  const info = channel.info();
  const { shmid } = info;
  const before = read(shmid);
  expect(before).toMatchObject({
    magic: 'SHMSCHAT', version: 3, state: 'ROOM_READY', header_size: 4096, slot_size: 128, presence_offset: '4096',
    name_length: room.name.length, name: room.name, creator_pid: process.pid, next_sequence: '1',
    ring_size: String(info.ringBytes), slot_count: info.slots, max_text: info.maxText, created_ms: String(info.createdAt),
  });
  expect(BigInt(before.segment_size as string)).toBe(BigInt(before.ring_offset as string) + BigInt(before.ring_size as string));
  channel.send('hello');
  expect(read(shmid).next_sequence).toBe('2');
});
