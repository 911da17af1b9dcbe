// Opening what has no name to open: memfd objects, shared anonymous mappings, POSIX objects
// unlinked while mapped, and SysV segments of another IPC namespace. Their bytes are reachable
// only through the processes that have them: a mapping's /proc/PID/map_files entry (root:
// CAP_SYS_ADMIN) or, for a memfd, a holder's /proc/PID/fd link. Each link is opened O_PATH and
// checked to be the very object of the reference (device + inode; for SysV, the kernel's file of
// that segment) before it is reopened for reading, or read-write when the caller asks to write.
import { fstatSync, type Stats } from 'node:fs';
import { ShmscopeError } from '../errors';
import { devToken } from '../scan/maps';
import { scanSegments, type SegmentRow } from '../scan';
import { borrowingDenied, fdSegment, isShmFile, mapFilesPath, openVerifiedLink } from './borrowed';
import { formatRef, type SegmentRef } from './ref';
import type { Segment } from './segment-handle';

export type UnnamedRef = Extract<SegmentRef, { kind: 'mapped' | 'ipcns' }>;

/** The /proc links that lead to the row's object: every mapping, then every fd of a holder. */
function linksOf(row: SegmentRow): string[] {
  const maps = row.attachers.flatMap((a) => a.mappings.map((m) => mapFilesPath({ pid: a.pid, start: m.start, end: m.end })));
  const fds = 'holders' in row ? row.holders.flatMap((h) => h.fds.map((fd) => `/proc/${h.pid}/fd/${fd}`)) : [];
  return [...maps.filter((p): p is string => p !== null), ...fds];
}

function acceptFor(ref: UnnamedRef, row: SegmentRow): (stat: Stats) => boolean {
  if (ref.kind === 'ipcns') {
    if (row.kind !== 'sysv' || row.cuid < 0) return () => false; // the namespace's table was not read: nothing to check against
    const shm = { shmid: row.id, size: row.size, cuid: row.cuid, cgid: row.cgid };
    return (stat) => isShmFile(stat, shm);
  }
  return (stat) => stat.isFile() && stat.ino === ref.ino && devToken(stat.dev) === ref.dev;
}

export function openUnnamed(ref: UnnamedRef, writable: boolean, rows: readonly SegmentRow[] = scanSegments().segments): Segment {
  const text = formatRef(ref);
  const row = rows.find((r) => r.ref === text);
  if (row === undefined) throw new ShmscopeError(text, 'no such segment (no process maps or holds it any more)', 'ENOENT');
  const accept = acceptFor(ref, row);
  for (const path of linksOf(row)) {
    const fd = openVerifiedLink(path, accept, writable);
    if (fd === null) continue;
    // The size now (a memfd can have grown or shrunk since the scan), from the verified descriptor.
    return fdSegment(text, row.kind, fd, fstatSync(fd).size, writable);
  }
  if (ref.kind === 'ipcns' && row.kind === 'sysv' && row.ipcnsUnreadable !== undefined) {
    throw new ShmscopeError(text, `its namespace could not be read (${row.ipcnsUnreadable}), so its mappings cannot be checked`, 'EPERM');
  }
  if (borrowingDenied()) {
    throw new ShmscopeError(text, 'its bytes are reachable only through /proc/PID/map_files of the processes that map it, which needs root (CAP_SYS_ADMIN)', 'EPERM');
  }
  throw new ShmscopeError(text, 'none of the processes that map or hold it could be read through (gone, or remapped since the scan)', 'ENOENT');
}
