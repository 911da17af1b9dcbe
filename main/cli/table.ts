// Plain-text tables with columns described as data, the way lsipc does it. Cells hold names
// from outside shmscope: each is made visible first, and widths are measured on that form.
import type { CellOptions, ColumnDescriptor, ColumnRow } from '../../common/columns';
import { visible } from '../format/terminal';

export interface Column<Row> {
  header: string;
  value(row: Row): string;
  /** Right-align numbers. */
  right?: boolean;
}

export interface TableOptions {
  /** No header line (lsipc --noheadings). */
  noHeadings?: boolean;
  /** One space between cells, no padding, and spaces inside a cell as \x20 (lsipc --raw). */
  raw?: boolean;
}

export function renderTable<Row>(columns: Column<Row>[], rows: Row[], options: TableOptions = {}): string {
  const cells = rows.map((row) => columns.map((column) => visible(column.value(row))));
  const header = columns.map((column) => column.header);
  const lines = options.noHeadings === true ? cells : [header, ...cells];
  if (options.raw === true) {
    return lines.map((values) => values.map((value) => value.replaceAll(' ', '\\x20')).join(' ')).join('\n') + '\n';
  }
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((line) => line[i]!.length)));
  const renderLine = (values: string[]) =>
    values
      .map((value, i) => (columns[i]!.right ? value.padStart(widths[i]!) : value.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return lines.map(renderLine).join('\n') + '\n';
}

/** A column of the one column table (common/columns.ts) as a text-table column. */
export function textColumn(descriptor: ColumnDescriptor, options: CellOptions): Column<ColumnRow> {
  return { header: descriptor.id, value: (row) => descriptor.text(row, options), right: descriptor.align === 'right' };
}
