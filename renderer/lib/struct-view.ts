// The Layout pane's logic, without a DOM: C declarations → a tree of members over live bytes
// (common/layout parses and decodes; this arranges the result for a tree view), which values
// changed, which member holds a byte, and what is remembered per segment in localStorage.
import { decode, fieldCount, findType, LayoutError, parseDeclarations, recordTypes, type CType, type DecodedField, type Declarations } from '../../common/layout';
import type { SegmentRow } from './contract';

/** Decoding more members than this is refused (the tree would not be readable anyway). */
export const MAX_FIELDS = 20_000;

export interface Builtin { id: string; label: string; source: string; type: string }

/** The textbook producer/consumer struct and a shmscope chat room's header (docs/channel-format.md). */
export const BUILTINS: readonly Builtin[] = [
  {
    id: 'shm_com', label: 'struct shm_com (textbook, key 1234)', type: 'struct shm_com',
    source: 'struct shm_com {\n  int written_by_you;\n  char some_text[2048];\n};\n',
  },
  {
    id: 'room', label: 'shmscope room header', type: 'struct shmscope_room',
    source: `/* docs/channel-format.md: the header page of a shmscope chat room (version 3). */
enum room_state { ROOM_INIT = 0x54494E49, ROOM_READY = 0x59444552 };
struct shmscope_room {
  char magic[8];
  uint32_t version;
  enum room_state state;
  uint32_t header_size;
  uint32_t slot_size;
  uint64_t presence_offset;
  uint32_t slot_count;
  uint32_t max_text;
  uint64_t ring_offset;
  uint64_t ring_size;
  uint64_t segment_size;
  uint64_t generation;
  uint64_t created_ms;
  uint32_t creator_pid;
  uint32_t name_length;
  char name[64];
  uint64_t tail_position __attribute__((aligned(128)));
  uint64_t next_sequence;
  uint32_t futex_word __attribute__((aligned(128)));
  uint32_t sleepers __attribute__((aligned(128)));
  uint32_t presence_generation __attribute__((aligned(128)));
};
`,
  },
];

/** The textbook programs' key (1234 = 0x4d2). */
const TEXTBOOK_KEY = '0x000004d2';

/** What the pane shows for one segment: the declarations (or a built-in) and where the object lies. */
export interface LayoutChoice {
  /** A built-in's id, or '' for the user's own text. */
  builtin: string;
  source: string;
  type: string;
  offset: number;
  count: number;
}

export const EMPTY_CHOICE: LayoutChoice = { builtin: '', source: '', type: '', offset: 0, count: 1 };

/** The layout a segment starts with before the user picks one: shm_com at key 1234, a room's header in a room. */
export function defaultChoice(row: Pick<SegmentRow, 'kind' | 'key'> & { room?: string }): LayoutChoice {
  const builtin = row.room !== undefined ? BUILTINS[1]! : row.kind === 'sysv' && row.key === TEXTBOOK_KEY ? BUILTINS[0]! : undefined;
  return builtin === undefined ? EMPTY_CHOICE : { ...EMPTY_CHOICE, builtin: builtin.id, source: builtin.source, type: builtin.type };
}

/** Which segment a remembered layout belongs to across restarts: its key or name (a SysV id changes). */
export function memoryKey(row: Pick<SegmentRow, 'kind' | 'key' | 'ref' | 'name'>): string {
  // IPC_PRIVATE (key 0) segments have only their id.
  if (row.kind === 'sysv' && row.key !== null && row.key !== '0x00000000') return `key:${row.key}`;
  if (row.kind === 'posix' && row.name !== null) return `posix:${row.name}`;
  return row.ref;
}

export type Parsed =
  | { ok: true; declarations: Declarations; types: string[] }
  | { ok: false; error: string; line: number; column: number };

/** Parses the declarations; the pickable types are the structs and unions (typedef names preferred). */
export function parseLayout(source: string, file = 'layout.h'): Parsed {
  try {
    const declarations = parseDeclarations(source, file);
    const records = recordTypes(declarations);
    const types = records.map((named) => declarations.types.find((t) => t.type === named.type && !/^(struct|union) /.test(t.name))?.name ?? named.name);
    return { ok: true, declarations, types };
  } catch (e) {
    if (e instanceof LayoutError) return { ok: false, error: e.message, line: e.location.line, column: e.location.column };
    throw e;
  }
}

