// The segments table as data: one list of column definitions (like util-linux lsipc's column
// table), and the bookkeeping that marks rows which appeared, vanished or changed attach
// count between two scans. Pure, so tested without a DOM.
import { columnById as commonColumn, statusText } from '../../common/columns';
import type { SegmentRow } from './contract';
import { formatSize } from './hex';

export { statusText };

export type SortValue = string | number | null;

export interface Column {
  id: string;
  label: string;
  /** Tooltip: what the column means (lsipc's column help). */
  title: string;
  align: 'left' | 'right';
  /** What sorting compares. */
  value(row: SegmentRow): SortValue;
  /** What the cell shows. */
  text(row: SegmentRow): string;
  /** The cell's tooltip, when it says more than the text. */
  hint?(row: SegmentRow): string;
  /** Right-aligned figures in tabular numerals. */
  numeric?: boolean;
}

/** The chat room a segment holds (the contract marks shmscope chat segments with `room`). */
export function chatRoomOf(row: SegmentRow): string | undefined {
  return row.room !== undefined && row.room !== '' ? row.room : undefined;
}

export function isChatRoom(row: SegmentRow): boolean {
  return chatRoomOf(row) !== undefined;
}

export function kindLabel(row: SegmentRow): string {
  if (isChatRoom(row)) return 'chat';
  switch (row.kind) {
    case 'sysv': return row.ipcns === undefined ? 'SysV' : 'SysV (other ns)';
    case 'posix': return 'POSIX';
    case 'memfd': return 'memfd';
    case 'shared-anon': return 'shared anon';
  }
}

/** The key (SysV), /name (POSIX), name (memfd) or nothing (shared anonymous memory). */
function keyOrName(r: SegmentRow): string {
  switch (r.kind) {
    case 'sysv': return r.key;
    case 'posix': return `/${r.name}`;
    case 'memfd': return r.name;
    case 'shared-anon': return '';
  }
}

/** A column of the one column table (common/columns.ts, shared with `shmscope ls`), by its id;
 *  `overrides` for what only the app shows differently (its kind and name cells). */
function fromTable(id: string, overrides: Partial<Column> = {}): Column {
  const column = commonColumn(id)!;
  return {
    id: id.toLowerCase(), label: column.label, title: column.description, align: column.align,
    value: column.sortValue, text: (row) => column.text(row, { bytes: false }), ...overrides,
  };
}

export const COLUMNS: readonly Column[] = [
  fromTable('KIND', { title: 'SysV, POSIX, memfd, shared anonymous memory, or a shmscope chat room', value: kindLabel, text: kindLabel }),
  fromTable('NAME', {
    label: 'Key / name', title: 'System V key (0x00000000 is IPC_PRIVATE), POSIX object name or memfd name',
    value: (r) => chatRoomOf(r) ?? (r.kind === 'sysv' ? r.key : r.name),
    text: (r) => {
      const base = keyOrName(r);
      const room = chatRoomOf(r);
      // roomUnknown: a rooms'-block key whose header could not be read without attaching.
      if (room === undefined) return r.roomUnknown ? `room? (${base})` : base;
      return `${room} (${base})`;
    },
  }),
  fromTable('ID', { numeric: true, text: (r) => (r.id === null ? '' : String(r.id)) }),
  fromTable('SIZE', { numeric: true, text: (r) => formatSize(r.size) }),
  fromTable('PERMS', { hint: (r) => `${r.perms} (octal)` }),
  fromTable('OWNER'),
  fromTable('NATTCH', { numeric: true }),
  fromTable('STATUS'),
];

export function columnById(id: string): Column | undefined {
  return COLUMNS.find((c) => c.id === id);
}

export interface SortState {
  column: string;
  descending: boolean;
}

