import { labelRooms } from '../../chat/describe';
import { safeJson } from '../../format/terminal';
import { scanSegments } from '../../scan';
import { processInfo } from '../../scan/maps';
import { COLUMNS, LS_DEFAULT_COLUMNS, columnById, type ColumnDescriptor, type ColumnRow } from '../../../common/columns';
import { unreadableNote } from '../attachments';
import { UsageError, type Command, type Invocation } from '../command';
import { flag, listOption, stringOption } from '../values';
import { renderTable, textColumn } from '../table';

/** The columns -o names (lsipc's syntax: "KEY,ID", or "+COMMAND" to add to the default ones). */
function chosenColumns(invocation: Invocation): ColumnDescriptor[] {
  const text = stringOption(invocation, 'output');
  if (text === undefined) return LS_DEFAULT_COLUMNS.map((id) => columnById(id)!);
  const extend = text.startsWith('+');
  const ids = (extend ? text.slice(1) : text).split(',').map((id) => id.trim()).filter(Boolean);
  if (ids.length === 0) throw new UsageError('--output: name at least one column (see --list-columns)');
  const named = ids.map((id) => {
    const column = columnById(id);
    if (column === undefined) throw new UsageError(`--output: unknown column "${id}" (see --list-columns)`);
    return column;
  });
  return extend ? [...LS_DEFAULT_COLUMNS.map((id) => columnById(id)!), ...named] : named;
}

/** The creator's command name (what /proc/CPID/status calls it), while the creator runs. Not its
 *  cmdline, as lsipc shows: reading that takes the process's memory lock and can hang. */
function withCreator(row: ColumnRow): ColumnRow {
  if (row.kind !== 'sysv') return row;
  const info = processInfo(row.cpid);
  return info === null ? row : { ...row, creatorCommand: info.command };
}

const KINDS = ['sysv', 'posix', 'memfd', 'shared-anon'] as const;

/** --kind sysv,posix,memfd,shared-anon (repeatable) → the kinds to list; all when not given. */
function kindFilter(texts: readonly string[]): ReadonlySet<ColumnRow['kind']> {
  if (texts.length === 0) return new Set(KINDS);
  const kinds = new Set<ColumnRow['kind']>();
  for (const word of texts.flatMap((t) => t.split(','))) {
    const kind = KINDS.find((k) => k === word.trim());
    if (kind === undefined) throw new UsageError(`--kind: expected some of ${KINDS.join(',')}, got "${word}"`);
    kinds.add(kind);
  }
  return kinds;
}

function listColumns(): string {
  const width = Math.max(...COLUMNS.map((column) => column.id.length));
  return `${COLUMNS.map((column) => `${column.id.padStart(width)}  ${column.description}`).join('\n')}\n`;
}

export const ls: Command = {
  help: `Usage: shmscope ls [--json] [-o COL,...] [-b] [--noheadings] [--raw] [--list-columns] [--kind KINDS]

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
  --json              print {"segments": [...]} with every field, for scripts
  -o, --output COLS   the columns to print, e.g. KEY,ID,SIZE; +COLS adds to the default ones
  -b, --bytes         print sizes in bytes instead of K/M/G
  -n, --noheadings    no header line
  -r, --raw           one space between cells, no padding (spaces in a cell as \\x20)
  --list-columns      the columns -o takes, with what each one shows
  --kind KINDS        only these kinds, comma-separated: sysv,posix,memfd,shared-anon
  -h, --help
`,
  options: {
    json: { type: 'boolean' }, bytes: { type: 'boolean', short: 'b' }, output: { type: 'string', short: 'o' },
    noheadings: { type: 'boolean', short: 'n' }, raw: { type: 'boolean', short: 'r' }, 'list-columns': { type: 'boolean' },
    kind: { type: 'string', multiple: true },
  },
  async run(invocation, output) {
    if (flag(invocation, 'list-columns')) {
      await output.out(listColumns());
      return 0;
    }
    const columns = chosenColumns(invocation);  // a bad -o fails before the scan
    const kinds = kindFilter(listOption(invocation, 'kind'));
    const all = labelRooms(scanSegments());
    const scan = { ...all, segments: all.segments.filter((row) => kinds.has(row.kind)) };
    if (flag(invocation, 'json')) {
      const { segments, unreadableProcesses, unreadable } = scan;
      await output.out(`${safeJson({ segments, unreadableProcesses, unreadable }, 2)}\n`);
      return 0;
    }
    const rows = columns.some((column) => column.id === 'COMMAND') ? scan.segments.map(withCreator) : scan.segments;
    const cell = { bytes: flag(invocation, 'bytes') };
    await output.out(renderTable(columns.map((column) => textColumn(column, cell)), rows, {
      noHeadings: flag(invocation, 'noheadings'), raw: flag(invocation, 'raw'),
    }));
    await output.out(unreadableNote(scan, 'what they map is not listed'));
    return 0;
  },
};