/** One row of the tree: a record or array (with children) or a value (a decoded field). */
export interface TreeNode {
  /** Decode's path ("in", "buffer[3]", "[1].in"): unique, so it keys rows and expansion. */
  path: string;
  /** What the row says: the member's name, "[3]" for an element. */
  label: string;
  depth: number;
  offset: number;
  size: number;
  type: string;
  children?: TreeNode[];
  /** Values: index into the decoded fields. */
  field?: number;
  /** Values that can be edited (all but bit-fields): their C type. */
  ctype?: CType;
}

/** The tree of `count` objects of `type` at `base`; leaves are numbered in decode()'s order. */
export function buildTree(type: CType, count: number, base: number): TreeNode[] {
  let next = 0;
  const leaf = (path: string, label: string, depth: number, offset: number, size: number, name: string): TreeNode =>
    ({ path, label, depth, offset, size, type: name, field: next++ });
  const node = (t: CType, path: string, label: string, depth: number, offset: number): TreeNode => {
    if (t.kind === 'record') return { path, label, depth, offset, size: t.size, type: t.name, children: members(t, path, depth + 1, offset) };
    if (t.kind === 'array' && !(t.element.kind === 'int' && t.element.char)) {
      const children: TreeNode[] = [];
      for (let i = 0; i < t.length; i++) children.push(node(t.element, `${path}[${i}]`, `[${i}]`, depth + 1, offset + i * t.element.size));
      return { path, label, depth, offset, size: t.size, type: t.name, children };
    }
    return { ...leaf(path, label, depth, offset, t.size, t.name), ctype: t };
  };
  const members = (t: Extract<CType, { kind: 'record' }>, path: string, depth: number, offset: number): TreeNode[] => {
    const out: TreeNode[] = [];
    for (const member of t.members) {
      const memberPath = member.name === undefined ? path : path === '' ? member.name : `${path}.${member.name}`;
      if (member.bitField !== undefined) {
        const first = Math.floor(member.bitField.bitOffset / 8);
        const span = Math.ceil(((member.bitField.bitOffset % 8) + member.bitField.width) / 8);
        out.push(leaf(memberPath, `${member.name ?? '(unnamed)'} : ${member.bitField.width}`, depth, offset + first, span, `${member.type.name}:${member.bitField.width}`));
      } else if (member.name === undefined) {
        // An anonymous struct/union: its members read as the enclosing record's (as decode does).
        if (member.type.kind === 'record') out.push(...members(member.type, path, depth, offset + member.offset));
      } else {
        out.push(node(member.type, memberPath, member.name, depth, offset + member.offset));
      }
    }
    return out;
  };
  if (count === 1) return type.kind === 'record' ? members(type, '', 0, base) : [node(type, '', type.name, 0, base)];
  return Array.from({ length: count }, (_, i) => node(type, `[${i}]`, `[${i}]`, 0, base + i * type.size));
}

/** Rows buildTree makes for one object, counted without building them: an array of empty
 *  structs has no values but a billion rows (fieldCount says 0). */
export function nodeCount(type: CType): number {
  if (type.kind === 'record') return type.members.reduce((sum, m) => sum + (m.name === undefined && !m.bitField ? nodeCount(m.type) - 1 : nodeCount(m.type)), 1);
  if (type.kind === 'array' && !(type.element.kind === 'int' && type.element.char)) return 1 + type.length * nodeCount(type.element);
  return 1;
}

/** Records and short arrays start open; a long array opens on request. */
export function openByDefault(node: TreeNode): boolean {
  return node.children !== undefined && node.children.length <= 16;
}

/** The rows shown: every node whose ancestors are all open (`open` says which are). */
export function visibleNodes(roots: readonly TreeNode[], isOpen: (node: TreeNode) => boolean, limit = 5000): TreeNode[] {
  const out: TreeNode[] = [];
  const walk = (nodes: readonly TreeNode[]): void => {
    for (const n of nodes) {
      if (out.length >= limit) return;
      out.push(n);
      if (n.children !== undefined && isOpen(n)) walk(n.children);
    }
  };
  walk(roots);
  return out;
}

/** The value as the tree shows it. */
export function showValue(field: DecodedField): string {
  if (field.bytes !== undefined) return `"${String(field.value)}"`;
  if (field.raw !== undefined) return `${String(field.value)} (${String(field.raw)})`;
  return String(field.value);
}

/** The text an edit starts from: what the row shows, without quotes or the enum's number. */
export function editText(field: DecodedField): string {
  return String(field.value);
}

