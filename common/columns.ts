// The segments table as data, once: every column `shmscope ls`, `show`, `--json` and the app's
// table know (id, header, what it means, alignment, how to format a cell), with the texts they
// share (sizes, status, permissions, times), hex parsing and matching a reference to a row.
// Modelled on util-linux lsipc.c's coldescs[]. Pure: no Node, no DOM.
import type { SegmentRow } from './contract';

/** A row as the tables see it: a contract row, plus what only the CLI looks up (creator's command). */
export type ColumnRow = SegmentRow & { creatorCommand?: string };

export interface CellOptions {
  /** Sizes in bytes rather than K/M/G (ls -b). */
  bytes: boolean;
}

export interface ColumnDescriptor {
  /** What `ls -o` takes (case-insensitive) and the CLI's header: "SIZE". */
  id: string;
  /** The app's header: "Size". */
  label: string;
  /** `ls --list-columns` and the app's tooltip. */
  description: string;
  align: 'left' | 'right';
  /** The cell's text ('' or '-' when it does not apply). */
  text(row: ColumnRow, options: CellOptions): string;
  /** What sorting compares (the app): a number where the column is numeric. */
  sortValue(row: ColumnRow): string | number | null;
}

// ---- texts shared by the columns and by `show` ----------------------------------------------------

const UNITS = ['K', 'M', 'G', 'T', 'P', 'E'];

/** 4096 → "4K", 1536 → "1.5K", 100 → "100B" (lsipc's binary units); `long`: "4 KiB", "100 B" (the app). */
export function humanSize(bytes: number, style: 'short' | 'long' = 'short'): string {
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit < 0) return style === 'short' ? `${bytes}B` : `${bytes} B`;
  const text = value >= 10 || Number.isInteger(value) ? Math.round(value).toString() : value.toFixed(1);
  return style === 'short' ? `${text}${UNITS[unit]}` : `${text} ${UNITS[unit]}iB`;
}

/** What STATUS says: "dest" (marked for removal), "locked" (SHM_LOCK), "deleted" (unlinked while
 *  mapped), "ipcns:INODE" (a System V segment of another IPC namespace). */
export function statusText(row: SegmentRow): string {
  if (row.kind !== 'sysv') return row.kind === 'posix' && row.deleted === true ? 'deleted' : '';
  return [row.dest ? 'dest' : '', row.locked ? 'locked' : '', row.ipcns === undefined ? '' : `ipcns:${row.ipcns}`].filter(Boolean).join(',');
}

