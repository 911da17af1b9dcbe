// Processes whose maps could not be read, in words, for `ls` and `show`.
import type { ScanResult } from '../scan';
import { plural } from '../../common/columns';

/** The note under a listing about processes whose maps could not be read: timeouts by name. */
export function unreadableNote(scan: Pick<ScanResult, 'unreadable' | 'unreadableProcesses'>, what: string): string {
  if (scan.unreadableProcesses === 0) return '';
  const timeouts = scan.unreadable.filter((p) => p.reason === 'timeout');
  const named = timeouts.length === 0 ? '' : `; no answer in time from ${timeouts.map((p) => `${p.command}[${p.pid}]`).join(' ')}`;
  return `(${plural(scan.unreadableProcesses, 'process')} could not be read; ${what}${named})\n`;
}
