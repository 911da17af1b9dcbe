// Whether a watched segment was removed by someone else. Our own attachment hides that:
// an unlinked POSIX object stays readable through our mapping, and a SysV segment marked
// for removal (IPC_RMID) lives on until its last detach — which would be ours, so a watch
// must let go of it rather than keep it alive.
import { lstatSync } from 'node:fs';
import { native } from '../native';
import { posixNameBytes } from '../segments';

/** What to compare later: the inode behind /dev/shm/NAME now (POSIX), or null (SysV).
 *  lstat: a symlink swapped in for the object is a different object, never followed. */
export function identity(ref: string): number | null {
  if (!ref.startsWith('posix:')) return null;
  try {
    // ref is canonical (posix:ESCAPED): the path is the name's bytes, which need not be UTF-8.
    return lstatSync(Buffer.concat([Buffer.from('/dev/shm'), posixNameBytes(`/${ref.slice('posix:'.length)}`)])).ino;
  } catch {
    return null;
  }
}

/** A reason when the segment is gone for everyone but us, else undefined. */
export function goneReason(ref: string, inode: number | null): string | undefined {
  if (ref.startsWith('posix:')) {
    if (inode === null) return undefined;
    return identity(ref) === inode ? undefined : 'removed (unlinked) by another process';
  }
  // memfd:, anon:, posix-deleted:, ipcns: are read through a descriptor of the object itself, which
  // nothing else can remove or replace: no name to look up again, and a shmid of another namespace
  // means nothing in ours.
  if (!ref.startsWith('sysv:')) return undefined;
  const shmid = Number(ref.slice('sysv:'.length));
  try {
    return native().sysvStat(shmid).dest ? 'marked for removal by another process' : undefined;
  } catch {
    return 'removed by another process';
  }
}
