import { labelRooms, type LabelledRow } from '../../chat';
import { safeJson } from '../../format/terminal';
import { scanSegments, type SegmentRow } from '../../scan';
import { attachmentCount, attachmentSummary, unreadableNote } from '../attachments';
import { UsageError, type Command } from '../command';
import { flag, listOption } from '../values';
import { humanSize, renderTable, type Column } from '../table';

/** What the STATUS column says: removal pending, locked in memory, unlinked while mapped. */
export function segmentStatus(row: SegmentRow): string {
  if (row.kind !== 'sysv') return row.deleted === true ? 'deleted' : '';
  return [row.dest ? 'dest' : '', row.locked ? 'locked' : '', row.ipcns === undefined ? '' : `ipcns:${row.ipcns}`].filter(Boolean).join(',');
}

const KINDS = ['sysv', 'posix', 'memfd', 'shared-anon'] as const;

/** --kind sysv,posix,memfd,shared-anon (repeatable) → the kinds to list; all when not given. */
function kindFilter(texts: readonly string[]): ReadonlySet<SegmentRow['kind']> {
  if (texts.length === 0) return new Set(KINDS);
  const kinds = new Set<SegmentRow['kind']>();
  for (const word of texts.flatMap((t) => t.split(','))) {
    const kind = KINDS.find((k) => k === word.trim());
    if (kind === undefined) throw new UsageError(`--kind: expected some of ${KINDS.join(',')}, got "${word}"`);
    kinds.add(kind);
  }
  return kinds;
}

/** "python3[12] sh[13]"; with "3 attachments in 2 processes: " before it when a process maps it more than once. */
function attachedBy(row: SegmentRow): string {
  const mappers = row.attachers.map((a) => `${a.command}[${a.pid}]${a.mappings.length > 1 ? `x${a.mappings.length}` : ''}`);
  // memfd: processes that hold it only as a descriptor, marked (fd).
  const holders = 'holders' in row ? row.holders.map((h) => `${h.command}[${h.pid}](fd)`) : [];
  const who = [...mappers, ...holders].join(' ');
  if (attachmentCount(row) === row.attachers.length) return who;
  return who === '' ? attachmentSummary(row) : `${attachmentSummary(row)}: ${who}`;
}

function lsColumns(bytes: boolean): Column<LabelledRow>[] {
  return [
    { header: 'KIND', value: (row) => row.kind },
    // What has neither key nor unique name is addressed by its ref: shown where the key would be.
    { header: 'KEY', value: (row) => row.key ?? (row.kind === 'memfd' || row.kind === 'shared-anon' ? row.ref : '-') },
    { header: 'ID', value: (row) => (row.id === null ? '-' : String(row.id)), right: true },
    { header: 'NAME', value: (row) => (row.room !== undefined ? `room:${row.room}` : row.roomUnknown ? 'room?' : row.name ?? '-') },
    { header: 'SIZE', value: (row) => (bytes ? String(row.size) : humanSize(row.size)), right: true },
    { header: 'PERMS', value: (row) => row.perms },
    { header: 'OWNER', value: (row) => row.owner },
    { header: 'NATTCH', value: (row) => String(row.nattch), right: true },
    { header: 'CPID', value: (row) => (row.cpid === null ? '-' : String(row.cpid)), right: true },
    { header: 'LPID', value: (row) => (row.lpid === null ? '-' : String(row.lpid)), right: true },
    { header: 'STATUS', value: segmentStatus },
    { header: 'ATTACHED BY', value: attachedBy },
  ];
}

export const ls: Command = {
  name: 'ls',
  summary: 'list every shared memory segment (SysV, POSIX, memfd, shared anonymous) with its attachers',
  help: `Usage: shmscope ls [--json] [--bytes] [--kind KINDS]

Lists System V segments (from /proc/sysvipc/shm) and POSIX objects (from
/dev/shm), with the processes that map each one (from /proc/*/maps); then
what has no name, found through /proc/*/maps and /proc/*/fd: memfd objects
(ref memfd:DEV:INO; "(fd)" marks a process that only holds a descriptor),
anonymous MAP_SHARED memory two or more processes share (anon:DEV:INO), POSIX
objects unlinked while mapped (posix-deleted:DEV:INO), and SysV segments of
other IPC namespaces (ipcns:NSINODE:ID; as root, read inside the namespace).
Listing changes nothing: no segment is attached. A chat room shows as
room:NAME; "room?" is a key in the rooms' block whose header could only be
read by attaching (not root, or no process maps it).

Options:
  --json    print {"segments": [...]} with every field, for scripts
  --bytes   print sizes in bytes instead of K/M/G
  --kind K  only these kinds, comma-separated: sysv,posix,memfd,shared-anon
  -h, --help
`,
  options: { json: { type: 'boolean' }, bytes: { type: 'boolean', short: 'b' }, kind: { type: 'string', multiple: true } },
  async run(invocation, output) {
    const kinds = kindFilter(listOption(invocation, 'kind'));
    const all = labelRooms(scanSegments());
    const scan = { ...all, segments: all.segments.filter((row) => kinds.has(row.kind)) };
    if (flag(invocation, 'json')) {
      const { segments, unreadableProcesses, unreadable } = scan;
      await output.out(`${safeJson({ segments, unreadableProcesses, unreadable }, 2)}\n`);
      return 0;
    }
    await output.out(renderTable(lsColumns(flag(invocation, 'bytes')), scan.segments));
    await output.out(unreadableNote(scan, 'what they map is not listed'));
    return 0;
  },
};
