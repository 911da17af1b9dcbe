// Lets the scanner and `shmscope ls/show` label chat rooms without knowing the layout:
// a segment is a room when its header validates (magic, version, sizes).
// Labelling must not change what it looks at: the header is read through a mapping that a
// process already holds (segments/borrowed.ts), never by attaching, which would rewrite the
// segment's lpid, atime and dtime on every scan. When no mapping can be read (not root, or
// nobody maps it) the room is unknown, and says so.
import { type ChannelBytesDescription, type ChannelDescription, native } from '../native';
import type { SegmentRow } from '../scan';
import { openBorrowedSysv } from '../segments/borrowed';
import { isRoomKey } from './naming';

export type { ChannelBytesDescription, ChannelDescription } from '../native';

/** The room in System V segment `shmid`, or null when it is not a (readable) channel. Attaches. */
export function describeChannel(shmid: number): ChannelDescription | null {
  try {
    return native().channelDescribe(shmid);
  } catch {
    return null;  // gone or unreadable: not something we can label
  }
}

/** The room a segment holds, or that it may hold one but we cannot tell without attaching. */
export type RoomLook = { room: ChannelBytesDescription } | { unknown: true };

/** Reads the first `bytes` of a room-block segment through a holder's mapping and validates them;
 *  null when it is not a room (key outside the block, or a header that does not validate). */
export function lookAtRoom(row: SegmentRow, bytes: number): RoomLook | null {
  if (row.kind !== 'sysv' || !isRoomKey(row.keyNumber)) return null;
  const segment = openBorrowedSysv({ shmid: row.id, size: row.size, cuid: row.cuid, cgid: row.cgid }, row.attachers);
  if (segment === null) return { unknown: true };
  try {
    const room = native().channelDescribeBytes(segment.read(0, Math.min(bytes, row.size)), row.size);
    return room === null ? null : { room };
  } catch {
    return { unknown: true }; // shrank or vanished while we read
  } finally {
    segment.close();
  }
}

/** A scanner row, with the room it holds when the segment is a shmscope chat room; roomUnknown
 *  when its key is in the rooms' block but its header could not be read without attaching. */
export type LabelledRow = SegmentRow & { room?: string; roomUnknown?: true };

/** Labels the rows that are chat rooms. Only keys in the rooms' block are looked at, and the
 *  header is validated, so an unrelated segment is never mislabelled. */
export function labelRooms<Result extends { segments: SegmentRow[] }>(result: Result): Result & { segments: LabelledRow[] } {
  return {
    ...result,
    segments: result.segments.map((row): LabelledRow => {
      // Checked before native(): a listing without rooms never loads the addon (start-up).
      if (row.kind !== 'sysv' || !isRoomKey(row.keyNumber)) return row;
      const look = lookAtRoom(row, native().CHANNEL_HEADER_BYTES);
      if (look === null) return row;
      return 'unknown' in look ? { ...row, roomUnknown: true } : { ...row, room: look.room.name };
    }),
  };
}
