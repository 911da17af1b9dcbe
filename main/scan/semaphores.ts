// Semaphores: POSIX named semaphores (/dev/shm/sem.*) with the processes that map them, and
// System V semaphore sets with every semaphore's value, waiters and last pid. Looking changes
// nothing: no semaphore is opened with sem_open, waited on or posted.
import { lstatSync } from 'node:fs';
import { errnoCode, isGone } from './fsutil';
import { toAttacher } from './row-parts';
import { posixKey, processInfo } from './maps';
import { prepareMapsWalker, scanMapsBounded } from './maps-thread';
import { listNames, POSIX_SHM_DIR } from './posix';
import { readPosixSemaphore } from './sem-posix';
import { readSysvSemaphores } from './sem-sysv';
import { formatPerms } from './sysv';
import type { PosixSemaphoreRow, SemaphoreList } from '../../common/scan-types';
import { nameLookup, type NameLookup } from './users';

const SEM_PREFIX = 'sem.';

interface PosixSemEntry { row: PosixSemaphoreRow; key: string }

/** The sem.* regular files in `dir`, with their values; other file types are skipped unopened. */
export function readPosixSemaphores(names: NameLookup, dir = POSIX_SHM_DIR): PosixSemEntry[] {
  let files;
  try {
    files = listNames(dir).filter((f) => f.name.startsWith(SEM_PREFIX) && f.name.length > SEM_PREFIX.length);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const entries: PosixSemEntry[] = [];
  for (const { name, path } of files) {
    let st;
    try {
      st = lstatSync(path);
    } catch (err) {
      if (isGone(errnoCode(err))) continue;
      throw err;
    }
    if (!st.isFile()) continue; // a FIFO, symlink or directory named sem.*: not a semaphore
    const read = readPosixSemaphore(path, st);
    const mode = st.mode & 0o7777;
    const semName = name.slice(SEM_PREFIX.length);
    entries.push({
      key: posixKey(st.dev, st.ino),
      row: {
        kind: 'posix',
        ref: `sem:posix:${semName}`,
        name: semName,
        value: read.ok ? read.value : null,
        waiters: read.ok ? read.waiters : null,
        valueError: read.ok ? null : { code: read.code, message: `${dir}/${name}: ${read.message}` },
        size: st.size,
        perms: formatPerms(mode),
        mode,
        uid: st.uid,
        gid: st.gid,
        owner: names.user(st.uid),
        group: names.group(st.gid),
        mtime: Math.floor(st.mtimeMs),
        attachers: [],
        unreadableProcesses: 0,
      },
    });
  }
  return entries;
}

/** Every semaphore: POSIX ones by name with the processes mapping them, then System V sets by id. */
export function scanSemaphores(): SemaphoreList {
  const names = nameLookup();
  const posix = readPosixSemaphores(names);
  const sysv = readSysvSemaphores(names);
  const byKey = new Map(posix.map((e) => [e.key, e.row]));
  if (byKey.size === 0) {
    return { semaphores: sysv, unreadableProcesses: 0, unreadable: [], scannedProcesses: 0 };
  }
  prepareMapsWalker();
  // The same walk as for POSIX segments, looking only for the semaphores' device and inode.
  const maps = scanMapsBounded({ sysvIds: new Set(), posixKeys: new Set(byKey.keys()), shmDev: null });
  for (const proc of maps.processes) {
    const info = processInfo(proc.pid);
    if (info === null) continue;
    for (const [key, ranges] of proc.posix) byKey.get(key)?.attachers.push(toAttacher(proc.pid, info, ranges, names));
  }
  for (const row of byKey.values()) row.unreadableProcesses = maps.unreadableProcesses;
  return {
    semaphores: [...posix.map((e) => e.row), ...sysv],
    unreadableProcesses: maps.unreadableProcesses,
    unreadable: maps.unreadable,
    scannedProcesses: maps.scannedProcesses,
  };
}