function compareValues(a: SortValue, b: SortValue): number {
  // Empty values sort last whichever the direction, so they never crowd the top.
  if (a === null || a === '') return b === null || b === '' ? 0 : 1;
  if (b === null || b === '') return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

export function sortRows<T extends { row: SegmentRow }>(items: readonly T[], sort: SortState): T[] {
  const column = columnById(sort.column) ?? COLUMNS[0]!;
  const sign = sort.descending ? -1 : 1;
  return [...items].sort((x, y) => {
    const a = column.value(x.row);
    const b = column.value(y.row);
    const emptyA = a === null || a === '';
    const emptyB = b === null || b === '';
    if (emptyA !== emptyB) return emptyA ? 1 : -1;
    return sign * compareValues(a, b) || x.row.ref.localeCompare(y.row.ref);
  });
}

/** The filter word that keeps one process's segments ("pid:1234": the map view sets it). */
export const pidFilter = (pid: number): string => `pid:${pid}`;

/** The pid of a filter that is exactly one "pid:N" word, else null. */
export function pidOfFilter(filter: string): number | null {
  const m = /^\s*pid:(\d+)\s*$/i.exec(filter);
  return m === null ? null : Number(m[1]);
}

/** Does a process with this pid map the row's segment or hold its descriptor? */
export function rowHasPid(row: SegmentRow, pid: number): boolean {
  if (row.attachers.some((a) => a.pid === pid)) return true;
  return (row.kind === 'memfd' || row.kind === 'shared-anon') && row.holders.some((h) => h.pid === pid);
}

/**
 * Case-insensitive match of every whitespace-separated word against any cell's text or the ref;
 * a word "pid:N" matches the segments process N maps or holds.
 */
export function matchesFilter(row: SegmentRow, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = [row.ref, ...COLUMNS.map((c) => c.text(row)), row.perms].join(' ').toLowerCase();
  return words.every((w) => {
    const pid = pidOfFilter(w);
    return pid === null ? haystack.includes(w) : rowHasPid(row, pid);
  });
}

export type RowState = 'appeared' | 'stable' | 'vanished';

export interface MarkedRow {
  row: SegmentRow;
  state: RowState;
  /** When the row entered `state` (ms). */
  since: number;
  /** When its attach count last changed (ms), or undefined. */
  attachChangedAt?: number;
  /** Attach count before the last change, to show "2 → 3". */
  previousNattch?: number;
}

export interface MarkTimes {
  /** How long a new row stays marked as new. */
  appearedMs: number;
  /** How long a vanished row stays, greyed, before it is dropped. */
  vanishedMs: number;
  /** How long a changed attach count stays marked. */
  changedMs: number;
}

export const DEFAULT_MARK_TIMES: MarkTimes = { appearedMs: 4000, vanishedMs: 4000, changedMs: 4000 };

/**
 * Merges a new scan into the marked rows. `initial` (the first scan) marks nothing as new:
 * everything that already existed when the window opened is simply there.
 */
export function mergeScan(previous: readonly MarkedRow[], rows: readonly SegmentRow[], now: number, options: { initial?: boolean; times?: MarkTimes } = {}): MarkedRow[] {
  const times = options.times ?? DEFAULT_MARK_TIMES;
  const before = new Map(previous.map((m) => [m.row.ref, m]));
  const out: MarkedRow[] = [];
  for (const row of rows) {
    const old = before.get(row.ref);
    before.delete(row.ref);
    if (old === undefined || old.state === 'vanished') {
      out.push(options.initial ? { row, state: 'stable', since: now } : { row, state: 'appeared', since: now });
      continue;
    }
    const next: MarkedRow = { ...old, row };
    if (old.state === 'appeared' && now - old.since >= times.appearedMs) { next.state = 'stable'; next.since = now; }
    if (old.row.nattch !== row.nattch) {
      next.attachChangedAt = now;
      next.previousNattch = old.row.nattch;
    } else if (old.attachChangedAt !== undefined && now - old.attachChangedAt >= times.changedMs) {
      delete next.attachChangedAt;
      delete next.previousNattch;
    }
    out.push(next);
  }
  for (const old of before.values()) {
    if (old.state !== 'vanished') out.push({ row: old.row, state: 'vanished', since: now });
    else if (now - old.since < times.vanishedMs) out.push(old);
  }
  return out;
}

/** Drops marks that have expired, without a new scan (called by a timer so marks fade on time). */
export function expireMarks(rows: readonly MarkedRow[], now: number, times: MarkTimes = DEFAULT_MARK_TIMES): MarkedRow[] {
  const out: MarkedRow[] = [];
  let changed = false;
  for (const m of rows) {
    if (m.state === 'vanished' && now - m.since >= times.vanishedMs) { changed = true; continue; }
    let next = m;
    if (m.state === 'appeared' && now - m.since >= times.appearedMs) next = { ...next, state: 'stable', since: now };
    if (m.attachChangedAt !== undefined && now - m.attachChangedAt >= times.changedMs) {
      next = { ...next };
      delete next.attachChangedAt;
      delete next.previousNattch;
    }
    if (next !== m) changed = true;
    out.push(next);
  }
  return changed ? out : (rows as MarkedRow[]);
}

/** Why a process's maps could not be read, in words (the scan gives an errno code or 'timeout'). */
export function unreadableReason(reason: string): string {
  switch (reason) {
    case 'EACCES': case 'EPERM': return 'no permission (another user\'s process)';
    case 'timeout': return 'did not answer in time';
    case 'ESRCH': case 'ENOENT': return 'exited while being read';
    default: return reason;
  }
}

/** "rw-r-----" for 0o640, as ls and lsipc write permission bits. */
export function symbolicMode(mode: number): string {
  const letters = 'rwx';
  let out = '';
  for (let bit = 8; bit >= 0; bit--) out += (mode >> bit) & 1 ? letters[(8 - bit) % 3] : '-';
  return out;
}

/** ftok's project id as the CLI's --proj takes it: a number 1..255 (decimal or 0x) or one character ("A" is 65). */
export function parseProjectId(text: string): number {
  const trimmed = text.trim();
  const number = /^(0x[0-9a-f]+|\d+)$/i.test(trimmed) ? Number(trimmed) : undefined;
  const chars = [...(trimmed === '' ? text : trimmed)];
  const value = number ?? (chars.length === 1 ? chars[0]!.codePointAt(0) : undefined);
  if (value === undefined || value < 1 || value > 255) throw new Error('project id: one character (e.g. A) or a number 1..255');
  return value;
}
