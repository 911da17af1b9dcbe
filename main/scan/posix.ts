// POSIX shared memory objects: the regular files in /dev/shm, except sem.* (POSIX semaphores).
// Names are bytes: a name that is not valid UTF-8 is listed too, spelled with the one escape that
// refs understand (escapePosixName).
import { lstatSync, readdirSync } from 'node:fs';
import { escapePosixName } from '../segments/posix-name';
import { errnoCode, isGone } from './fsutil';
import { formatPerms } from './sysv';
import type { PosixRow } from '../../common/scan-types';
import type { NameLookup } from './users';

export const POSIX_SHM_DIR = '/dev/shm';

/** A POSIX row plus the identity used to find its mappings in /proc/PID/maps. */
export interface PosixEntry { row: PosixRow; dev: number; ino: number }

/** A directory entry: how we show it, and the path that opens it. */
export interface Named { name: string; path: string | Buffer }

const NEEDS_ESCAPE = /[\x00-\x1f\x7f\\]/;

/**
 * The names in `dir`. Node's string listing (twice as fast as Buffers, for lstat too) is exact for
 * valid UTF-8; it turns other bytes into U+FFFD, so a listing holding U+FFFD is read again as bytes.
 */
export function listNames(dir: string): Named[] {
  const texts = readdirSync(dir);
  if (!texts.some((text) => text.includes('\uFFFD'))) {
    return texts.map((text) => ({ name: NEEDS_ESCAPE.test(text) ? escapePosixName(Buffer.from(text)) : text, path: `${dir}/${text}` }));
  }
  const prefix = Buffer.from(`${dir}/`);
  return readdirSync(dir, { encoding: 'buffer' }).map((bytes) => ({ name: escapePosixName(bytes), path: Buffer.concat([prefix, bytes]) }));
}

/** Lists /dev/shm. Rows come back without attachers, sorted by name. */
export function readPosixSegments(names: NameLookup, dir = POSIX_SHM_DIR): PosixEntry[] {
  let files: Named[];
  try {
    files = listNames(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const entries: PosixEntry[] = [];
  for (const { name, path } of files) {
    if (name.startsWith('sem.')) continue;
    let st;
    try {
      st = lstatSync(path);
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
