// Opening, creating and removing segments by reference. Inspection opens read-only
// unless the caller asks to write, as the design requires.
import { errorCode, ShmscopeError } from '../errors';
import { native, type NativeMapping } from '../native';
import type { CreateRequest, Created, SysvIdentity } from '../../common/contract';
import { borrowingDenied, openBorrowedSysv, type Holder } from './borrowed';
import { formatKey, formatRef, normalizePosixName, posixNameBytes, type SegmentRef } from './ref';
import { openUnnamed } from './mapped';
import type { Segment } from './segment-handle';

export type { Segment };

// The request shapes are the contract's (common/contract.ts), so the UI, the CLI and this layer agree.
export type { CreateRequest, Created, SysvIdentity };

export interface OpenOptions {
  writable?: boolean;
  /** For reading a SysV segment: the processes that map it now (the scanner's attachers). Their
   *  mapping is read when possible (root), so inspecting does not shmat and leaves lpid, atime,
   *  dtime and nattch alone; otherwise the segment is attached read-only. */
  holders?: (shmid: number) => readonly Holder[];
}

/** The shmid behind a sysv: or key: reference (key: asks shmget without IPC_CREAT). A room:
 *  reference that finds nothing says "room:NAME: no such room", not the key it hashes to. */
export function resolveSysvId(ref: Extract<SegmentRef, { kind: 'sysv' | 'key' }>): number {
  if (ref.kind === 'sysv') return ref.id;
  try {
    return native().sysvGet(ref.key, { create: false, exclusive: false, mode: 0, size: 0 });
  } catch (error) {
    if (ref.room !== undefined && errorCode(error) === 'ENOENT') throw new ShmscopeError(formatRef(ref), 'no such room', 'ENOENT');
    throw error;
  }
}

export function openSegment(ref: SegmentRef, options: OpenOptions = {}): Segment {
  const writable = options.writable ?? false;
  if (ref.kind === 'posix') {
    const subject = formatRef(ref);
    const handle = new (native().PosixSegment)(posixNameBytes(ref.name), { create: false, exclusive: false, mode: 0, readOnly: !writable, subject });
    return wrap(subject, 'posix', handle, writable);
  }
  if (ref.kind === 'mapped' || ref.kind === 'ipcns') return openUnnamed(ref, writable);
  const shmid = resolveSysvId(ref);
  if (!writable && options.holders && !borrowingDenied()) {
    const holders = options.holders(shmid);
    const borrowed = holders.length === 0 ? null : openBorrowedSysv(native().sysvStat(shmid), holders);
    if (borrowed) return borrowed;
  }
  return wrap(`sysv:${shmid}`, 'sysv', new (native().SysvAttachment)(shmid, !writable), writable);
}

function wrap(ref: string, kind: Segment['kind'], mapping: NativeMapping, writable: boolean): Segment {
  return {
    ref,
    kind,
    writable,
    get size() { return mapping.size; },
    read: (offset, length) => mapping.read(offset, length),
    find: (pattern, offset, length) => mapping.find(pattern, offset, length),
    write: (offset, data) => mapping.write(offset, data),
    close: () => mapping.close(),
  };
}

export function createSegment(request: CreateRequest): Created {
  if (!Number.isSafeInteger(request.size) || request.size <= 0) {
    throw new ShmscopeError('size', `must be a positive number of bytes, got ${request.size}`, 'EINVAL');
  }
  if (!Number.isInteger(request.mode) || request.mode < 0 || request.mode > 0o777) {
    throw new ShmscopeError('mode', `must be permission bits between 0000 and 0777, got ${request.mode}`, 'EINVAL');
  }
  if (request.kind === 'posix') {
    const name = normalizePosixName(request.name);
    const ref = formatRef({ kind: 'posix', name });
    const handle = new (native().PosixSegment)(posixNameBytes(name), {
      create: true, exclusive: request.exclusive, mode: request.mode, readOnly: false, size: request.size, subject: ref,
    });
    handle.close();
    return { ref };
  }
  const key = sysvKey(request.identity);
  try {
    const shmid = native().sysvGet(key, { create: true, exclusive: request.exclusive, mode: request.mode, size: request.size });
    return { ref: `sysv:${shmid}`, key: formatKey(key) };
  } catch (error) {
    throw errorCode(error) === 'EINVAL' && key !== 0 ? tooSmall(key, request.size) ?? error : error;
  }
}

/** shmget's EINVAL for an existing key means the segment is smaller than asked (or, rarely, the
 *  size is beyond SHMMAX): say which, with the sizes, instead of "Invalid argument". */
function tooSmall(key: number, wanted: number): ShmscopeError | null {
  try {
    const existing = native().sysvStat(native().sysvGet(key, { create: false, exclusive: false, mode: 0, size: 0 })).size;
    if (existing >= wanted) return null;
    return new ShmscopeError(`key:${formatKey(key)}`,
      `exists already with ${existing} bytes, smaller than the ${wanted} asked for: ask for at most ${existing} bytes, or remove it first`, 'EINVAL');
  } catch {
    return null;  // no such key either: the size itself is the problem, as shmget said
  }
}

function sysvKey(identity: SysvIdentity): number {
  switch (identity.by) {
    case 'private': return 0;
    case 'key': return identity.key;
    case 'ftok': return native().ftok(identity.path, identity.projectId);
  }
}

/** IPC_RMID for System V (the segment goes when the last process detaches), shm_unlink for POSIX. */
export function removeSegment(ref: SegmentRef): string {
  if (ref.kind === 'mapped' || ref.kind === 'ipcns') {
    throw new ShmscopeError(formatRef(ref), 'has no name to remove: it goes away when the last process that maps or holds it lets go', 'EINVAL');
  }
  if (ref.kind === 'posix') {
    native().posixUnlink(posixNameBytes(ref.name), formatRef(ref));
    return formatRef(ref);
  }
  const shmid = resolveSysvId(ref);
  native().sysvRemove(shmid);
  return `sysv:${shmid}`;
}
