// The scanner's public row types (re-exported by index.ts). Plain data: safe to JSON.stringify
// and to send over any transport.

/** One mapping of a segment in a process's address space (a line of /proc/PID/maps). */
export interface Mapping {
  /** '0x7f..' (start inclusive, end exclusive). */
  start: string;
  end: string;
  access: 'ro' | 'rw';
}

/**
 * One process that maps a segment. One entry per process; `mappings` lists every range it maps
 * the segment at (attached twice, once read-only and once read-write, gives two).
 */
export interface Attacher {
  pid: number;
  /** /proc/PID/comm */
  command: string;
  /** Real uid from /proc/PID/status. */
  uid: number;
  /** User name for uid, or the uid as a string when /etc/passwd has no entry. */
  user: string;
  /** Access of the first mapping (see `mappings` for all of them). */
  access: 'ro' | 'rw';
  /** Range of the first mapping, as '0x7f..' (start inclusive, end exclusive). */
  start: string;
  end: string;
  /** Every mapping of the segment in this process, in address order. */
  mappings: Mapping[];
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
  ref: `sysv:${number}` | `ipcns:${number}:${number}`;
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
  /**
   * Set for a segment of another IPC namespace (a container's): the inode of that namespace
   * (/proc/PID/ns/ipc). Its ref is then ipcns:NSINODE:ID, and shmids mean nothing outside it.
   */
  ipcns?: number;
  /** The processes in that namespace (all of them, not only those that map this segment). */
  ipcnsPids?: number[];
  /**
   * Why the namespace's /proc/sysvipc/shm could not be read (entering it needs root): then only
   * what the mappings show is known (key, id, largest mapping) and the other fields are unknown
   * (perms '?', uid/gid -1, times 0).
   */
  ipcnsUnreadable?: string;
}

export interface PosixRow extends RowBase {
  kind: 'posix';
  /**
   * posix:NAME with NAME escaped by escapePosixName (main/segments/posix-name.ts); for an object
   * unlinked while still mapped, posix-deleted:DEV:INO (DEV as /proc/PID/maps prints it, "00:1a").
   */
  ref: `posix:${string}` | `posix-deleted:${string}`;
  key: null;
  id: null;
  /** Without the leading slash, escaped by escapePosixName; for a deleted object, its last name. */
  name: string;
  /**
   * Unlinked (shm_unlink) while processes still map it: found through their maps, not in /dev/shm.
   * Size, mode and owner come from /proc/PID/map_files when we may stat it (root); otherwise the
   * size is the largest mapping, mode 0, uid/gid -1 and owner/group '?'.
   */
  deleted?: boolean;
  cpid: null;
  lpid: null;
  /** Milliseconds since the epoch. */
  mtime: number;
}

/** A process that holds a memfd open (a /proc/PID/fd link) without mapping it. */
export interface FdHolder {
  pid: number;
  command: string;
  uid: number;
  user: string;
  /** Its descriptors of the object. */
  fds: number[];
}

/** Rows found only through /proc/PID/maps: no key, no id, no creator pid. */
interface MappedRowBase extends RowBase {
  key: null;
  id: null;
  cpid: null;
  lpid: null;
  /** Milliseconds since the epoch; 0 when the object could not be stat'ed. */
  mtime: number;
  /** Processes that hold it open as a descriptor but do not map it (memfd only; [] otherwise). */
  holders: FdHolder[];
  deleted?: undefined;
}

/**
 * A memfd_create() object: maps lines "/memfd:NAME (deleted)", one row per device + inode.
 * Size, mode and owner come from stat of a holder's /proc/PID/fd link or of /proc/PID/map_files
 * (root); without either, the size is the largest mapping, mode 0, uid/gid -1, owner '?'.
 */
export interface MemfdRow extends MappedRowBase {
  kind: 'memfd';
  /** memfd:DEV:INO, DEV as /proc/PID/maps prints it ("00:01"). */
  ref: `memfd:${string}`;
  /** The name given to memfd_create (not unique), escaped by escapePosixName. */
  name: string;
}

/**
 * A MAP_SHARED|MAP_ANONYMOUS mapping (or a MAP_SHARED mapping of /dev/zero) that two or more
 * processes share, normally after fork(). Linux prints it as "/dev/zero (deleted)" on its
 * internal shmem mount ("[anon_shmem:NAME]" once named with PR_SET_VMA_ANON_NAME, and
 * "/anon_hugepage (deleted)" for MAP_HUGETLB); the inode identifies the object.
 */
export interface SharedAnonRow extends MappedRowBase {
  kind: 'shared-anon';
  /** anon:DEV:INO. */
  ref: `anon:${string}`;
  name: null;
}

