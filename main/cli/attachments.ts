// How many times and by whom a segment is mapped, in words, for `ls` and `show`.
import type { ScanResult, SegmentRow } from '../scan';
import { plural } from './table';

/** Mappings of the row: the kernel's count for SysV (it counts every attach), the ones we saw for POSIX. */
export function attachmentCount(row: SegmentRow): number {
  return row.kind === 'sysv' ? row.nattch : row.attachers.reduce((n, a) => n + a.mappings.length, 0);
}

/** "2 processes", or "3 attachments in 2 processes" when a process maps the segment more than once. */
export function attachmentSummary(row: SegmentRow): string {
  const count = attachmentCount(row);
  const processes = plural(row.attachers.length, 'process');
  return count === row.attachers.length ? processes : `${plural(count, 'attachment', 'attachments')} in ${processes}`;
}

/** The note under a listing about processes whose maps could not be read: timeouts by name. */
export function unreadableNote(scan: Pick<ScanResult, 'unreadable' | 'unreadableProcesses'>, what: string): string {
  if (scan.unreadableProcesses === 0) return '';
  const timeouts = scan.unreadable.filter((p) => p.reason === 'timeout');
  const named = timeouts.length === 0 ? '' : `; no answer in time from ${timeouts.map((p) => `${p.command}[${p.pid}]`).join(' ')}`;
  return `(${plural(scan.unreadableProcesses, 'process')} could not be read; ${what}${named})\n`;
}
