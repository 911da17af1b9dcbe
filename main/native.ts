// The only module that touches the compiled addon: it loads the .node file and
// gives the rest of the code a typed view of it. Errors thrown by the addon are
// plain Errors (or RangeErrors) carrying `code` (an errno name such as 'EACCES',
// or a shmscope code such as 'ETRUNCATED'), and `subject` (the segment concerned).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { BATCH_STRIDE, decodeBatch } from './native-batch';
import type { ChannelEvent, ChannelMessage, ChannelMissed, ChannelParticipant, ChannelPresence } from './native-events';

export type { ChannelEvent, ChannelMessage, ChannelMissed, ChannelParticipant, ChannelPresence };

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

/** semctl() look at one System V semaphore set; per-semaphore arrays are indexed by semnum. */
export interface SysvSemRead {
  semid: number;
  key: number;
  /** The 9 permission bits. */
  mode: number;
  uid: number;
  gid: number;
  cuid: number;
  cgid: number;
  /** Seconds since the epoch, 0 = never. */
  otime: number;
  ctime: number;
  nsems: number;
  /** GETALL */
  values: number[];
  /** GETNCNT: blocked waiting for an increase. */
  ncnt: number[];
  /** GETZCNT: blocked waiting for zero. */
  zcnt: number[];
  /** GETPID: the last process to operate on each semaphore. */
  pids: number[];
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
  /** How errors name the object (e.g. "posix:bad\\xff"); default "posix:" + the name. */
  subject?: string;
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
  /** Where `pattern` first lies wholly inside [offset, offset+length), or -1; searched in place
   *  (memmem over the attachment, or over pread chunks), nothing copied out. RangeError as read. */
  find(pattern: Uint8Array, offset: number, length: number): number;
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
  /** The name's bytes, with the leading slash. */
  readonly name: Buffer;
  stat(): PosixStat;
  truncate(size: number): void;
}

/** Options of `new Channel(...)`: the System V segment behind one chat room (docs/channel-format.md). */
export interface ChannelOpenOptions {
  /** Room name, stored in the header; opening refuses (code 'EEXIST') a segment holding another room. */
  name: string;
  /** System V key (main/chat/naming.ts maps room names to keys). */
  key: number;
  /** Create the segment when absent (IPC_CREAT|IPC_EXCL); default true. false: code 'ENOENT' when absent. */
  create?: boolean;
  /** Permission bits when creating; default 0o600. */
  mode?: number;
  /** Ring size when creating: power of two, 4096..64 MiB; default 1 MiB. */
  ringBytes?: number;
  /** Presence slots when creating: 1..1024; default 64. */
  slots?: number;
}

export interface ChannelInfo {
  name: string;
  key: number;
  shmid: number;
  /** This handle created the segment. */
  created: boolean;
  ringBytes: number;
  /** Largest text (UTF-8 bytes) a send accepts; larger → RangeError. */
  maxText: number;
  slots: number;
  createdAt: number;
  /** Random per creation, hex: tells a re-created room from the old one. */
  generation: string;
}

/** What `channelDescribe(shmid)` reports for a segment that is a valid channel. */
export interface ChannelDescription {
  name: string;
  version: number;
  ringBytes: number;
  maxText: number;
  slots: number;
  createdAt: number;
  /** Messages ever sent in the room. */
  messages: number;
  participants: ChannelParticipant[];
}

export type ChannelBytesDescription = Omit<ChannelDescription, 'participants'> & { participants: ChannelParticipant[] | null };

/** An attached chat channel. Errors carry `code` (errno name, or ECHANNEL, EEXIST, ENOENT, ECLOSED, ESTALLED). */
export interface NativeChannel {
  readonly closed: boolean;
  /** Takes a presence slot; nick is at most 32 UTF-8 bytes. */
  /** quiet: a one-shot participant (presence flag kSlotQuiet), not announced on join and leave. */
  join(nick: string, quiet?: boolean): { slot: number; pid: number };
  leave(): void;
  /** Appends a message and wakes the room; returns its seq. RangeError above info().maxText bytes. */
  send(text: string): number;
  /** Appends the texts in order with one call and one wakeup; returns the last seq (0 for none).
   *  Texts before one that fails (too long: RangeError) are sent. */
  sendMany(texts: readonly string[]): number;
  /** Everything still held in the ring, oldest first. */
  readHistory(): Array<ChannelMessage | ChannelMissed>;
  /** Live participants; reaps dead ones. */
  participants(): ChannelParticipant[];
  /** Starts the one waiter thread; batches (up to 1,024 events, one callback each) arrive on the event loop until stop()/close().
   *  history: first replay what the ring holds. skipOwn: do not deliver the messages this
   *  handle sends while joined (they still count for sequence gaps; readHistory keeps them). */
  start(onBatch: (batch: ChannelEvent[]) => void, options?: { history?: boolean; skipOwn?: boolean }): void;
  stop(): void;
  /** false: a started channel does not keep the process alive. */
  setRef(ref: boolean): void;
  /** Spin up to ~50 µs (yielding) before sleeping on the futex, backing off while spins find nothing;
   *  only with ≥ 4 CPUs (with fewer, spinning measured slower than sleeping). */
  setLowLatency(on: boolean): void;
  info(): ChannelInfo;
  /** Leaves, stops and detaches; the segment stays (remove it with sysvRemove). */
  close(): void;
  /** Test hook: the next send stops forever between claim and commit. */
  _setFault(mode: 'none' | 'stall-after-claim' | 'stall-before-header'): void;
}

