// Who maps what: one pass over /proc/PID/maps of every process.
//
// A maps line is "start-end perms offset major:minor inode   path" (fs/proc/task_mmu.c). We never
// split a whole file into lines: we jump with indexOf to the few places that can be shared memory
// and parse only those lines.
//  - SysV: the path is "/SYSV%08x (deleted)" (the key at attach time) and the inode is the shmid,
//    on the kernel's internal shm mount (or a hugetlbfs one for SHM_HUGETLB), so we match path
//    prefix + inode, and require the process to be in our IPC namespace (shmids are per namespace).
//  - POSIX: match the device and inode of the /dev/shm file, whatever path the process sees
//    (so "(deleted)" and other mounts of the same tmpfs count too).
//  - Deleted POSIX: a mapping on /dev/shm's filesystem whose file is no longer in /dev/shm
//    (shm_unlink'ed while mapped): the path ends in " (deleted)"; we keep its name and identity.
// This module is also the entry of the worker that walks /proc (maps-worker.ts), which Node loads
// without a bundler: relative imports here carry their .ts extension.
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { errnoCode, isGone, readShared } from './fsutil.ts';
import { devToken, lineAt, type DeletedStat, type Line, type Range } from './maps-line.ts';
import { hasKinds, matchKinds, memfdDescriptors, type FdMatch, type KindMatches } from './maps-kinds.ts';
import type { UnreadableProcess } from '../../common/scan-types';

export { devToken, lineAt, type DeletedStat, type Line, type Range };

/** An unlinked /dev/shm object one process maps: its last name (bytes) and the ranges. */
export interface DeletedMatch { name: Uint8Array; ranges: Range[] }

/** What one process maps of the segments we are looking for. */
export interface ProcessMatches {
  pid: number;
  /** shmid → ranges */
  sysv: Map<number, Range[]>;
  /** "major:minor inode" → ranges (see posixKey) */
  posix: Map<string, Range[]>;
  /** "major:minor inode" → unlinked /dev/shm objects this process still maps */
  deleted: Map<string, DeletedMatch>;
  /** memfd, shared-anonymous and other-namespace SysV (maps-kinds.ts); absent when none. */
  kinds?: KindMatches;
  /** memfd objects it holds as descriptors ("DEV INO" → fds), mapped or not; absent when none. */
  memfdFds?: Map<string, FdMatch>;
  /** /proc/PID/ns/ipc when it is not ours. */
  ipcns?: string;
}

export interface MapsScan {
  processes: ProcessMatches[];
  scannedProcesses: number;
  unreadableProcesses: number;
  unreadable: UnreadableProcess[];
  /** posixKey → stat of an unlinked object (POSIX, memfd, shared-anon), where /proc/PID/map_files or an fd link let us see it. */
  deletedStats: Map<string, DeletedStat>;
  /** Other IPC namespaces ("ipc:[INODE]") in which some process maps a SysV segment → every pid in them. */
  foreignNamespaces: Map<string, number[]>;
}

export interface MapsTargets {
  /** shmids present in /proc/sysvipc/shm */
  sysvIds: ReadonlySet<number>;
  /** posixKey(dev, ino) of every /dev/shm object */
  posixKeys: ReadonlySet<string>;
  /** devToken() of the filesystem mounted on /dev/shm (null if there is none): its unlinked files are found too */
  shmDev: string | null;
}

export function posixKey(dev: number, ino: number): string {
  return `${devToken(dev)} ${ino}`;
}

const NL = 10;
const SPACE = 32;
const SYSV = Buffer.from('/SYSV', 'latin1');
const DELETED = Buffer.from(' (deleted)', 'latin1');
const SEM_PREFIX = Buffer.from('sem.', 'latin1');

function add<K>(map: Map<K, Range[]>, key: K, range: Range): void {
  const list = map.get(key);
  if (list) list.push(range); else map.set(key, [range]);
}

