// One rule, one place: the limits common/ holds for the contract are the addon's own, and nicks
// are counted in UTF-8 bytes everywhere (the contract, ChatRoom, the addon).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NICK_MAX_BYTES, POSIX_NAME_MAX_BYTES, ROOM_NAME_MAX_BYTES, nickProblem } from '../../common/limits';
import { validateArgs } from '../../common/contract';
import { ChatRoom } from '../../main/chat';
import { ROOM_NAME_MAX } from '../../main/chat/naming';
import { native } from '../../main/native';
import { MAX_POSIX_NAME_BYTES } from '../../main/segments/posix-name';

describe('name and nick limits', () => {
  it('common/limits.ts says what the addon enforces', () => {
    expect(native().LIMITS).toEqual({ roomNameBytes: ROOM_NAME_MAX_BYTES, nickBytes: NICK_MAX_BYTES, posixNameBytes: POSIX_NAME_MAX_BYTES });
    expect(ROOM_NAME_MAX).toBe(ROOM_NAME_MAX_BYTES);
    expect(MAX_POSIX_NAME_BYTES).toBe(POSIX_NAME_MAX_BYTES);
  });

  it('a nick is measured in bytes: 16 "é" fit (32 bytes), 17 do not, in the contract and in ChatRoom alike', () => {
    const fits = 'é'.repeat(16);
    const tooLong = 'é'.repeat(17);  // 17 characters (under 32) but 34 bytes
    expect(nickProblem(fits)).toBeNull();
    expect(nickProblem(tooLong)).toMatch(/at most 32 bytes of UTF-8 \(it has 34\)/);
    expect(() => validateArgs('chatJoin', ['room', fits])).not.toThrow();
    expect(() => validateArgs('chatJoin', ['room', tooLong])).toThrow(/nick\): must be at most 32 bytes of UTF-8/);
    const room = `t-limits-${process.pid}-${randomBytes(3).toString('hex')}`;
    expect(() => ChatRoom.join(room, { nick: tooLong })).toThrow(expect.objectContaining({ code: 'ERANGE' }));
    const joined = ChatRoom.join(room, { nick: fits });
    try {
      expect(joined.participants().map((p) => p.nick)).toEqual([fits]);
    } finally {
      joined.leave();
      ChatRoom.remove(room);
    }
  });
});
