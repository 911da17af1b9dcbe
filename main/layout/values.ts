// `shmscope decode` output: one line per member ("offset  type  path = value"), a change line
// for --watch, and the JSON shapes. Values from the segment are C-escaped by the decoder and
// still pass through `visible` (terminal) or safeJson (JSON).
import type { DecodedField } from '../../common/layout';
import { visible } from '../format/terminal';
import { renderTable, type Column } from '../cli/table';

/** How a value reads on a terminal: text quoted, enums with their number, chars with the character. */
export function valueText(field: DecodedField): string {
  if (field.bytes !== undefined) return `"${String(field.value)}"`;
  if (field.raw !== undefined) return `${String(field.value)} (${field.raw})`;
  if (field.type === 'char' && typeof field.value === 'number' && field.value >= 0x20 && field.value < 0x7f) {
    return `${field.value} '${String.fromCharCode(field.value)}'`;
  }
  return String(field.value);
}

const COLUMNS: Column<DecodedField>[] = [
  { header: 'OFFSET', value: (f) => (f.bitOffset === undefined ? String(f.offset) : `${f.offset}:${f.bitOffset}`), right: true },
  { header: 'TYPE', value: (f) => f.type },
  { header: 'MEMBER', value: (f) => f.path || '(value)' },
  { header: 'VALUE', value: valueText },
];

export function valuesText(title: string, fields: DecodedField[]): string {
  return `${visible(title)}\n${renderTable(COLUMNS, fields)}`;
}

/** "HH:MM:SS.mmm" local time. */
export function clock(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

export function changeText(date: Date, before: DecodedField, after: DecodedField): string {
  return visible(`${clock(date)}  ${after.path || '(value)'}: ${valueText(before)} → ${valueText(after)}`);
}

/** What --watch compares: a field changed when this differs. */
export function fieldKey(field: DecodedField): string {
  return `${typeof field.value}:${String(field.value)}:${field.bytes ?? ''}`;
}
