// `shmscope layout` output: a pahole-like table (offset, size, type, member, with holes and
// trailing padding as rows) or the same rows as JSON.
import { layoutRows, type LayoutRow, type NamedType } from '../../common/layout';
import { renderTable, type Column } from '../cli/table';

function offsetText(row: LayoutRow): string {
  return row.bitOffset === undefined ? String(row.offset) : `${row.offset}:${row.bitOffset}`;
}

function sizeText(row: LayoutRow): string {
  return row.bits === undefined ? String(row.size) : `${row.bits}b`;
}

function memberText(row: LayoutRow): string {
  const indent = '  '.repeat(row.depth);
  if (row.kind === 'member') return indent + row.path;
  return `${indent}(${row.kind === 'hole' ? 'hole' : 'padding'})`;
}

const COLUMNS: Column<LayoutRow>[] = [
  { header: 'OFFSET', value: offsetText, right: true },
  { header: 'SIZE', value: sizeText, right: true },
  { header: 'TYPE', value: (row) => row.type },
  { header: 'MEMBER', value: memberText },
];

export function layoutText(named: NamedType): string {
  const { type } = named;
  const rows = layoutRows(type);
  const title = `${named.name}: ${type.size} bytes, aligned to ${type.align}`;
  if (type.kind === 'enum') return `${title}${type.signed ? '' : ', unsigned'}\n${type.values.map((v) => `  ${v.name} = ${v.value}\n`).join('')}`;
  if (rows.length === 0) return `${title}\n`;
  const holes = rows.filter((row) => row.kind !== 'member');
  const wasted = holes.reduce((sum, row) => sum + row.size * 8 + (row.bits ?? 0), 0);
  const bitNote = rows.some((row) => row.bits !== undefined) ? '\n(offset a:b = bit b of byte a, bit 0 the least significant; Nb = N bits)' : '';
  const unused = `${Math.floor(wasted / 8)} bytes${wasted % 8 === 0 ? '' : ` ${wasted % 8} bits`}`;
  const summary = holes.length === 0 ? 'no holes or padding' : `${holes.length} hole${holes.length === 1 ? '' : 's'}/padding, ${unused} unused`;
  return `${title}\n${renderTable(COLUMNS, rows)}${summary}${bitNote}\n`;
}

export function layoutJson(named: NamedType): unknown {
  const rows = layoutRows(named.type);
  const json = (row: LayoutRow) => ({
    ...(row.kind === 'member' ? { path: row.path, type: row.type } : { kind: row.kind }),
    offset: row.offset,
    size: row.size,
    ...(row.bits === undefined ? {} : { bitOffset: row.bitOffset, bits: row.bits }),
  });
  const { type } = named;
  return {
    type: named.name,
    size: type.size,
    align: type.align,
    ...(type.kind === 'enum' ? { values: type.values.map((v) => ({ name: v.name, value: Number.isSafeInteger(Number(v.value)) ? Number(v.value) : v.value.toString() })) } : {}),
    fields: rows.filter((row) => row.kind === 'member').map(json),
    holes: rows.filter((row) => row.kind !== 'member').map(json),
  };
}
