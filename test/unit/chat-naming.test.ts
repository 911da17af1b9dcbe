import { describe, expect, it } from 'vitest';

import { fnv1a32, isRoomKey, roomKey, roomNameProblem, validateRoomName, ROOM_KEY_PREFIX } from '../../main/chat/naming';

describe('room naming', () => {
  it('accepts 1..64 characters of A-Z a-z 0-9 . _ -', () => {
    for (const ok of ['lobby', 'a', 'Room_1.two-3', 'x'.repeat(64)]) expect(roomNameProblem(ok)).toBeNull();
    for (const bad of ['', 'x'.repeat(65), 'with space', 'slash/room', 'ünï', '../up']) {
      expect(() => validateRoomName(bad)).toThrow(RangeError);
    }
  });

  it('maps names to keys in the 0x53xxxxxx block with FNV-1a', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);  // published FNV-1a test vector
    const key = roomKey('lobby');
    expect(key).toBe((ROOM_KEY_PREFIX | (fnv1a32('lobby') & 0xffffff)) >>> 0);
    expect(isRoomKey(key)).toBe(true);
    expect(isRoomKey(0x5c001234)).toBe(false);
    expect(roomKey('lobby')).toBe(key);  // stable: every process finds the same segment
    expect(roomKey('lobby2')).not.toBe(key);
  });
});
