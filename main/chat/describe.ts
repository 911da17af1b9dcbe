// Lets the scanner and `shmscope ls/show` label chat rooms without knowing the layout:
// a segment is a room when its header validates (magic, version, sizes).
import { type ChannelDescription, native } from '../native';
import type { SegmentRow } from '../scan';
import { isRoomKey } from './naming';

export type { ChannelDescription } from '../native';

/** The room in System V segment `shmid`, or null when it is not a (readable) channel. */
export function describeChannel(shmid: number): ChannelDescription | null {
  try {
    return native().channelDescribe(shmid);
  } catch {
    return null;  // gone or unreadable: not something we can label
  }
}

/** A scanner row, with the room it holds when the segment is a shmscope chat room. */
export type LabelledRow = SegmentRow & { room?: string };

/** Labels the rows that are chat rooms. Only keys in the rooms' block are probed, and the
 *  header is validated, so an unrelated segment is never mislabelled. */
export function labelRooms<Result extends { segments: SegmentRow[] }>(result: Result): Result & { segments: LabelledRow[] } {
  return {
    ...result,
    segments: result.segments.map((row) => {
      if (row.kind !== 'sysv' || !isRoomKey(row.keyNumber)) return row;
      const room = describeChannel(row.id)?.name;
      return room === undefined ? row : { ...row, room };
    }),
  };
}
