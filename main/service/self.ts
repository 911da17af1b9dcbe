// The viewer's own attachments (a watched hex view attaches when no other mapping can be
// read) show up in the scan like anyone's: mark them so the UI can say "this viewer".
import type { ScanResult } from '../../common/contract';

export function markSelf(result: ScanResult, pid: number = process.pid): ScanResult {
  return {
    ...result,
    segments: result.segments.map((row) => (row.attachers.some((a) => a.pid === pid)
      ? { ...row, attachers: row.attachers.map((a) => (a.pid === pid ? { ...a, self: true as const } : a)) }
      : row)),
  };
}
