// The only module that touches the compiled addon: it loads the .node file and
// gives the rest of the code a typed view of it. Errors thrown by the addon are
// plain Errors (or RangeErrors) carrying `code` (an errno name such as 'EACCES',
// or a shmscope code such as 'ETRUNCATED'), and `subject` (the segment concerned).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** shmctl(IPC_STAT) of one System V segment; times are seconds since the epoch (0 = never). */
export interface SysvStat {
  shmid: number;
  key: number;
  size: number;
  nattch: number;
  cpid: number;
  lpid: number;
  uid: number;
  gid: number;
  cuid: number;
  cgid: number;
  /** The 9 permission bits (plus SHM_DEST/SHM_LOCKED masked out). */
  mode: number;
  atime: number;
  dtime: number;
  ctime: number;
  /** Marked for removal (IPC_RMID while still attached). */
  dest: boolean;
  /** SHM_LOCK'ed into memory. */
  locked: boolean;
}

export interface SysvGetOptions {
  /** IPC_CREAT */
  create: boolean;
  /** IPC_EXCL (only with create) */
  exclusive: boolean;
  /** Permission bits, e.g. 0o600; used only when creating. */
  mode: number;
  /** Size in bytes; 0 when opening an existing segment. */
  size: number;
}

/** fstat() of an open POSIX object. */
export interface PosixStat {
  size: number;
  mode: number;
  uid: number;
  gid: number;
  /** Modification time, milliseconds since the epoch. */
  mtimeMs: number;
  dev: number;
  ino: number;
}

export interface PosixOpenOptions {
  create: boolean;
  exclusive: boolean;
  mode: number;
  readOnly: boolean;
  /** When creating: ftruncate to this size. */
  size?: number;
}

/** A copy-in/copy-out window on a segment. The addon never exposes mapped memory to JS. */
export interface NativeMapping {
  readonly size: number;
  readonly readOnly: boolean;
  readonly closed: boolean;
  /** Copies bytes out; RangeError when [offset, offset+length) leaves the segment. */
  read(offset: number, length: number): Buffer;
  /** Copies bytes in; RangeError when out of range, EACCES-coded Error when read-only. */
  write(offset: number, data: Uint8Array): void;
  /** Detaches/unmaps and closes; calling it again does nothing. */
  close(): void;
}

/** shmat() of one System V segment. */
export interface SysvAttachment extends NativeMapping {
  readonly shmid: number;
}

/** shm_open() of one POSIX object, mapped MAP_SHARED. Reads and writes go through
 *  pread/pwrite on the descriptor, so a concurrent truncation gives an error, never SIGBUS. */
export interface PosixSegmentHandle extends NativeMapping {
  readonly name: string;
  stat(): PosixStat;
  truncate(size: number): void;
}

export interface NativeAddon {
  ftok(path: string, projectId: number): number;
  /** shmget(); key 0 means IPC_PRIVATE. Returns the shmid. */
  sysvGet(key: number, options: SysvGetOptions): number;
  sysvStat(shmid: number): SysvStat;
  sysvRemove(shmid: number): void;
  SysvAttachment: new (shmid: number, readOnly: boolean) => SysvAttachment;
  /** Name with the leading slash, e.g. "/demo". */
  PosixSegment: new (name: string, options: PosixOpenOptions) => PosixSegmentHandle;
  posixUnlink(name: string): void;
}

function findAddon(): string {
  // Bundled code lives in out/, sources in main/: walk up to the package root.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'native', 'build', 'Release', 'shmscope.node');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error('shmscope native addon not found (native/build/Release/shmscope.node): run `npm install` or `npm run build:native`');
    }
    dir = parent;
  }
}

let loaded: NativeAddon | undefined;

/** The addon, loaded on first use. */
export function native(): NativeAddon {
  loaded ??= createRequire(import.meta.url)(findAddon()) as NativeAddon;
  return loaded;
}