/** Paths whose value differs between two decodes of the same layout. */
export function changedPaths(before: readonly DecodedField[], after: readonly DecodedField[]): Set<string> {
  const changed = new Set<string>();
  if (before.length !== after.length) return changed;
  for (let i = 0; i < after.length; i++) {
    const a = before[i]!;
    const b = after[i]!;
    if (a.value !== b.value || a.bytes !== b.bytes || a.raw !== b.raw) changed.add(b.path);
  }
  return changed;
}

/** The deepest value whose bytes hold `offset` (what the hex cursor is on), or undefined. */
export function nodeAt(roots: readonly TreeNode[], offset: number): TreeNode | undefined {
  for (const n of roots) {
    if (offset < n.offset || offset >= n.offset + Math.max(1, n.size)) continue;
    return n.children === undefined ? n : nodeAt(n.children, offset) ?? n;
  }
  return undefined;
}

export type Resolved =
  | { ok: true; type: CType; name: string; types: string[]; length: number }
  | { ok: false; error: string; types: string[]; line?: number; column?: number };

/** The choice checked against the declarations and the segment: the type, and the bytes to watch. */
export function resolve(choice: LayoutChoice, segmentSize: number, maxView: number): Resolved {
  if (choice.source.trim() === '') return { ok: false, error: 'Paste C declarations, open a header, or pick a built-in layout.', types: [] };
  const parsed = parseLayout(choice.source);
  if (!parsed.ok) return { ok: false, error: parsed.error, types: [], line: parsed.line, column: parsed.column };
  const { types } = parsed;
  if (types.length === 0) return { ok: false, error: 'The declarations define no struct or union.', types };
  const named = findType(parsed.declarations, choice.type === '' ? types[0]! : choice.type);
  if (named === undefined) return { ok: false, error: `No type "${choice.type}" in the declarations.`, types };
  const { type } = named;
  if (Math.max(fieldCount(type), nodeCount(type)) * choice.count > MAX_FIELDS) return { ok: false, error: `${choice.count} × ${fieldCount(type)} members is more than ${MAX_FIELDS} to show; use a smaller count.`, types };
  const length = type.size * choice.count;
  if (length > maxView) return { ok: false, error: `${length} bytes is more than ${maxView} to watch at once; use a smaller count.`, types };
  if (choice.offset > segmentSize || length > segmentSize - choice.offset) {
    return { ok: false, error: `${named.name}${choice.count === 1 ? '' : ` × ${choice.count}`} (${length} bytes) at offset ${choice.offset} runs past the end of the segment (${segmentSize} bytes).`, types };
  }
  return { ok: true, type, name: named.name, types, length };
}

/** decode() over the bytes watched. */
export function decodeAt(type: CType, bytes: Uint8Array, count: number, offset: number): DecodedField[] {
  return decode(type, bytes, { count, baseOffset: offset });
}

// Remembered layouts: one localStorage entry, newest first, bounded in number and size.
const STORAGE_KEY = 'shmscope.layouts';
const MAX_REMEMBERED = 32;
const MAX_REMEMBERED_SOURCE = 256 * 1024;

type Remembered = [string, LayoutChoice][];

function isChoice(value: unknown): value is LayoutChoice {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.builtin === 'string' && typeof v.source === 'string' && typeof v.type === 'string' &&
    Number.isSafeInteger(v.offset) && (v.offset as number) >= 0 && Number.isSafeInteger(v.count) && (v.count as number) >= 1;
}

function readAll(storage: Storage | undefined): Remembered {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((e): e is [string, LayoutChoice] => Array.isArray(e) && typeof e[0] === 'string' && isChoice(e[1]));
  } catch {
    return [];
  }
}

export function loadChoice(storage: Storage | undefined, key: string): LayoutChoice | undefined {
  const found = readAll(storage).find(([k]) => k === key)?.[1];
  if (found === undefined) return undefined;
  // A built-in is remembered by id: its text comes from this version of shmscope.
  const builtin = BUILTINS.find((b) => b.id === found.builtin);
  return builtin === undefined ? { ...found, builtin: '' } : { ...found, source: builtin.source };
}

export function saveChoice(storage: Storage | undefined, key: string, choice: LayoutChoice): void {
  if (storage === undefined || choice.source.length > MAX_REMEMBERED_SOURCE) return;
  const stored: LayoutChoice = choice.builtin === '' ? choice : { ...choice, source: '' };
  const all = [[key, stored] as [string, LayoutChoice], ...readAll(storage).filter(([k]) => k !== key)].slice(0, MAX_REMEMBERED);
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify(all));
  } catch {
    // Quota full: the layout is still shown, just not remembered.
  }
}