/** The last name of an unlinked /dev/shm file from its maps path ".../NAME (deleted)"; null for anything else (sem.*). */
function deletedName(maps: Buffer, line: Line): Uint8Array | null {
  const end = line.lineEnd - DELETED.length;
  if (end <= line.pathStart || !maps.subarray(end, line.lineEnd).equals(DELETED)) return null;
  const name = maps.subarray(maps.lastIndexOf(0x2f, end - 1) + 1, end); // after the last '/'
  if (name.length === 0 || name.subarray(0, SEM_PREFIX.length).equals(SEM_PREFIX)) return null; // POSIX semaphores
  return Uint8Array.from(name);
}

/** Finds our targets in the bytes of one maps file. posixDevs: devToken()s of the POSIX targets and of targets.shmDev. */
export function matchMaps(pid: number, maps: Buffer, targets: MapsTargets, posixDevs: readonly string[]): ProcessMatches | null {
  let found: ProcessMatches | null = null;
  const matches = (): ProcessMatches => (found ??= { pid, sysv: new Map(), posix: new Map(), deleted: new Map() });

  if (targets.sysvIds.size > 0) {
    for (let at = maps.indexOf(SYSV); at !== -1;) {
      const line = lineAt(maps, at);
      if (line === null) break;
      if (line.pathStart === at && line.dev.startsWith('00:') && targets.sysvIds.has(line.inode)) {
        add(matches().sysv, line.inode, line.range);
      }
      at = maps.indexOf(SYSV, line.lineEnd);
    }
  }
  for (const dev of posixDevs) {
    const token = Buffer.from(` ${dev} `, 'latin1');
    for (let at = maps.indexOf(token); at !== -1;) {
      const line = lineAt(maps, at);
      if (line === null) break;
      if (line.dev === dev) {
        const key = `${dev} ${line.inode}`;
        if (targets.posixKeys.has(key)) {
          add(matches().posix, key, line.range);
        } else if (dev === targets.shmDev) {
          const name = deletedName(maps, line);
          if (name !== null) {
            const deleted = matches().deleted;
            const entry = deleted.get(key);
            if (entry) entry.ranges.push(line.range); else deleted.set(key, { name, ranges: [line.range] });
          }
        }
      }
      at = maps.indexOf(token, line.lineEnd);
    }
  }
  return found;
}

/** The devices to look for in maps lines: those of the POSIX targets and /dev/shm's. */
export function posixDevices(targets: MapsTargets): string[] {
  const devs = new Set([...targets.posixKeys].map((k) => k.slice(0, k.indexOf(' '))));
  if (targets.shmDev !== null) devs.add(targets.shmDev);
  return [...devs];
}

let ownIpcNamespace: string | null | undefined;

