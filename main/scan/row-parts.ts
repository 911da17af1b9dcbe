// Pieces every kind of row is built from: attachers from the ranges a process maps, and the
// fields a stat() of the object gives (or the "unknown" spelling when it could not be stat'ed).
import type { Attacher, Mapping } from '../../common/scan-types';
import type { DeletedStat, ProcessInfo, Range } from './maps';
import { formatPerms } from './sysv';
import type { NameLookup } from './users';

function toMapping(range: Range): Mapping {
  return { start: range.start, end: range.end, access: range.writable ? 'rw' : 'ro' };
}

export function toAttacher(pid: number, info: ProcessInfo, ranges: readonly Range[], names: NameLookup): Attacher {
  // One attacher per process, with every range it maps the segment at (attach counts are per process).
  const mappings = ranges.map(toMapping);
  const first = mappings[0]!;
  return {
    pid,
    command: info.command,
    uid: info.uid,
    user: info.uid < 0 ? '' : names.user(info.uid),
    access: first.access,
    start: first.start,
    end: first.end,
    mappings,
  };
}

/** Bytes of the largest range. */
export function largestRange(ranges: readonly Range[]): number {
  return Math.max(...ranges.map((r) => Number(BigInt(r.end) - BigInt(r.start))));
}

export interface StatFields { perms: string; mode: number; uid: number; gid: number; owner: string; group: string; mtime: number }

/** Owner, mode and mtime from a stat; '?' / -1 / 0 when there was none. */
export function statFields(st: DeletedStat | undefined, names: NameLookup): StatFields {
  if (st === undefined) return { perms: '?', mode: 0, uid: -1, gid: -1, owner: '?', group: '?', mtime: 0 };
  return {
    perms: formatPerms(st.mode), mode: st.mode, uid: st.uid, gid: st.gid,
    owner: names.user(st.uid), group: names.group(st.gid), mtime: Math.floor(st.mtimeMs),
  };
}
