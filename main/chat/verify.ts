// How far a presence entry can be believed. Anyone who can write a room's segment can
// write any pid and nick into the presence table, and the table stores no uid. So each
// entry is checked against what the kernel reports about that pid: it must be running,
// must have this room's segment attached (/proc/PID/maps: a forged entry names a process
// that never joined), and its nick must not be the login name of a different user than
// the one the process runs as (/proc/PID/status). When the map cannot be read (another
// user's process, and we are not root) the entry stays unverified and the reason says so.
import type { ChannelParticipant } from '../native';
import { errnoCode, isGone, readShared } from '../scan/fsutil';
import { matchMaps, processInfo } from '../scan/maps';
import { nameLookup, uidOfUser } from '../scan/users';

export interface ParticipantCheck {
  /** Real uid of the process behind the pid (/proc/PID/status); null when it is gone or unreadable. */
  uid: number | null;
  user: string | null;
  verified: boolean;
  /** What was checked, or why the entry is not to be believed. */
  reason: string;
}

export type VerifiedParticipant = ChannelParticipant & ParticipantCheck;

type Attached = 'yes' | 'no' | 'unreadable' | 'gone';

function attached(pid: number, shmid: number): Attached {
  let maps: Buffer;
  try {
    maps = readShared(`/proc/${pid}/maps`);
  } catch (error) {
    return isGone(errnoCode(error)) ? 'gone' : 'unreadable';
  }
  return matchMaps(pid, maps, { sysvIds: new Set([shmid]), posixKeys: new Set(), shmDev: null }, []) === null ? 'no' : 'yes';
}

/** Checks one entry of the room in System V segment `shmid`. */
export function checkParticipant(p: ChannelParticipant, shmid: number, names = nameLookup()): ParticipantCheck {
  const info = processInfo(p.pid);
  if (info === null) return { uid: null, user: null, verified: false, reason: `pid ${p.pid} is not running` };
  if (info.uid < 0) return { uid: null, user: null, verified: false, reason: `cannot read /proc/${p.pid}/status` };
  const uid = info.uid;
  const user = names.user(uid);
  const runs = `pid ${p.pid} runs as ${user} (uid ${uid})`;
  const unverified = (reason: string): ParticipantCheck => ({ uid, user, verified: false, reason });
  const named = uidOfUser(p.nick);
  if (named !== undefined && named !== uid) return unverified(`nick "${p.nick}" is the name of another user, but ${runs}`);
  switch (attached(p.pid, shmid)) {
    case 'gone': return { uid: null, user: null, verified: false, reason: `pid ${p.pid} is not running` };
    case 'no': return unverified(`${runs} and does not have this room attached: a forged or stale entry`);
    case 'unreadable': return unverified(`cannot confirm: ${runs}, whose memory map you may not read`);
    case 'yes': return { uid, user, verified: true, reason: `${runs} and has this room attached` };
  }
}

/** Checks a room's participants; entries already verified are not read from /proc again
 *  (a presence event per join would otherwise cost every member a pass over every map). */
export class PresenceVerifier {
  #verified = new Map<string, VerifiedParticipant>();

  constructor(private readonly shmid: number) {}

  verify(participants: readonly ChannelParticipant[]): VerifiedParticipant[] {
    const names = nameLookup();
    const verified = new Map<string, VerifiedParticipant>();
    const out = participants.map((p) => {
      const id = `${p.slot}/${p.pid}/${p.joinedAt}/${p.nick}`;
      const checked = this.#verified.get(id) ?? { ...p, ...checkParticipant(p, this.shmid, names) };
      if (checked.verified) verified.set(id, checked);
      return checked;
    });
    this.#verified = verified;
    return out;
  }
}
