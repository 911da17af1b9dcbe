// channelDescribeBytes: the header check of channelDescribe, run on a copy of the bytes (read
// without attaching), so a label never needs shmat. Same validation, same refusals.
import { afterEach, describe, expect, it } from 'vitest';

import { native } from '../../main/native';
import { cleanupChannels, openChannel, uniqueRoom } from '../helpers/chat';

afterEach(cleanupChannels);

/** A joined room and a copy of its first `length` bytes (taken by attaching: this is a test). */
function roomBytes(length: number): { name: string; shmid: number; size: number; bytes: Buffer } {
  const room = uniqueRoom('bytes');
  const ch = openChannel(room, { ringBytes: 8192 });
  ch.join('alice');
  ch.send('hello');
  const seg = new (native().SysvAttachment)(ch.info().shmid, true);
  try {
    return { name: room.name, shmid: ch.info().shmid, size: seg.size, bytes: seg.read(0, Math.min(length, seg.size)) };
  } finally {
    seg.close();
  }
}

describe('channelDescribeBytes', () => {
  it('describes a room from a copy of its header and presence table', () => {
    const { name, shmid, size, bytes } = roomBytes(native().CHANNEL_DESCRIBE_BYTES);
    expect(native().channelDescribeBytes(bytes, size)).toMatchObject({
      name, version: 3, ringBytes: 8192, messages: 1, participants: [{ nick: 'alice', pid: process.pid }],
    });
    expect(native().channelDescribeBytes(bytes, size)).toEqual(native().channelDescribe(shmid));
  });

  it('gives the name from the header alone, and no participants it did not see', () => {
    const { name, size, bytes } = roomBytes(native().CHANNEL_HEADER_BYTES);
    expect(native().channelDescribeBytes(bytes, size)).toMatchObject({ name, participants: null });
  });

  it.each([
    ['magic', 0, [0x58]],
    ['ring size', 48, [0, 0, 0x10, 0, 0, 0, 0, 0]],
    ['slot count', 32, [0xff, 0xff, 0xff, 0xff]],
    ['segment size', 56, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]],
  ])('refuses a header whose %s is corrupted, as channelDescribe does', (_what, offset, patch) => {
    const { size, bytes } = roomBytes(native().CHANNEL_HEADER_BYTES);
    bytes.set(patch, offset);
    expect(native().channelDescribeBytes(bytes, size)).toBeNull();
  });

  it('refuses a header that claims more than the kernel says the segment has, and short copies', () => {
    const { size, bytes } = roomBytes(native().CHANNEL_HEADER_BYTES);
    expect(native().channelDescribeBytes(bytes, size - 4096)).toBeNull();
    expect(native().channelDescribeBytes(bytes.subarray(0, 4095), size)).toBeNull();
    expect(() => native().channelDescribeBytes('x' as unknown as Uint8Array, size)).toThrow(TypeError);
    expect(() => native().channelDescribeBytes(bytes, -1)).toThrow(RangeError);
  });
});