export type SegmentRow = SysvRow | PosixRow | MemfdRow | SharedAnonRow;

/** A process whose /proc/PID/maps we could not read. */
export interface UnreadableProcess {
  pid: number;
  /** /proc/PID/comm ('' if that could not be read either). */
  command: string;
  /** 'timeout' (the read did not answer in time: see main/scan/maps-thread.ts) or an errno code such as 'EACCES'. */
  reason: string;
}

export interface ScanResult {
  segments: SegmentRow[];
  /** Processes whose /proc/PID/maps we could not read (counted and named, never guessed). */
  unreadableProcesses: number;
  /** Those processes, by pid. */
  unreadable: UnreadableProcess[];
  /** Processes whose maps we did read. */
  scannedProcesses: number;
}

/**
 * A kernel figure exactly: a number when it is a safe integer (at most 2^53 - 1), else its decimal
 * digits as a string (the default shmmax, 18446744073692774399, does not fit a double).
 */
export type KernelNumber = number | string;

export interface Limits {
  /** Max bytes per segment (/proc/sys/kernel/shmmax). */
  shmmax: KernelNumber;
  /** Max total pages (/proc/sys/kernel/shmall). */
  shmall: KernelNumber;
  /** Max number of segments (/proc/sys/kernel/shmmni). */
  shmmni: KernelNumber;
  pageSize: number;
  /** SysV segments that exist now. */
  segments: number;
  /** Sum of ceil(size / pageSize) over SysV segments (what SHM_INFO calls shm_tot). */
  pagesInUse: number;
  /** POSIX objects in /dev/shm (not sem.*) and the sum of their sizes. */
  posixObjects: number;
  posixBytes: number;
}

// ── semaphores (`shmscope sem`, listSemaphores) ─────────────────────────────────────────────

/**
 * A POSIX named semaphore: the file /dev/shm/sem.NAME that glibc's sem_open creates and maps.
 * The value is read from the file (pread), never with sem_getvalue/sem_open, so reading it changes
 * nothing; see main/scan/sem-posix.ts for the glibc layout relied on.
 */
export interface PosixSemaphoreRow {
  kind: 'posix';
  /** sem:posix:NAME (NAME escaped as in PosixRow.name). */
  ref: `sem:posix:${string}`;
  /** The name given to sem_open, without its leading slash (the file is sem.NAME), escaped by escapePosixName. */
  name: string;
  /** The semaphore's value; null when it could not be read (see valueError). */
  value: number | null;
  /** Threads glibc counts as blocked in sem_wait on it (the nwaiters word); null when unread. */
  waiters: number | null;
  /** Why value is null: an errno-style code and message (EACCES, ENOTREG, ELAYOUT...), else null. */
  valueError: { code: string; message: string } | null;
  /** File size in bytes (32 for glibc on x86-64). */
  size: number;
  perms: string;
  mode: number;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  /** Milliseconds since the epoch. */
  mtime: number;
  /** Processes that map it (by device and inode in /proc/PID/maps). */
  attachers: Attacher[];
  /** Processes whose maps could not be read (they may map it too). */
  unreadableProcesses: number;
}

/** A System V semaphore set (/proc/sysvipc/sem and semctl): per-semaphore arrays are indexed by semnum. */
export interface SysvSemaphoreRow {
  kind: 'sysv';
  /** sem:sysv:ID */
  ref: `sem:sysv:${number}`;
  /** '0x%08x' (unsigned); 0x00000000 is IPC_PRIVATE. */
  key: string;
  keyNumber: number;
  id: number;
  nsems: number;
  perms: string;
  mode: number;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  cuid: number;
  cgid: number;
  /** Last semop and last change, seconds since the epoch, 0 = never. */
  otime: number;
  ctime: number;
  /** semctl(GETALL); null when the set could not be read (see valueError). */
  values: number[] | null;
  /** semctl(GETNCNT) of each semaphore: processes blocked waiting for its value to increase. */
  waiting: number[] | null;
  /** semctl(GETZCNT) of each semaphore: processes blocked waiting for it to become zero. */
  waitingForZero: number[] | null;
  /** semctl(GETPID) of each semaphore: the process of the last semop on it (0 = none yet). */
  lastPids: number[] | null;
  valueError: { code: string; message: string } | null;
}

export type SemaphoreRow = PosixSemaphoreRow | SysvSemaphoreRow;

export interface SemaphoreList {
  /** POSIX semaphores by name, then System V sets by id. */
  semaphores: SemaphoreRow[];
  unreadableProcesses: number;
  unreadable: UnreadableProcess[];
  scannedProcesses: number;
}
