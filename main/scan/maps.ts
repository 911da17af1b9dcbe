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
import { readdirSync, readlinkSync } from 'node:fs';
import { errnoCode, isGone, readShared } from './fsutil';

export interface Range { start: string; end: string; writable: boolean }

/** What one process maps of the segments we are looking for. */
export interface ProcessMatches {
  pid: number;
  /** shmid → ranges */
  sysv: Map<number, Range[]>;
  /** "major:minor inode" → ranges (see posixKey) */
  posix: Map<string, Range[]>;
}

export interface MapsScan {
  processes: ProcessMatches[];
  scannedProcesses: number;
  unreadableProcesses: number;
}

export interface MapsTargets {
  /** shmids present in /proc/sysvipc/shm */
  sysvIds: ReadonlySet<number>;
  /** posixKey(dev, ino) of every /dev/shm object */
  posixKeys: ReadonlySet<string>;
}

/** The device as /proc/PID/maps prints it: "%02x:%02x" of major and minor. */
export function devToken(dev: number): string {
  const d = BigInt(dev);
  const major = Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & 0xfffff000n));
  const minor = Number((d & 0xffn) | ((d >> 12n) & 0xffffff00n));
  return `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}`;
}

export function posixKey(dev: number, ino: number): string {
  return `${devToken(dev)} ${ino}`;
}

interface Line { range: Range; dev: string; inode: number; pathStart: number; lineEnd: number }

const NL = 10;
const SPACE = 32;
const SYSV = Buffer.from('/SYSV', 'latin1');

/** Parses the maps line that contains byte `at`. */
function lineAt(buf: Buffer, at: number): Line | null {
  const lineStart = at === 0 ? 0 : buf.lastIndexOf(NL, at - 1) + 1;
  let lineEnd = buf.indexOf(NL, at);
  if (lineEnd === -1) lineEnd = buf.length;
  const dash = buf.indexOf(0x2d, lineStart); // '-'
  const s1 = buf.indexOf(SPACE, lineStart);
  const s2 = buf.indexOf(SPACE, s1 + 1);
  const s3 = buf.indexOf(SPACE, s2 + 1);
  const s4 = buf.indexOf(SPACE, s3 + 1);
  const s5 = buf.indexOf(SPACE, s4 + 1);
  if (dash < 0 || s1 < 0 || s2 < 0 || s3 < 0 || s4 < 0 || s5 < 0 || s5 > lineEnd || dash > s1) return null;
  let inode = 0;
  for (let i = s4 + 1; i < s5; i++) inode = inode * 10 + (buf[i]! - 48);
  let pathStart = s5;
  while (pathStart < lineEnd && buf[pathStart] === SPACE) pathStart++;
  return {
    range: {
      start: `0x${buf.toString('latin1', lineStart, dash)}`,
      end: `0x${buf.toString('latin1', dash + 1, s1)}`,
      writable: buf[s1 + 2] === 0x77, // 'w' in "rw-s"
    },
    dev: buf.toString('latin1', s3 + 1, s4),
    inode,
    pathStart,
    lineEnd,
  };
}

function add<K>(map: Map<K, Range[]>, key: K, range: Range): void {
  const list = map.get(key);
  if (list) list.push(range); else map.set(key, [range]);
}

/** Finds our targets in the bytes of one maps file. posixDevs: devToken()s of the POSIX targets. */
export function matchMaps(pid: number, maps: Buffer, targets: MapsTargets, posixDevs: readonly string[]): ProcessMatches | null {
  let found: ProcessMatches | null = null;
  const matches = (): ProcessMatches => (found ??= { pid, sysv: new Map(), posix: new Map() });

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
      const key = `${dev} ${line.inode}`;
      if (line.dev === dev && targets.posixKeys.has(key)) add(matches().posix, key, line.range);
      at = maps.indexOf(token, line.lineEnd);
    }
  }
  return found;
}

let ownIpcNamespace: string | null | undefined;

function ipcNamespace(pid: number | 'self'): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/ipc`);
  } catch {
    return null;
  }
}

/** Reads /proc/PID/maps of every process once. */
export function scanMaps(targets: MapsTargets): MapsScan {
  const posixDevs = [...new Set([...targets.posixKeys].map((k) => k.slice(0, k.indexOf(' '))))];
  const result: MapsScan = { processes: [], scannedProcesses: 0, unreadableProcesses: 0 };
  ownIpcNamespace ??= ipcNamespace('self');
  for (const entry of readdirSync('/proc')) {
    const c = entry.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const pid = Number(entry);
    let maps: Buffer;
    try {
      maps = readShared(`/proc/${entry}/maps`);
    } catch (err) {
      const code = errnoCode(err);
      if (isGone(code)) continue;
      result.unreadableProcesses++; // EACCES (ptrace access check), or anything else we cannot explain
      continue;
    }
    result.scannedProcesses++;
    const found = matchMaps(pid, maps, targets, posixDevs);
    if (found === null) continue;
    if (found.sysv.size > 0 && ownIpcNamespace !== null) {
      const ns = ipcNamespace(pid);
      if (ns !== null && ns !== ownIpcNamespace) found.sysv.clear(); // same shmid, other namespace's segment
    }
    if (found.sysv.size > 0 || found.posix.size > 0) result.processes.push(found);
  }
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
    if (escaped) {
      const comm = readShared(`/proc/${pid}/comm`);
      command = comm.toString('utf8', 0, comm[comm.length - 1] === NL ? comm.length - 1 : comm.length);
    }
    return { command, uid };
  } catch (err) {
    if (isGone(errnoCode(err))) return null;
    return { command: '', uid: -1 }; // maps were readable but these are not: say nothing rather than guess
  }
}
