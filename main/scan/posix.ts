// POSIX shared memory objects: the regular files in /dev/shm, except sem.* (POSIX semaphores).
import { lstatSync, readdirSync } from 'node:fs';
import { errnoCode, isGone } from './fsutil';
import { formatPerms } from './sysv';
import type { PosixRow } from './types';
import type { NameLookup } from './users';

export const POSIX_SHM_DIR = '/dev/shm';

/** A POSIX row plus the identity used to find its mappings in /proc/PID/maps. */
export interface PosixEntry { row: PosixRow; dev: number; ino: number }

/** Lists /dev/shm. Rows come back without attachers, sorted by name. */
export function readPosixSegments(names: NameLookup, dir = POSIX_SHM_DIR): PosixEntry[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  files.sort();
  const entries: PosixEntry[] = [];
  for (const name of files) {
    if (name.startsWith('sem.')) continue;
    let st;
    try {
      st = lstatSync(`${dir}/${name}`);
    } catch (err) {
      if (isGone(errnoCode(err))) continue; // unlinked meanwhile
      throw err;
    }
    if (!st.isFile()) continue;
    const mode = st.mode & 0o7777;
    entries.push({
      dev: st.dev,
      ino: st.ino,
      row: {
        kind: 'posix',
        ref: `posix:${name}`,
        key: null,
        id: null,
        name,
        size: st.size,
        perms: formatPerms(mode),
        mode,
        uid: st.uid,
        gid: st.gid,
        owner: names.user(st.uid),
        group: names.group(st.gid),
        nattch: 0,
        attachers: [],
        unreadableProcesses: 0,
        cpid: null,
        lpid: null,
        mtime: Math.floor(st.mtimeMs),
      },
    });
  }
  return entries;
}
