// Who owns a room's segment. Rooms live at a key anyone can compute from the name
// (naming.ts), so another user can create ("squat") a room first: its owner and creator
// can then read everything, forge messages and presence, change the mode or remove it.
// Joining such a room takes an explicit "I trust that user".
import { ShmscopeError } from '../errors';
import { native } from '../native';
import { readSysvSegments } from '../scan/sysv';
import { nameLookup } from '../scan/users';

export interface RoomOwner {
  uid: number;
  user: string;
  /** The creator keeps the owner's powers (IPC_SET, IPC_RMID) even after handing the segment over. */
  creatorUid: number;
  creator: string;
  /** Owned and created by this process's effective uid. */
  mine: boolean;
}

/** uid and creator uid: IPC_STAT needs read permission, /proc/sysvipc/shm does not
 *  (a squatter's room may be closed to us, and we still want to say whose it is). */
function owners(shmid: number, names: ReturnType<typeof nameLookup>): { uid: number; cuid: number } {
  try {
    return native().sysvStat(shmid);
  } catch (error) {
    const row = readSysvSegments(names).find((r) => r.id === shmid);
    if (row === undefined) throw error;
    return row;
  }
}

export function roomOwner(shmid: number): RoomOwner {
  const names = nameLookup();
  const stat = owners(shmid, names);
  const me = process.geteuid?.() ?? -1;
  return {
    uid: stat.uid, user: names.user(stat.uid), creatorUid: stat.cuid, creator: names.user(stat.cuid),
    mine: stat.uid === me && stat.cuid === me,
  };
}

/** "user nobody (uid 65534)", plus the creator when it is someone else. */
export function describeOwner(owner: RoomOwner): string {
  const who = `user ${owner.user} (uid ${owner.uid})`;
  return owner.creatorUid === owner.uid ? who : `${who}, created by user ${owner.creator} (uid ${owner.creatorUid})`;
}

/** Joining a room another user owns, without saying that user is trusted (code EPERM). */
export class UntrustedRoomError extends ShmscopeError {
  constructor(readonly room: string, readonly owner: RoomOwner, hint: string) {
    super(`room:${room}`, `is owned by ${describeOwner(owner)}, not you; anyone owning it can read, forge or break it${hint}`, 'EPERM');
  }
}
