// Plain-text tables with columns described as data, the way lsipc does it. Cells hold names
// from outside shmscope: each is made visible first, and widths are measured on that form.
import { visible } from '../format/terminal';

export interface Column<Row> {
  header: string;
  value(row: Row): string;
  /** Right-align numbers. */
  right?: boolean;
}

export function renderTable<Row>(columns: Column<Row>[], rows: Row[]): string {
  const cells = rows.map((row) => columns.map((column) => visible(column.value(row))));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((line) => line[i]!.length)));
  const renderLine = (values: string[]) =>
    values
      .map((value, i) => (columns[i]!.right ? value.padStart(widths[i]!) : value.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [renderLine(columns.map((column) => column.header)), ...cells.map(renderLine)].join('\n') + '\n';
}

/** 4096 → "4K", 1536 → "1.5K", like lsipc's human-readable sizes (binary units). */
export function humanSize(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T', 'P', 'E'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes}B`;
  const text = value >= 10 || Number.isInteger(value) ? Math.round(value).toString() : value.toFixed(1);
  return `${text}${units[unit]}`;
}

/** Epoch seconds (0 = never) → local "YYYY-MM-DD HH:MM:SS". */
export function formatTime(epochSeconds: number): string {
  if (epochSeconds === 0) return 'never';
  const date = new Date(epochSeconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** "1 process", "3 processes". */
export function plural(count: number, singular: string, pluralForm = `${singular}es`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