function ipcNamespace(pid: number | 'self'): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/ipc`);
  } catch {
    return null;
  }
}

/** /proc/PID/ns/ipc when it is not ours, else null. */
function foreignNamespace(pid: number): string | null {
  const ns = ipcNamespace(pid);
  return ns !== null && ownIpcNamespace !== null && ns !== ownIpcNamespace ? ns : null;
}

/** Other IPC namespaces → every process in them (one readlink per process, done only when one was seen). */
function processesOfForeignNamespaces(): Map<string, number[]> {
  const namespaces = new Map<string, number[]>();
  for (const entry of readdirSync('/proc')) {
    const c = entry.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const pid = Number(entry);
    const ns = ipcNamespace(pid);
    if (ns === null || ns === ownIpcNamespace) continue;
    const pids = namespaces.get(ns);
    if (pids) pids.push(pid); else namespaces.set(ns, [pid]);
  }
  return namespaces;
}

/** /proc/PID/comm without its newline; '' if it cannot be read. Never needs the process's memory lock. */
export function commOf(pid: number): string {
  try {
    const comm = readShared(`/proc/${pid}/comm`);
    return comm.toString('utf8', 0, comm[comm.length - 1] === NL ? comm.length - 1 : comm.length);
  } catch {
    return '';
  }
}

/** How the walk reports where it is, so a caller on another thread can tell a stuck read. */
export interface WalkHooks {
  /** Called around every read that takes the memory lock of process `pid`. */
  beforeRead(pid: number): void;
  afterRead(): void;
  /** Pids not to read (their read is known to hang): reported as unreadable with reason 'timeout'. */
  skip: ReadonlySet<number>;
  /** Test seam: read this file instead of /proc/PID/maps for these pids (a FIFO stands for a read that blocks). */
  mapsPaths?: ReadonlyMap<number, string>;
  /** Reads files that can hang, in order, each bounded (walk-mode.ts): a Buffer or an errno code
   *  per file, the list cut short at the one that did not answer in time. Without it, reads block
   *  this thread (the worker's). */
  readMany?(paths: string[]): (Buffer | string)[];
  /** stat() of a /proc/PID/map_files entry, bounded like read; null when it did not answer. */
  stat?(path: string): DeletedStat | null;
}

/** "0x7f0000001000" → "7f0000001000" as /proc/PID/map_files names it (%lx, no padding). */
function mapFilesName(range: Range): string {
  return `${BigInt(range.start).toString(16)}-${BigInt(range.end).toString(16)}`;
}

/** Size, mode and owner of an unlinked object, through the mapping's /proc/PID/map_files entry (needs CAP_SYS_ADMIN). */
function statDeleted(pid: number, range: Range, hooks: WalkHooks): DeletedStat | null {
  try {
    const path = `/proc/${pid}/map_files/${mapFilesName(range)}`;
    const st = hooks.stat === undefined ? statSync(path) : hooks.stat(path);
    if (st === null) return null;  // did not answer in time: size and owner from the mappings instead
    return { size: st.size, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtimeMs: st.mtimeMs };
  } catch {
    return null;
  }
}

/** Stats, through pid's map_files, the objects not stat'ed yet (by key). */
function statUnstated(pid: number, objects: ReadonlyArray<readonly [string, readonly Range[]]>, stats: Map<string, DeletedStat>, hooks: WalkHooks): void {
  for (const [key, ranges] of objects) {
    if (stats.has(key)) continue;
    hooks.beforeRead(pid); // map_files takes the same lock as maps
    const st = statDeleted(pid, ranges[0]!, hooks);
    hooks.afterRead();
    if (st !== null) stats.set(key, st);
  }
}

/** How many processes' maps one readMany call reads ahead (bounds the memory held at once). */
const READ_AHEAD = 64;

/** Reads /proc/PID/maps of every process once. Runs on the maps worker thread (see maps-thread.ts). */
export function walkMaps(targets: MapsTargets, hooks: WalkHooks): MapsScan {
  const posixDevs = posixDevices(targets);
  const result: MapsScan = { processes: [], scannedProcesses: 0, unreadableProcesses: 0, unreadable: [], deletedStats: new Map(), foreignNamespaces: new Map() };
  ownIpcNamespace ??= ipcNamespace('self');
  let foreignSeen = false;
  const firstAnon = new Map<string, number>(); // anon key → pid of its first mapper, -1 once shared
  const entries = readdirSync('/proc').filter((entry) => entry.charCodeAt(0) >= 48 && entry.charCodeAt(0) <= 57);
  const mapsPath = (entry: string) => hooks.mapsPaths?.get(Number(entry)) ?? `/proc/${entry}/maps`;
  // With readMany: the maps of the next BATCH processes, read ahead in one call; null: no answer.
  const ahead = new Map<string, Buffer | string | null>();
  const readMaps = (index: number): Buffer | null => {
    const entry = entries[index]!;
    if (hooks.readMany === undefined) return readShared(mapsPath(entry));
    if (!ahead.has(entry)) {
      const batch = entries.slice(index, index + READ_AHEAD).filter((e) => !hooks.skip.has(Number(e)));
      const read = hooks.readMany(batch.map(mapsPath));
      read.forEach((value, k) => ahead.set(batch[k]!, value));
      if (read.length < batch.length) ahead.set(batch[read.length]!, null);
    }
    const value = ahead.get(entry) ?? null;
    ahead.delete(entry);
    if (typeof value === 'string') throw Object.assign(new Error(`${mapsPath(entry)}: ${value}`), { code: value });
    return value;
  };
  for (const [index, entry] of entries.entries()) {
    const pid = Number(entry);
    if (hooks.skip.has(pid)) {
      result.unreadableProcesses++;
      result.unreadable.push({ pid, command: commOf(pid), reason: 'timeout' });
      continue;
    }
    let maps: Buffer | null;
    try {
      hooks.beforeRead(pid);
      maps = readMaps(index);
    } catch (err) {
      hooks.afterRead();
      const code = errnoCode(err);
      if (isGone(code)) continue;
      result.unreadableProcesses++; // EACCES (ptrace access check), or anything else we cannot explain
      result.unreadable.push({ pid, command: commOf(pid), reason: code ?? 'EIO' });
      continue;
    }
    hooks.afterRead();
    if (maps === null) {
      result.unreadableProcesses++;
      result.unreadable.push({ pid, command: commOf(pid), reason: 'timeout' });
      continue;
    }
    result.scannedProcesses++;
    let found = matchMaps(pid, maps, targets, posixDevs);
    const kinds = matchKinds(maps); // before any other read: `maps` is a shared buffer
    // Another IPC namespace shows through its SysV mappings: only then is the namespace worth a look.
    const ns = kinds.foreignSysv.size === 0 ? null : foreignNamespace(pid);
    const foreign = ns !== null;
    if (!foreign) kinds.foreignSysv.clear(); // ours: matchMaps has them by shmid
    const held = maps.length === 0 ? null : memfdDescriptors(pid, result.deletedStats, hooks); // (kernel threads have no fds)
    if (foreign) {
      foreignSeen = true;
      found?.sysv.clear(); // same shmid, other namespace's segment (kept in kinds.foreignSysv)
    }
    if (hasKinds(kinds) || held !== null) {
      found ??= { pid, sysv: new Map(), posix: new Map(), deleted: new Map() };
      if (hasKinds(kinds)) found.kinds = kinds;
      if (held !== null) found.memfdFds = held;
      if (ns !== null) found.ipcns = ns;
    }
    if (found === null) continue;
    const unstated = [...found.deleted].map(([key, m]) => [key, m.ranges] as const);
    if (found.kinds) unstated.push(...[...found.kinds.memfd].map(([key, m]) => [key, m.ranges] as const));
    statUnstated(pid, unstated, result.deletedStats, hooks);
    // Shared anonymous memory is listed only when two processes map it: stat it once a second one does.
    for (const [key, ranges] of found.kinds?.anon ?? []) {
      const first = firstAnon.get(key);
      if (first === undefined) firstAnon.set(key, pid);
      else if (first !== -1) {
        firstAnon.set(key, -1);
        statUnstated(pid, [[key, ranges]], result.deletedStats, hooks);
      }
    }
    if (found.sysv.size > 0 || found.posix.size > 0 || found.deleted.size > 0 || found.kinds || found.memfdFds) result.processes.push(found);
  }
  if (foreignSeen) result.foreignNamespaces = processesOfForeignNamespaces();
  return result;
}

export interface ProcessInfo { command: string; uid: number }

/**
 * command and real uid, both from /proc/PID/status (one read); null if the process is gone. The
 * "Name:" line is the comm, escaped by the kernel if it holds a backslash or a control character:
 * then we read /proc/PID/comm for the raw name.
 */
export function processInfo(pid: number): ProcessInfo | null {
  try {
    const status = readShared(`/proc/${pid}/status`);
    let command = '';
    let escaped = true;
    if (status.indexOf('Name:\t') === 0) {
      const end = status.indexOf(NL, 6);
      command = status.toString('utf8', 6, end < 0 ? status.length : end);
      escaped = command.includes('\\');
    }
    const at = status.indexOf('\nUid:');
    let uid = -1;
    if (at >= 0) {
      let i = at + 5;
      while (status[i] === 9 || status[i] === SPACE) i++;
      for (uid = 0; status[i]! >= 48 && status[i]! <= 57; i++) uid = uid * 10 + (status[i]! - 48);
    }
    if (escaped) command = commOf(pid);
    return { command, uid };
  } catch (err) {
    if (isGone(errnoCode(err))) return null;
    return { command: '', uid: -1 }; // maps were readable but these are not: say nothing rather than guess
  }
}
