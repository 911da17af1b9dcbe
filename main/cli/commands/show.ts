import { lookAtRoom, type RoomLook } from '../../chat';
import { native } from '../../native';
import { ShmscopeError } from '../../errors';
import { safeJson, visible } from '../../format/terminal';
import { scanSegments, type Attacher, type Mapping, type ScanResult, type SegmentRow } from '../../scan';
import { formatRef, parseRef } from '../../segments';
import { attachmentSummary, formatTime, humanSize, rowMatchesRef, statusText, symbolicPerms } from '../../../common/columns';
import { unreadableNote } from '../attachments';
import type { Command } from '../command';
import { flag, segmentRefArgument } from '../values';
import { renderTable, type Column } from '../table';

/** The scanner's row for one reference, or an ENOENT error naming it. */
export function findSegment(refText: string, scan: ScanResult = scanSegments()): SegmentRow {
  const ref = parseRef(refText);
  const row = scan.segments.find((candidate) => rowMatchesRef(candidate, ref));
  if (row === undefined) {
    const unnamed = ref.kind === 'mapped' || ref.kind === 'ipcns';
    const why = unnamed ? 'no such segment (no process maps or holds it any more)' : ref.kind === 'key' && ref.room !== undefined ? 'no such room' : 'no such segment';
    throw new ShmscopeError(formatRef(ref), why, 'ENOENT');
  }
  return row;
}

/** The chat room a SysV segment holds, if it is one (validated header, not just the key), read
 *  without attaching; unknown when that is not possible. */
function roomOf(row: SegmentRow): RoomLook | null {
  return lookAtRoom(row, native().CHANNEL_DESCRIBE_BYTES);
}

function roomFields(look: RoomLook | null): [string, string][] {
  if (look === null) return [];
  if ('unknown' in look) {
    return [['chat room', 'room? (key in the rooms\' block; its header cannot be read without attaching: not root, or no process maps it)']];
  }
  const { room } = look;
  const participants = room.participants ?? [];
  return [
    ['chat room', `${room.name} (channel format v${room.version})`],
    ['messages', `${room.messages} sent, ring of ${humanSize(room.ringBytes)}, at most ${room.maxText} bytes a message`],
    ['participants', participants.length === 0 ? 'none' : participants.map((p) => `${p.nick}[${p.pid}]`).join(' ')],
  ];
}

function roomJson(look: RoomLook | null): object {
  if (look === null) return {};
  if ('unknown' in look) return { roomUnknown: true };
  return { room: look.room.name, channel: look.room };
}

function fields(row: SegmentRow): [string, string][] {
  const common: [string, string][] = [
    ['ref', row.ref],
    ['kind', row.kind],
    ...(row.kind === 'sysv'
      ? ([['key', row.key], ['id', String(row.id)]] as [string, string][])
      : row.name === null ? [] : ([['name', row.name]] as [string, string][])),
    ['size', `${row.size} bytes (${humanSize(row.size)})`],
    ['perms', row.perms === '?' ? '?' : `${symbolicPerms(row.mode)} (${row.perms})`],
    ['owner', `${row.owner} (uid ${row.uid})`],
    ['group', `${row.group} (gid ${row.gid})`],
    ['attached', attachmentSummary(row)],
  ];
  if (row.kind !== 'sysv') {
    const deleted: [string, string][] = row.kind === 'posix' && row.deleted === true ? [['status', 'deleted (unlinked, still mapped)']] : [];
    const holders: [string, string][] = row.kind === 'memfd'
      ? [['held open by', row.holders.length === 0 ? 'no other process' : row.holders.map((h) => `${h.command}[${h.pid}] fd ${h.fds.join(',')}`).join(' ')]]
      : [];
    return [...common, ['modified', row.mtime === 0 ? 'unknown' : formatTime(Math.floor(row.mtime / 1000))], ...holders, ...deleted];
  }
  const namespace: [string, string][] = row.ipcns === undefined ? [] : [
    ['ipc namespace', `ipc:[${row.ipcns}], processes ${(row.ipcnsPids ?? []).join(' ')}`],
    ...(row.ipcnsUnreadable === undefined ? [] : ([['not read', `${row.ipcnsUnreadable}: fields other than key, id and size are unknown`]] as [string, string][])),
  ];
  return [
    ...common,
    ...namespace,
    ['creator', `uid ${row.cuid}, gid ${row.cgid}, pid ${row.cpid}`],
    ['last shmat/shmdt pid', String(row.lpid)],
    ['attached at', formatTime(row.atime)],
    ['detached at', formatTime(row.dtime)],
    ['changed at', formatTime(row.ctime)],
    ['resident', `${row.rss} bytes`],
    ['swapped', `${row.swap} bytes`],
    ['status', statusText(row) || 'ok'],
  ];
}

/** One line per mapping, grouped by process. */
interface MappingLine { attacher: Attacher; mapping: Mapping }

const mappingColumns: Column<MappingLine>[] = [
  { header: 'PID', value: (l) => String(l.attacher.pid), right: true },
  { header: 'COMMAND', value: (l) => l.attacher.command },
  { header: 'USER', value: (l) => l.attacher.user },
  { header: 'ACCESS', value: (l) => l.mapping.access },
  { header: 'ADDRESS', value: (l) => `${l.mapping.start}-${l.mapping.end}` },
];

function mappingLines(row: SegmentRow): MappingLine[] {
  return row.attachers.flatMap((attacher) => attacher.mappings.map((mapping) => ({ attacher, mapping })));
}

export const show: Command = {
  help: `Usage: shmscope show REF [--json]

REF is sysv:ID, key:0xHEX (or decimal), posix:NAME or room:NAME. For a chat
room it also shows the room's name, message count and participants. What has
no name is referred to as ls lists it: memfd:DEV:INO (a memfd), anon:DEV:INO
(a shared anonymous mapping), posix-deleted:DEV:INO (a POSIX object unlinked
while still mapped), ipcns:NSINODE:ID (a SysV segment of another IPC
namespace). Every mapping of the segment is one line, with its own access.

Options:
  --json    print the segment as one JSON object
  -h, --help
`,
  options: { json: { type: 'boolean' } },
  async run(invocation, output) {
    const scan = scanSegments();
    const row = findSegment(segmentRefArgument(invocation), scan);
    const look = roomOf(row);
    if (flag(invocation, 'json')) {
      await output.out(`${safeJson({ ...row, ...roomJson(look) }, 2)}\n`);
      return 0;
    }
    const lines = [...fields(row), ...roomFields(look)];
    const width = Math.max(...lines.map(([label]) => label.length));
    await output.out(lines.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${visible(value)}`).join('\n') + '\n\n');
    await output.out(row.attachers.length === 0 ? 'No process maps it.\n' : renderTable(mappingColumns, mappingLines(row)));
    if (row.unreadableProcesses > 0) {
      await output.out(unreadableNote({ unreadableProcesses: row.unreadableProcesses, unreadable: scan.unreadable }, 'they may map it too'));
    }
    return 0;
  },
};
