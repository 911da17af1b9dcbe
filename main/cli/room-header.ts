// The guard `write` and `load` share: a chat room's header page (docs/channel-format.md) is
// validated on every attach, so one stray byte there breaks the room for everyone in it.
import { describeChannel } from '../chat';
import { ShmscopeError } from '../errors';
import type { Segment } from '../segments';

const ROOM_HEADER_BYTES = 4096;

/** Throws EPERM when [offset, offset+length) touches the header page of a room; `override` names the flag that allows it. */
export function refuseRoomHeader(segment: Segment, offset: number, length: number, override = '--force'): void {
  if (segment.kind !== 'sysv' || length === 0 || offset >= ROOM_HEADER_BYTES) return;
  const room = describeChannel(Number(segment.ref.slice('sysv:'.length)))?.name;
  if (room === undefined) return;
  throw new ShmscopeError(segment.ref, `is the chat room "${room}": writing into its header page (bytes 0-${ROOM_HEADER_BYTES - 1}) breaks the room for everyone in it (ECHANNEL) — pass ${override} to write anyway`, 'EPERM');
}
