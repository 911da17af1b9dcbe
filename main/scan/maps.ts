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
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { errnoCode, isGone } from './fsutil';

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

/** Parses the maps line that contains position `at`. */
function lineAt(text: string, at: number): Line | null {
  const lineStart = text.lastIndexOf('\n', at) + 1;
  let lineEnd = text.indexOf('\n', at);
  if (lineEnd === -1) lineEnd = text.length;
  const dash = text.indexOf('-', lineStart);
  const s1 = text.indexOf(' ', lineStart);
  const s2 = text.indexOf(' ', s1 + 1);
  const s3 = text.indexOf(' ', s2 + 1);
  const s4 = text.indexOf(' ', s3 + 1);
  const s5 = text.indexOf(' ', s4 + 1);
  if (dash < 0 || s5 < 0 || s5 > lineEnd || dash > s1) return null;
  let pathStart = s5;
  while (pathStart < lineEnd && text.charCodeAt(pathStart) === 32) pathStart++;
  return {
    range: {
      start: `0x${text.slice(lineStart, dash)}`,
      end: `0x${text.slice(dash + 1, s1)}`,
      writable: text.charCodeAt(s1 + 2) === 119, // 'w' in "rw-s"
    },
    dev: text.slice(s3 + 1, s4),
    inode: Number(text.slice(s4 + 1, s5)),
    pathStart,
    lineEnd,
  };
}

function add<K>(map: Map<K, Range[]>, key: K, range: Range): void {
  const list = map.get(key);
  if (list) list.push(range); else map.set(key, [range]);
}

/** Finds our targets in one maps text. */
export function matchMaps(pid: number, text: string, targets: MapsTargets, posixDevs: readonly string[]): ProcessMatches | null {
  let found: ProcessMatches | null = null;
  const matches = () => (found ??= { pid, sysv: new Map(), posix: new Map() });

  if (targets.sysvIds.size > 0) {
    for (let at = text.indexOf('/SYSV'); at !== -1;) {
      const line = lineAt(text, at);
      if (line === null) break;
      if (line.pathStart === at && line.dev.startsWith('00:') && targets.sysvIds.has(line.inode)) {
        add(matches().sysv, line.inode, line.range);
      }
      at = text.indexOf('/SYSV', line.lineEnd);
    }
  }
  for (const dev of posixDevs) {
    const token = ` ${dev} `;
    for (let at = text.indexOf(token); at !== -1;) {
      const line = lineAt(text, at);
      if (line === null) break;
      const key = `${dev} ${line.inode}`;
      if (line.dev === dev && targets.posixKeys.has(key)) add(matches().posix, key, line.range);
      at = text.indexOf(token, line.lineEnd);
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
    let text: string;
    try {
      text = readFileSync(`/proc/${entry}/maps`, 'latin1');
    } catch (err) {
      const code = errnoCode(err);
      if (isGone(code)) continue;
      result.unreadableProcesses++; // EACCES (ptrace access check), or anything else we cannot explain
      continue;
    }
    result.scannedProcesses++;
    const found = matchMaps(pid, text, targets, posixDevs);
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

/** command (/proc/PID/comm) and real uid (/proc/PID/status); null if the process is gone. */
export function processInfo(pid: number): ProcessInfo | null {
  try {
    const comm = readFileSync(`/proc/${pid}/comm`, 'latin1');
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const at = status.indexOf('\nUid:');
    const uid = at < 0 ? -1 : parseInt(status.slice(at + 5, status.indexOf('\n', at + 5)).trim(), 10);
    return { command: comm.endsWith('\n') ? comm.slice(0, -1) : comm, uid };
  } catch (err) {
    if (isGone(errnoCode(err))) return null;
    return { command: '', uid: -1 }; // maps were readable but these are not: say nothing rather than guess
  }
}
