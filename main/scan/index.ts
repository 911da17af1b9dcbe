// The scanner: every SysV and POSIX shared memory segment, memfd object, shared anonymous mapping
// and other IPC namespace's SysV segment, with the processes that map it.
import { statSync } from 'node:fs';
import { escapePosixName } from '../segments/posix-name';
import { devToken, posixKey, processInfo, type DeletedStat, type Range } from './maps';
import { prepareMapsWalker, scanMapsBounded, type BoundedScanOptions } from './maps-thread';
import { POSIX_SHM_DIR, readPosixSegments } from './posix';
import { readSysvSegments } from './sysv';
import type { PosixRow, ScanResult, SegmentRow, SysvRow } from '../../common/scan-types';
import { largestRange, statFields, toAttacher } from './row-parts';
import { UnnamedRows } from './kinds';
import { ForeignSysvRows } from './ipcns';
import { nameLookup, type NameLookup } from './users';

export type { Attacher, FdHolder, Limits, Mapping, MemfdRow, PosixRow, ScanResult, SegmentRow, SharedAnonRow, SysvRow, UnreadableProcess } from '../../common/scan-types';
export { scanLimits } from './limits';

/** devToken() of the filesystem on /dev/shm, or null without one. */
function shmDevice(): string | null {
  try {
    return devToken(statSync(POSIX_SHM_DIR).dev);
  } catch {
    return null;
  }
}

/** A row for an object unlinked while mapped: what map_files told us, else what the mappings show. */
function deletedRow(key: string, name: Uint8Array, ranges: readonly Range[], st: DeletedStat | undefined, names: NameLookup): PosixRow {
  const [dev, ino] = key.split(' ') as [string, string];
  const { mtime, ...owner } = statFields(st, names);
  return {
    kind: 'posix',
    ref: `posix-deleted:${dev}:${ino}`,
    key: null,
    id: null,
    name: escapePosixName(name),
    deleted: true,
    size: st?.size ?? largestRange(ranges),
    ...owner,
    nattch: 0,
    attachers: [],
    unreadableProcesses: 0,
    cpid: null,
    lpid: null,
    mtime,
  };
}

export function scanSegments(options: BoundedScanOptions = {}): ScanResult {
  prepareMapsWalker();
  const names = nameLookup();
  const sysv: SysvRow[] = readSysvSegments(names).sort((a, b) => a.id - b.id);
  const posixEntries = readPosixSegments(names);
  const posix: PosixRow[] = posixEntries.map((e) => e.row);

  const sysvById = new Map<number, SysvRow>(sysv.map((row) => [row.id, row]));
  const posixByKey = new Map<string, PosixRow>(posixEntries.map((e) => [posixKey(e.dev, e.ino), e.row]));
  const targets = { sysvIds: new Set(sysvById.keys()), posixKeys: new Set(posixByKey.keys()), shmDev: shmDevice() };
  const maps = scanMapsBounded(targets, options);

  const deletedByKey = new Map<string, PosixRow>();
  const unnamed = new UnnamedRows(maps.deletedStats, names);
  const foreign = new ForeignSysvRows(names);
  const sysvRanges = new Map<number, number>(); // shmid → mapped ranges seen (the kernel's nattch counts ranges)
  for (const proc of maps.processes) {
    const info = processInfo(proc.pid);
    if (info === null) continue; // exited since we read its maps
    for (const [id, ranges] of proc.sysv) {
      sysvById.get(id)!.attachers.push(toAttacher(proc.pid, info, ranges, names));
      sysvRanges.set(id, (sysvRanges.get(id) ?? 0) + ranges.length);
    }
    for (const [key, ranges] of proc.posix) {
      posixByKey.get(key)!.attachers.push(toAttacher(proc.pid, info, ranges, names));
    }
    for (const [key, { name, ranges }] of proc.deleted) {
      let row = deletedByKey.get(key);
      if (row === undefined) {
        row = deletedRow(key, name, ranges, maps.deletedStats.get(key), names);
        deletedByKey.set(key, row);
      } else if (!maps.deletedStats.has(key)) {
        row.size = Math.max(row.size, largestRange(ranges));
      }
      row.attachers.push(toAttacher(proc.pid, info, ranges, names));
    }
    unnamed.add(proc, info);
    if (proc.memfdFds) unnamed.addHolder(proc.pid, info, proc.memfdFds);
    foreign.add(proc, info);
  }

  for (const row of sysv) {
    // If the mappings we saw explain every attach the kernel counts, nobody unreadable can hold it.
    row.unreadableProcesses = (sysvRanges.get(row.id) ?? 0) >= row.nattch ? 0 : maps.unreadableProcesses;
  }
  const deleted = [...deletedByKey.values()].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  for (const row of [...posix, ...deleted]) {
    row.nattch = row.attachers.length;
    row.unreadableProcesses = maps.unreadableProcesses;
  }
  const otherNamespaces = foreign.rows(maps.foreignNamespaces, maps.unreadableProcesses);
  const segments: SegmentRow[] = [...sysv, ...otherNamespaces, ...posix, ...deleted, ...unnamed.rows(maps.unreadableProcesses)];
  return {
    segments,
    unreadableProcesses: maps.unreadableProcesses,
    unreadable: maps.unreadable,
    scannedProcesses: maps.scannedProcesses,
  };
}
