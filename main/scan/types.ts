// The scanner's public row types (re-exported by index.ts). Plain data: safe to JSON.stringify
// and to send over any transport.

/** One process that maps a segment. One entry per process, even if it maps the segment in several ranges. */
export interface Attacher {
  pid: number;
  /** /proc/PID/comm */
  command: string;
  /** Real uid from /proc/PID/status. */
  uid: number;
  /** User name for uid, or the uid as a string when /etc/passwd has no entry. */
  user: string;
  /** 'rw' if any of the process's ranges of this segment is writable. */
  access: 'ro' | 'rw';
  /** First mapped range of this segment in the process, as '0x7f..' (start inclusive, end exclusive). */
  start: string;
  end: string;
  /** This process is shmscope itself (the viewer's own attachment, e.g. for the hex view); set by the service. */
  self?: true;
}

interface RowBase {
  ref: string;
  /** Bytes. */
  size: number;
  /** Octal, 4 digits, e.g. '0644'. */
  perms: string;
  /** Permission bits as a number (SysV: 9 bits; POSIX: mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  /** SysV: the kernel's nattch. POSIX: number of distinct processes mapping it. */
  nattch: number;
  attachers: Attacher[];
  /**
   * Processes whose maps could not be read and which may therefore attach this segment without
   * being listed. 0 for a SysV segment whose nattch is fully accounted for by the mappings we saw.
   */
  unreadableProcesses: number;
}

export interface SysvRow extends RowBase {
  kind: 'sysv';
  ref: `sysv:${number}`;
  /** '0x%08x' (unsigned). The kernel resets the key to 0 (IPC_PRIVATE) once a segment is marked for removal. */
  key: string;
  keyNumber: number;
  id: number;
  name: null;
  cpid: number;
  lpid: number;
  cuid: number;
  cgid: number;
  /** Seconds since the epoch, 0 = never. */
  atime: number;
  dtime: number;
  ctime: number;
  /** Bytes resident / swapped out. */
  rss: number;
  swap: number;
  /** SHM_DEST: marked for removal, goes away when the last process detaches. */
  dest: boolean;
  /** SHM_LOCKED: locked into memory with SHM_LOCK. */
  locked: boolean;
}

export interface PosixRow extends RowBase {
  kind: 'posix';
  ref: `posix:${string}`;
  key: null;
  id: null;
  /** Without the leading slash, as in /dev/shm. */
  name: string;
  cpid: null;
  lpid: null;
  /** Milliseconds since the epoch. */
  mtime: number;
}

export type SegmentRow = SysvRow | PosixRow;

export interface ScanResult {
  segments: SegmentRow[];
  /** Processes whose /proc/PID/maps we were not allowed to read (counted, never guessed). */
  unreadableProcesses: number;
  /** Processes whose maps we did read. */
  scannedProcesses: number;
}

export interface Limits {
  /** Max bytes per segment (/proc/sys/kernel/shmmax). Very large defaults lose precision as a JS number. */
  shmmax: number;
  /** Max total pages (/proc/sys/kernel/shmall). */
  shmall: number;
  /** Max number of segments (/proc/sys/kernel/shmmni). */
  shmmni: number;
  pageSize: number;
  /** SysV segments that exist now. */
  segments: number;
  /** Sum of ceil(size / pageSize) over SysV segments (what SHM_INFO calls shm_tot). */
  pagesInUse: number;
  /** POSIX objects in /dev/shm (not sem.*) and the sum of their sizes. */
  posixObjects: number;
  posixBytes: number;
}
