import { labelRooms, type LabelledRow } from '../../chat';
import { safeJson } from '../../format/terminal';
import { scanSegments, type SegmentRow } from '../../scan';
import type { Command } from '../command';
import { flag } from '../values';
import { humanSize, plural, renderTable, type Column } from '../table';

/** What the STATUS column says: removal pending, locked in memory. */
export function segmentStatus(row: SegmentRow): string {
  if (row.kind !== 'sysv') return '';
  return [row.dest ? 'dest' : '', row.locked ? 'locked' : ''].filter(Boolean).join(',');
}

function lsColumns(bytes: boolean): Column<LabelledRow>[] {
  return [
    { header: 'KIND', value: (row) => row.kind },
    { header: 'KEY', value: (row) => row.key ?? '-' },
    { header: 'ID', value: (row) => (row.id === null ? '-' : String(row.id)), right: true },
    { header: 'NAME', value: (row) => (row.room !== undefined ? `room:${row.room}` : row.roomUnknown ? 'room?' : row.name ?? '-') },
    { header: 'SIZE', value: (row) => (bytes ? String(row.size) : humanSize(row.size)), right: true },
    { header: 'PERMS', value: (row) => row.perms },
    { header: 'OWNER', value: (row) => row.owner },
    { header: 'NATTCH', value: (row) => String(row.nattch), right: true },
    { header: 'CPID', value: (row) => (row.cpid === null ? '-' : String(row.cpid)), right: true },
    { header: 'LPID', value: (row) => (row.lpid === null ? '-' : String(row.lpid)), right: true },
    { header: 'STATUS', value: segmentStatus },
    { header: 'ATTACHED BY', value: (row) => row.attachers.map((a) => `${a.command}[${a.pid}]`).join(' ') },
  ];
}

export const ls: Command = {
  name: 'ls',
  summary: 'list every System V and POSIX segment with its attachers',
  help: `Usage: shmscope ls [--json] [--bytes]

Lists System V segments (from /proc/sysvipc/shm) and POSIX objects (from
/dev/shm), with the processes that map each one (from /proc/*/maps).
Listing changes nothing: no segment is attached. A chat room shows as
room:NAME; "room?" is a key in the rooms' block whose header could only be
read by attaching (not root, or no process maps it).

Options:
  --json    print {"segments": [...]} with every field, for scripts
  --bytes   print sizes in bytes instead of K/M/G
  -h, --help
`,
  options: { json: { type: 'boolean' }, bytes: { type: 'boolean', short: 'b' } },
  async run(invocation, output) {
    const scan = labelRooms(scanSegments());
    if (flag(invocation, 'json')) {
      await output.out(`${safeJson({ segments: scan.segments, unreadableProcesses: scan.unreadableProcesses }, 2)}\n`);
      return 0;
    }
    await output.out(renderTable(lsColumns(flag(invocation, 'bytes')), scan.segments));
    if (scan.unreadableProcesses > 0) {
      await output.out(`(${plural(scan.unreadableProcesses, 'process')} could not be read; what they map is not listed)\n`);
    }
    return 0;
  },
};