export interface NativeAddon {
  ftok(path: string, projectId: number): number;
  /** shmget(); key 0 means IPC_PRIVATE. Returns the shmid. */
  sysvGet(key: number, options: SysvGetOptions): number;
  sysvStat(shmid: number): SysvStat;
  sysvRemove(shmid: number): void;
  SysvAttachment: new (shmid: number, readOnly: boolean) => SysvAttachment;
  /** Reads one semaphore set without changing it (IPC_STAT, GETALL, GETNCNT, GETZCNT, GETPID).
   *  Errors name "sem:ID": EACCES without read permission, EINVAL/EIDRM when it is gone. */
  sysvSemRead(semid: number): SysvSemRead;
  /** Name with the leading slash, e.g. "/demo": bytes (any, as in /dev/shm) or a string taken as UTF-8.
   *  Opens only a regular file, never blocking and never following a symlink: code 'ENOTREG' for a
   *  FIFO, directory, socket or device, 'ELOOP' for a symlink; 'ENAMETOOLONG' past 255 bytes after '/'. */
  PosixSegment: new (name: string | Uint8Array, options: PosixOpenOptions) => PosixSegmentHandle;
  /** shm_unlink; `subject` names the object in errors (default "posix:" + name). */
  posixUnlink(name: string | Uint8Array, subject?: string): void;
  Channel: new (options: ChannelOpenOptions) => NativeChannel;
  /** Read-only look at a segment: its channel header and participants, or null if it is not a channel. */
  channelDescribe(shmid: number): ChannelDescription | null;
  /** The same look from a copy of the segment's first bytes (read without attaching), validated by the
   *  same header check against the kernel's segment size. participants is null when `bytes` ends before
   *  the presence table (CHANNEL_DESCRIBE_BYTES always covers it). */
  channelDescribeBytes(bytes: Uint8Array, segmentSize: number): ChannelBytesDescription | null;
  /** Bytes of the channel header: enough for the room's name. */
  CHANNEL_HEADER_BYTES: number;
  /** Reads a file (statOnly: stats it) on a thread of its own, waiting at most timeoutMs: null when
   *  it did not answer (the thread stays parked in the kernel). OS errors carry code and path. */
  readBounded(path: string, timeoutMs: number, statOnly?: false): Buffer | null;
  readBounded(path: string, timeoutMs: number, statOnly: true): { size: number; mode: number; uid: number; gid: number; mtimeMs: number } | null;
  /** Reads the files in order on one thread of its own, each read waited for at most timeoutMs: a
   *  Buffer or an errno code per file, the list cut short at a read that did not answer. */
  readBoundedBatch(paths: string[], timeoutMs: number): (Buffer | string)[];
  /** The name and nick limits the C++ enforces, in UTF-8 bytes (common/limits.ts mirrors them). */
  LIMITS: { roomNameBytes: number; nickBytes: number; posixNameBytes: number };
  /** Header plus the largest presence table: enough for the participants too. */
  CHANNEL_DESCRIBE_BYTES: number;
  /** Hard upper bound of a message's text in bytes (rooms with small rings accept less). */
  CHANNEL_MAX_TEXT: number;
  /** Numbers per event in a batch's meta array (native-batch.ts). */
  CHANNEL_BATCH_STRIDE: number;
  /** _exit(status): ends the process without joining worker threads (see main/scan/maps-thread.ts). */
  exitNow(status: number): never;
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

/** The addon's own Channel: batches come as (bytes, meta, participants?), see native-batch.ts. */
interface RawChannel {
  start(onBatch: (bytes: ArrayBuffer, meta: Float64Array, presence?: ChannelParticipant[]) => void, options?: { history?: boolean; skipOwn?: boolean }): void;
  readHistory(): [ArrayBuffer, Float64Array];
}
type ChannelClass = new (options: ChannelOpenOptions) => NativeChannel;

/** The addon's Channel class with its batches decoded into event objects. */
function decodingChannel(Raw: new (options: ChannelOpenOptions) => RawChannel): ChannelClass {
  const { start, readHistory } = Raw.prototype as RawChannel;
  class Channel extends (Raw as unknown as new (options: ChannelOpenOptions) => object) {
    start(onBatch: (batch: ChannelEvent[]) => void, options?: { history?: boolean; skipOwn?: boolean }): void {
      start.call(this as unknown as RawChannel, (bytes, meta, presence) => onBatch(decodeBatch(bytes, meta, presence)), options);
    }
    readHistory(): Array<ChannelMessage | ChannelMissed> {
      const [bytes, meta] = readHistory.call(this as unknown as RawChannel);
      return decodeBatch(bytes, meta) as Array<ChannelMessage | ChannelMissed>;
    }
  }
  return Channel as unknown as ChannelClass;
}

let loaded: NativeAddon | undefined;

/** The addon, loaded on first use. */
export function native(): NativeAddon {
  if (!loaded) {
    const raw = createRequire(import.meta.url)(findAddon()) as NativeAddon;
    if (raw.CHANNEL_BATCH_STRIDE !== BATCH_STRIDE) throw new Error(`shmscope native addon is out of date (batch stride ${raw.CHANNEL_BATCH_STRIDE}, expected ${BATCH_STRIDE}): run \`npm run build:native\``);
    loaded = { ...raw, Channel: decodingChannel(raw.Channel as unknown as new (options: ChannelOpenOptions) => RawChannel) };
  }
  return loaded;
}

/** Ends the process now with this status, even with a worker thread blocked in the kernel. */
export function exitNow(status: number): never {
  return native().exitNow(status);
}