/** 0o644 → "rw-r--r--", as lsipc and ls -l spell permission bits. */
export function symbolicPerms(mode: number): string {
  const triplet = (bits: number) => `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`;
  return triplet(mode >> 6) + triplet(mode >> 3) + triplet(mode);
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Epoch seconds (0 = never) → local "YYYY-MM-DD HH:MM:SS". */
export function formatTime(epochSeconds: number): string {
  if (epochSeconds === 0) return 'never';
  const d = new Date(epochSeconds * 1000);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** lsipc's short time: "14:05" today, "Nov30" this year, "2025" before; "-" for never. */
export function shortTime(epochSeconds: number, now: Date = new Date()): string {
  if (epochSeconds === 0) return '-';
  const d = new Date(epochSeconds * 1000);
  if (d.getFullYear() !== now.getFullYear()) return String(d.getFullYear());
  if (d.getMonth() !== now.getMonth() || d.getDate() !== now.getDate()) return `${MONTHS[d.getMonth()]}${pad2(d.getDate())}`;
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** "1 process", "3 processes". */
export function plural(count: number, singular: string, pluralForm = `${singular}es`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

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

/** "python3[12](rw) sh[13](ro) cc[14]x2(ro+rw) gc[15](fd)": who maps the segment, how often and
 *  how (a memfd's (fd): a process that only holds a descriptor); with "3 attachments in 2
 *  processes: " before it when the count is not one per process. */
export function attachersText(row: SegmentRow): string {
  const mappers = row.attachers.map((a) => {
    const access = [...new Set(a.mappings.map((m) => m.access))].sort().join('+');
    return `${a.command}[${a.pid}]${a.mappings.length > 1 ? `x${a.mappings.length}` : ''}(${access})`;
  });
  const holders = 'holders' in row ? row.holders.map((h) => `${h.command}[${h.pid}](fd)`) : [];
  const who = [...mappers, ...holders].join(' ');
  if (attachmentCount(row) === row.attachers.length) return who;
  return who === '' ? attachmentSummary(row) : `${attachmentSummary(row)}: ${who}`;
}

/** room:NAME for a chat room, "room?" when its header could not be read, else the POSIX name or "-". */
function nameText(row: ColumnRow): string {
  if (row.room !== undefined) return `room:${row.room}`;
  if (row.roomUnknown === true) return 'room?';
  return row.name ?? '-';
}

const dash = (value: number | null) => (value === null ? '-' : String(value));
const sysvOnly = (row: ColumnRow, f: (row: Extract<ColumnRow, { kind: 'sysv' }>) => string) => (row.kind === 'sysv' ? f(row) : '-');

// ---- the columns ----------------------------------------------------------------------------------

export const COLUMNS: readonly ColumnDescriptor[] = [
  { id: 'KIND', label: 'Kind', description: 'sysv, posix, memfd or shared-anon', align: 'left', text: (r) => r.kind, sortValue: (r) => r.kind },
  {
    // What has neither key nor unique name (memfd, shared-anon) is addressed by its ref: shown here.
    id: 'KEY', label: 'Key', description: 'System V key (0x00000000 is IPC_PRIVATE); the ref of a memfd or shared-anon object', align: 'left',
    text: (r) => r.key ?? (r.kind === 'memfd' || r.kind === 'shared-anon' ? r.ref : '-'), sortValue: (r) => r.key,
  },
  { id: 'ID', label: 'ID', description: 'System V shmid', align: 'right', text: (r) => dash(r.id), sortValue: (r) => r.id },
  { id: 'NAME', label: 'Name', description: 'POSIX object name, or room:NAME for a chat room', align: 'left', text: nameText, sortValue: (r) => r.room ?? r.name },
  { id: 'REF', label: 'Reference', description: 'what the other commands take: sysv:ID, posix:NAME, memfd:/anon:/posix-deleted:DEV:INO, ipcns:NS:ID', align: 'left', text: (r) => r.ref, sortValue: (r) => r.ref },
  {
    id: 'SIZE', label: 'Size', description: 'segment size (ls -b: in bytes)', align: 'right',
    text: (r, o) => (o.bytes ? String(r.size) : humanSize(r.size)), sortValue: (r) => r.size,
  },
  { id: 'PERMS', label: 'Perms', description: 'permission bits, rw-r--r--', align: 'left', text: (r) => (r.perms === '?' ? '?' : symbolicPerms(r.mode)), sortValue: (r) => r.mode },
  { id: 'MODE', label: 'Mode', description: 'permission bits in octal, 0644', align: 'left', text: (r) => r.perms, sortValue: (r) => r.mode },
  { id: 'OWNER', label: 'Owner', description: 'owner\'s user name, or uid', align: 'left', text: (r) => r.owner, sortValue: (r) => r.owner },
  { id: 'GROUP', label: 'Group', description: 'owner\'s group name, or gid', align: 'left', text: (r) => r.group, sortValue: (r) => r.group },
  { id: 'UID', label: 'UID', description: 'owner\'s user id', align: 'right', text: (r) => String(r.uid), sortValue: (r) => r.uid },
  { id: 'GID', label: 'GID', description: 'owner\'s group id', align: 'right', text: (r) => String(r.gid), sortValue: (r) => r.gid },
  { id: 'CUID', label: 'Creator UID', description: 'creator\'s user id (System V)', align: 'right', text: (r) => sysvOnly(r, (s) => String(s.cuid)), sortValue: (r) => (r.kind === 'sysv' ? r.cuid : null) },
  { id: 'CGID', label: 'Creator GID', description: 'creator\'s group id (System V)', align: 'right', text: (r) => sysvOnly(r, (s) => String(s.cgid)), sortValue: (r) => (r.kind === 'sysv' ? r.cgid : null) },
  {
    id: 'CTIME', label: 'Changed', description: 'time of the last change (System V) or modification (POSIX)', align: 'right',
    text: (r) => shortTime(r.kind === 'sysv' ? r.ctime : Math.floor(r.mtime / 1000)), sortValue: (r) => (r.kind === 'sysv' ? r.ctime : Math.floor(r.mtime / 1000)),
  },
  { id: 'ATTACH', label: 'Last attach', description: 'time of the last shmat (System V)', align: 'right', text: (r) => sysvOnly(r, (s) => shortTime(s.atime)), sortValue: (r) => (r.kind === 'sysv' ? r.atime : null) },
  { id: 'DETACH', label: 'Last detach', description: 'time of the last shmdt (System V)', align: 'right', text: (r) => sysvOnly(r, (s) => shortTime(s.dtime)), sortValue: (r) => (r.kind === 'sysv' ? r.dtime : null) },
  { id: 'NATTCH', label: 'Attached', description: 'number of attachments (System V: the kernel\'s count; POSIX: processes seen)', align: 'right', text: (r) => String(r.nattch), sortValue: (r) => r.nattch },
  { id: 'STATUS', label: 'Status', description: 'dest: marked for removal; locked: SHM_LOCK; deleted: unlinked while still mapped; ipcns: another IPC namespace', align: 'left', text: statusText, sortValue: statusText },
  { id: 'CPID', label: 'Creator PID', description: 'pid of the creator (System V)', align: 'right', text: (r) => dash(r.cpid), sortValue: (r) => r.cpid },
  { id: 'LPID', label: 'Last PID', description: 'pid of the last shmat/shmdt (System V)', align: 'right', text: (r) => dash(r.lpid), sortValue: (r) => r.lpid },
  { id: 'COMMAND', label: 'Creator', description: 'creator\'s command line, while the creator runs (System V)', align: 'left', text: (r) => r.creatorCommand ?? '', sortValue: (r) => r.creatorCommand ?? null },
  { id: 'ATTACHED', label: 'Attached by', description: 'processes that map it: command[pid], xN for N mappings, (ro) or (rw) access', align: 'left', text: attachersText, sortValue: (r) => r.attachers.length },
];

/** `shmscope ls` without -o: lsipc -m's columns, with ours (kind, name, attachers) around them. */
export const LS_DEFAULT_COLUMNS: readonly string[] = ['KIND', 'KEY', 'ID', 'NAME', 'SIZE', 'PERMS', 'OWNER', 'NATTCH', 'STATUS', 'CTIME', 'CPID', 'LPID', 'COMMAND', 'ATTACHED'];

export function columnById(id: string): ColumnDescriptor | undefined {
  const wanted = id.toUpperCase();
  return COLUMNS.find((c) => c.id === wanted);
}

// ---- hex and references ---------------------------------------------------------------------------

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** "de ad be ef", "deadbeef", "de:ad:be:ef", "0xde,0xad", "DE-AD": pairs of hex digits, separators ignored. */
export function parseHex(text: string): Parsed<Uint8Array> {
  const digits = text.replace(/0x/gi, '').replace(/[\s,:;-]/g, '');
  if (digits.length === 0) return { ok: false, error: 'type some hex bytes, e.g. de ad be ef' };
  if (!/^[0-9a-f]*$/i.test(digits)) return { ok: false, error: 'hex bytes use only 0-9 and a-f' };
  if (digits.length % 2 !== 0) return { ok: false, error: 'an odd number of hex digits: each byte takes two' };
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return { ok: true, value: out };
}

/** A parsed segment reference (main/segments/ref.ts makes them; a room: ref is its key). */
export type RowRef =
  | { kind: 'sysv'; id: number } | { kind: 'key'; key: number } | { kind: 'posix'; name: string }
  | { kind: 'mapped'; scheme: 'memfd' | 'anon' | 'posix-deleted'; dev: string; ino: number }
  | { kind: 'ipcns'; ns: number; id: number };

/** Whether `row` is the segment `ref` names. posix names are "/" + the escaped spelling, as listed;
 *  an object unlinked while mapped has no name any more and matches no posix: ref. */
export function rowMatchesRef(row: SegmentRow, ref: RowRef): boolean {
  switch (ref.kind) {
    case 'sysv': return row.kind === 'sysv' && row.id === ref.id;
    case 'key': return row.kind === 'sysv' && row.keyNumber === ref.key;
    case 'posix': return row.kind === 'posix' && row.deleted !== true && `/${row.name}` === ref.name;
    // What exists only in the scan is matched as the scan spells its ref.
    case 'mapped': return row.ref === `${ref.scheme}:${ref.dev}:${ref.ino}`;
    case 'ipcns': return row.ref === `ipcns:${ref.ns}:${ref.id}`;
  }
}
