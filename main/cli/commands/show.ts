import { lookAtRoom, type RoomLook } from '../../chat';
import { native } from '../../native';
import { ShmscopeError } from '../../errors';
import { safeJson, visible } from '../../format/terminal';
import { scanSegments, type Attacher, type SegmentRow } from '../../scan';
import { formatRef, parseRef, type SegmentRef } from '../../segments';
import type { Command } from '../command';
import { flag, segmentRefArgument } from '../values';
import { formatTime, humanSize, plural, renderTable, type Column } from '../table';
import { segmentStatus } from './ls';

function matches(row: SegmentRow, ref: SegmentRef): boolean {
  switch (ref.kind) {
    case 'sysv': return row.kind === 'sysv' && row.id === ref.id;
    case 'key': return row.kind === 'sysv' && row.keyNumber === ref.key;
    case 'posix': return row.kind === 'posix' && `/${row.name}` === ref.name;
  }
}

/** The scanner's row for one reference, or an ENOENT error naming it. */
export function findSegment(refText: string): SegmentRow {
  const ref = parseRef(refText);
  const row = scanSegments().segments.find((candidate) => matches(candidate, ref));
  if (row === undefined) throw new ShmscopeError(formatRef(ref), 'no such segment', 'ENOENT');
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
      : ([['name', row.name]] as [string, string][])),
    ['size', `${row.size} bytes (${humanSize(row.size)})`],
    ['perms', row.perms],
    ['owner', `${row.owner} (uid ${row.uid})`],
    ['group', `${row.group} (gid ${row.gid})`],
    ['attached', plural(row.nattch, 'process')],
  ];
  if (row.kind === 'posix') {
    return [...common, ['modified', formatTime(Math.floor(row.mtime / 1000))]];
  }
  return [
    ...common,
    ['creator', `uid ${row.cuid}, gid ${row.cgid}, pid ${row.cpid}`],
    ['last shmat/shmdt pid', String(row.lpid)],
    ['attached at', formatTime(row.atime)],
    ['detached at', formatTime(row.dtime)],
    ['changed at', formatTime(row.ctime)],
    ['resident', `${row.rss} bytes`],
    ['swapped', `${row.swap} bytes`],
    ['status', segmentStatus(row) || 'ok'],
  ];
}

const attacherColumns: Column<Attacher>[] = [
  { header: 'PID', value: (a) => String(a.pid), right: true },
  { header: 'COMMAND', value: (a) => a.command },
  { header: 'USER', value: (a) => a.user },
  { header: 'ACCESS', value: (a) => a.access },
  { header: 'ADDRESS', value: (a) => `${a.start}-${a.end}` },
];

export const show: Command = {
  name: 'show',
  summary: 'every field of one segment, with the processes that map it',
  help: `Usage: shmscope show REF [--json]

REF is sysv:ID, key:0xHEX (or decimal), posix:NAME or room:NAME. For a chat
room it also shows the room's name, message count and participants.

Options:
  --json    print the segment as one JSON object
  -h, --help
`,
  options: { json: { type: 'boolean' } },
  async run(invocation, output) {
    const row = findSegment(segmentRefArgument(invocation));
    const look = roomOf(row);
    if (flag(invocation, 'json')) {
      await output.out(`${safeJson({ ...row, ...roomJson(look) }, 2)}\n`);
      return 0;
    }
    const lines = [...fields(row), ...roomFields(look)];
    const width = Math.max(...lines.map(([label]) => label.length));
    await output.out(lines.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${visible(value)}`).join('\n') + '\n\n');
    await output.out(row.attachers.length === 0 ? 'No process maps it.\n' : renderTable(attacherColumns, row.attachers));
    if (row.unreadableProcesses > 0) {
      await output.out(`(${plural(row.unreadableProcesses, 'process')} could not be read and may map it too)\n`);
    }
    return 0;
  },
};
