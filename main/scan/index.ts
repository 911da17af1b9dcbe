// The scanner: every SysV and POSIX shared memory segment, with the processes that map it.
import { scanMaps, posixKey, processInfo, type ProcessInfo, type Range } from './maps';
import { readPosixSegments } from './posix';
import { readSysvSegments } from './sysv';
import type { Attacher, PosixRow, ScanResult, SegmentRow, SysvRow } from './types';
import { nameLookup, type NameLookup } from './users';

export type { Attacher, Limits, PosixRow, ScanResult, SegmentRow, SysvRow } from './types';
export { scanLimits } from './limits';

function toAttacher(pid: number, info: ProcessInfo, ranges: readonly Range[], names: NameLookup): Attacher {
  // One attacher per process, even when it maps the segment in several ranges (attached twice, or a
  // mapping split by mprotect): attach counts are per process. We report the first range, and 'rw'
  // if any of the ranges is writable.
  const first = ranges[0]!;
  return {
    pid,
    command: info.command,
    uid: info.uid,
    user: info.uid < 0 ? '' : names.user(info.uid),
    access: ranges.some((r) => r.writable) ? 'rw' : 'ro',
    start: first.start,
    end: first.end,
  };
}

export function scanSegments(): ScanResult {
  const names = nameLookup();
  const sysv: SysvRow[] = readSysvSegments(names).sort((a, b) => a.id - b.id);
  const posixEntries = readPosixSegments(names);
  const posix: PosixRow[] = posixEntries.map((e) => e.row);

  const sysvById = new Map<number, SysvRow>(sysv.map((row) => [row.id, row]));
  const posixByKey = new Map<string, PosixRow>(posixEntries.map((e) => [posixKey(e.dev, e.ino), e.row]));
  const maps = scanMaps({ sysvIds: new Set(sysvById.keys()), posixKeys: new Set(posixByKey.keys()) });

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
  }

  for (const row of sysv) {
    // If the mappings we saw explain every attach the kernel counts, nobody unreadable can hold it.
    row.unreadableProcesses = (sysvRanges.get(row.id) ?? 0) >= row.nattch ? 0 : maps.unreadableProcesses;
  }
  for (const row of posix) {
    row.nattch = row.attachers.length;
    row.unreadableProcesses = maps.unreadableProcesses;
  }
  const segments: SegmentRow[] = [...sysv, ...posix];
  return { segments, unreadableProcesses: maps.unreadableProcesses, scannedProcesses: maps.scannedProcesses };
}
