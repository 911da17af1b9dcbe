// How the CLI says whose a room is and which participants it could not verify.
import { describeOwner, type RoomOwner } from '../../chat/owner';
import type { ParticipantCheck } from '../../chat/verify';

export function ownerLine(owner: RoomOwner): string {
  return owner.mine
    ? '-- the room is yours'
    : `-- WARNING: the room is owned by ${describeOwner(owner)}, not you: they can read, forge or break everything in it`;
}

/** " [unverified: why]" after a participant that could not be verified, else nothing. */
export function verificationNote(check: ParticipantCheck): string {
  return check.verified ? '' : ` [unverified: ${check.reason}]`;
}
