// A layout as rows, the way pahole shows one: every member (nested records expanded, an array
// of records through its first element), and the holes and trailing padding between them.
import type { CType, Member } from './types';

export interface LayoutRow {
  kind: 'member' | 'hole' | 'padding';
  /** "in", "p.x", "items[0].name"; empty for holes and padding. */
  path: string;
  /** Nesting level, for indenting. */
  depth: number;
  /** Byte offset from the start of the type. */
  offset: number;
  /** Bytes (0 for a bit-field, or a hole of bits only). */
  size: number;
  type: string;
  /** Bit-fields and holes between them: first bit within the byte at `offset`, and width in bits. */
  bitOffset?: number;
  bits?: number;
}

export function layoutRows(type: CType): LayoutRow[] {
  const rows: LayoutRow[] = [];
  if (type.kind === 'record') record(type, '', 0, 0, rows);
  return rows;
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/** A gap from bit `from` to bit `to` (both from the type's start) as hole rows: bits to the next byte, then bytes. */
function gap(kind: 'hole' | 'padding', from: number, to: number, depth: number, rows: LayoutRow[]): void {
  if (to <= from) return;
  let at = from;
  if (at % 8 !== 0) {
    const end = Math.min(to, Math.ceil(at / 8) * 8);
    rows.push({ kind, path: '', depth, offset: Math.floor(at / 8), size: 0, type: '', bitOffset: at % 8, bits: end - at });
    at = end;
  }
  if (to > at) rows.push({ kind, path: '', depth, offset: at / 8, size: (to - at) / 8, type: '' });
}

function record(type: Extract<CType, { kind: 'record' }>, path: string, base: number, depth: number, rows: LayoutRow[]): void {
  let end = base * 8; // first bit not yet covered, for finding holes (structs only)
  for (const member of type.members) {
    const start = member.bitField ? base * 8 + member.bitField.bitOffset : (base + member.offset) * 8;
    if (!type.union) gap('hole', end, start, depth, rows);
    memberRows(member, path, base, depth, rows);
    const stop = member.bitField ? start + member.bitField.width : start + member.type.size * 8;
    end = type.union ? Math.max(end, stop) : Math.max(end, stop);
  }
  if (type.union) end = base * 8 + Math.max(0, ...type.members.map((m) => (m.bitField ? m.bitField.width : m.type.size * 8)));
  gap('padding', end, (base + type.size) * 8, depth, rows);
}

function memberRows(member: Member, path: string, base: number, depth: number, rows: LayoutRow[]): void {
  if (member.name === undefined && !member.bitField) {
    // An anonymous struct/union: its members belong to the enclosing record.
    if (member.type.kind === 'record') record(member.type, path, base + member.offset, depth, rows);
    return;
  }
  const at = member.name === undefined ? path : join(path, member.name);
  if (member.bitField) {
    const bit = member.bitField.bitOffset;
    rows.push({ kind: 'member', path: at, depth, offset: base + Math.floor(bit / 8), size: 0, type: member.type.name, bitOffset: bit % 8, bits: member.bitField.width });
    return;
  }
  const offset = base + member.offset;
  rows.push({ kind: 'member', path: at, depth, offset, size: member.type.size, type: member.type.name });
  let inner: CType = member.type;
  let element = at;
  while (inner.kind === 'array' && inner.length > 0) { inner = inner.element; element += '[0]'; }
  if (inner.kind === 'record') record(inner, element, offset, depth + 1, rows);
}
