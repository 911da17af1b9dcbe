// The unnamed kinds of shared memory in one process's /proc/PID/maps and /proc/PID/fd
// (runs on the maps worker thread, beside walkMaps; relative imports carry .ts for that reason).
//
// What this kernel prints (checked on Linux 6.x with a fork test, fs/proc/task_mmu.c):
//  - memfd_create(NAME):           "/memfd:NAME (deleted)", on the internal shmem mount ("00:01")
//                                   or a hugetlbfs one (MFD_HUGETLB); fd links read the same.
//  - MAP_SHARED|MAP_ANONYMOUS, and MAP_SHARED of /dev/zero: "/dev/zero (deleted)" on the
//    internal shmem mount, the same inode in every process that inherited it by fork();
//    "[anon_shmem:NAME]" once named with prctl(PR_SET_VMA_ANON_NAME);
//    "/anon_hugepage (deleted)" with MAP_HUGETLB (hugetlbfs).
//  - SysV: "/SYSV%08x (deleted)", inode = shmid (see maps.ts). For a process of another IPC
//    namespace the shmid is that namespace's: we keep every such line with the key it shows.
// The device and inode identify an object, never its name (a name is not unique, and a user can
// mount a tmpfs in a user namespace and make any path appear).
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { devToken, lineAt, type DeletedStat, type Line, type Range } from './maps-line.ts';

/** name: the bytes as the kernel printed them, one char per byte (latin1): cheap to pass between threads. */
export interface NamedMatch { name: string; ranges: Range[] }
export interface FdMatch { name: string; fds: number[] }
export interface SysvMatch { key: number; ranges: Range[] }

/** The unnamed kinds one process maps or holds, by "DEV INO" (SysV of another namespace: by shmid). */
export interface KindMatches {
  memfd: Map<string, NamedMatch>;
  anon: Map<string, Range[]>;
  /** Every SysV mapping by shmid; the walk keeps them only for a process of another IPC namespace. */
  foreignSysv: Map<number, SysvMatch>;
}

const MEMFD = Buffer.from('/memfd:', 'latin1');
const DELETED = ' (deleted)';
const DELETED_END = Buffer.from(' (deleted)\n', 'latin1'); // /proc/PID/maps ends every line, the last too, with \n
const DEV_ZERO = Buffer.from('/dev/zero (deleted)', 'latin1');
const ANON_HUGEPAGE = Buffer.from('/anon_hugepage (deleted)', 'latin1');
const ANON_SHMEM = Buffer.from('[anon_shmem:', 'latin1');
const SYSV = Buffer.from('/SYSV', 'latin1');
const MEMFD_LINK = '/memfd:';

function emptyKinds(): KindMatches {
  return { memfd: new Map(), anon: new Map(), foreignSysv: new Map() };
}

export function hasKinds(k: KindMatches): boolean {
  return k.memfd.size > 0 || k.anon.size > 0 || k.foreignSysv.size > 0;
}

/** The name in "/memfd:NAME (deleted)" (latin1: one char per byte). */
function memfdName(path: string): string {
  return path.slice(MEMFD_LINK.length, path.endsWith(DELETED) ? path.length - DELETED.length : path.length);
}

/** True when the path of `line` starts with `prefix`. */
function pathIs(maps: Buffer, line: Line, prefix: Buffer): boolean {
  return prefix.compare(maps, line.pathStart, Math.min(line.pathStart + prefix.length, line.lineEnd)) === 0;
}

function addAnon(into: KindMatches, line: Line): void {
  // Only shared mappings ('s'), on an anonymous device: a private /dev/zero mapping shows no path.
  if (!line.shared || !line.dev.startsWith('00:')) return;
  const key = `${line.dev} ${line.inode}`;
  const list = into.anon.get(key);
  if (list) list.push(line.range); else into.anon.set(key, [line.range]);
}

/**
 * Finds memfd, shared-anonymous and SysV mappings in the bytes of one maps file. All but
 * "[anon_shmem:NAME]" end in " (deleted)": one pass over those line ends finds them.
 */
export function matchKinds(maps: Buffer): KindMatches {
  const into = emptyKinds();
  for (let at = maps.indexOf(DELETED_END); at !== -1;) {
    const line = lineAt(maps, at);
    if (line === null) break;
    if (line.lineEnd === at + DELETED_END.length - 1) { // the match ends its line
      if (pathIs(maps, line, MEMFD)) {
        const key = `${line.dev} ${line.inode}`;
        const entry = into.memfd.get(key);
        if (entry) entry.ranges.push(line.range);
        else into.memfd.set(key, { name: memfdName(maps.toString('latin1', line.pathStart, line.lineEnd)), ranges: [line.range] });
      } else if (pathIs(maps, line, DEV_ZERO) || pathIs(maps, line, ANON_HUGEPAGE)) {
        addAnon(into, line);
      } else if (pathIs(maps, line, SYSV) && line.dev.startsWith('00:')) {
        const key = Number.parseInt(maps.toString('latin1', line.pathStart + SYSV.length, line.pathStart + SYSV.length + 8), 16);
        if (Number.isSafeInteger(key)) {
          const entry = into.foreignSysv.get(line.inode);
          if (entry) entry.ranges.push(line.range); else into.foreignSysv.set(line.inode, { key, ranges: [line.range] });
        }
      }
    }
    at = maps.indexOf(DELETED_END, line.lineEnd);
  }
  for (let at = maps.indexOf(ANON_SHMEM); at !== -1;) {
    const line = lineAt(maps, at);
    if (line === null) break;
    if (line.pathStart === at) addAnon(into, line);
    at = maps.indexOf(ANON_SHMEM, line.lineEnd);
  }
  return into;
}

/**
 * The memfd objects process `pid` holds as descriptors, by "DEV INO": readlink of each
 * /proc/PID/fd entry (never calls into a filesystem), then stat (not open) of the memfd ones for
 * their identity and size. stat does reach the file's filesystem, and a user can dress a FUSE file
 * up as "/memfd:…" in a mount namespace of their own: so this runs on the maps worker, each stat
 * inside `guard` (beforeRead/afterRead), where a stuck call is found and its process skipped.
 * Nothing is opened, so no driver runs and nothing is kept alive. Unreadable or gone: null.
 */
export function memfdDescriptors(pid: number, stats: Map<string, DeletedStat>, guard: { beforeRead(pid: number): void; afterRead(): void }): Map<string, FdMatch> | null {
  const dir = `/proc/${pid}/fd`;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return null;
  }
  let found: Map<string, FdMatch> | null = null;
  for (const entry of entries) {
    const path = `${dir}/${entry}`;
    let link: string;
    try {
      link = readlinkSync(path); // utf8, Node's fastest path; re-read as bytes below when that lost some
    } catch {
      continue; // closed meanwhile
    }
    if (!link.startsWith(MEMFD_LINK)) continue;
    if (link.includes('\ufffd')) {
      try {
        link = readlinkSync(path, 'latin1');
      } catch {
        continue;
      }
    }
    let key: string;
    guard.beforeRead(pid);
    try {
      const st = statSync(path);
      key = `${devToken(st.dev)} ${st.ino}`;
      if (!stats.has(key)) stats.set(key, { size: st.size, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtimeMs: st.mtimeMs });
    } catch {
      continue;
    } finally {
      guard.afterRead();
    }
    const fd = Number(entry);
    found ??= new Map();
    const held = found.get(key);
    if (held) held.fds.push(fd); else found.set(key, { name: memfdName(link), fds: [fd] });
  }
  return found;
}
