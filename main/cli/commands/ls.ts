import { labelRooms } from '../../chat/describe';
import { safeJson } from '../../format/terminal';
import { scanSegments } from '../../scan';
import { processInfo } from '../../scan/maps';
import { COLUMNS, LS_DEFAULT_COLUMNS, columnById, type ColumnDescriptor, type ColumnRow } from '../../../common/columns';
import { unreadableNote } from '../attachments';
import { UsageError, type Command, type Invocation } from '../command';
import { flag, stringOption } from '../values';
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

function listColumns(): string {
  const width = Math.max(...COLUMNS.map((column) => column.id.length));
  return `${COLUMNS.map((column) => `${column.id.padStart(width)}  ${column.description}`).join('\n')}\n`;
}

export const ls: Command = {
  help: `Usage: shmscope ls [--json] [-o COL,...] [-b] [--noheadings] [--raw] [--list-columns]

Lists System V segments (from /proc/sysvipc/shm) and POSIX objects (from
/dev/shm), with the processes that map each one (from /proc/*/maps).
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
  -h, --help
`,
  options: {
    json: { type: 'boolean' }, bytes: { type: 'boolean', short: 'b' }, output: { type: 'string', short: 'o' },
    noheadings: { type: 'boolean', short: 'n' }, raw: { type: 'boolean', short: 'r' }, 'list-columns': { type: 'boolean' },
  },
  async run(invocation, output) {
    if (flag(invocation, 'list-columns')) {
      await output.out(listColumns());
      return 0;
    }
    const columns = chosenColumns(invocation);  // a bad -o fails before the scan
    const scan = labelRooms(scanSegments());
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
