// POSIX shared memory objects: the regular files in /dev/shm, except sem.* (POSIX semaphores).
// Names are bytes: read as Buffers, so a name that is not valid UTF-8 is listed too, spelled with
// the one escape that refs understand (escapePosixName).
import { lstatSync, readdirSync } from 'node:fs';
import { escapePosixName } from '../segments/posix-name';
import { errnoCode, isGone } from './fsutil';
import { formatPerms } from './sysv';
import type { PosixRow } from './types';
import type { NameLookup } from './users';

export const POSIX_SHM_DIR = '/dev/shm';

/** A POSIX row plus the identity used to find its mappings in /proc/PID/maps. */
export interface PosixEntry { row: PosixRow; dev: number; ino: number }

/** Lists /dev/shm. Rows come back without attachers, sorted by name. */
export function readPosixSegments(names: NameLookup, dir = POSIX_SHM_DIR): PosixEntry[] {
  let files: Buffer[];
  try {
    files = readdirSync(dir, { encoding: 'buffer' });
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  const dirPrefix = Buffer.from(`${dir}/`);
  const named = files.map((bytes) => ({ bytes, name: escapePosixName(bytes) })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const entries: PosixEntry[] = [];
  for (const { bytes, name } of named) {
    if (name.startsWith('sem.')) continue;
    let st;
    try {
      st = lstatSync(Buffer.concat([dirPrefix, bytes]));
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
