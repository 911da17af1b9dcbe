// One row per scenario, and the table the campaign prints.
export interface Row {
  scenario: string;
  iterations: number;
  failures: number;
  /** Worst time anyone waited (ms), where the scenario measures one. */
  maxStallMs: number | null;
  crashes: number;
  notes: string;
  /** Why each failure happened (first few), printed under the table. */
  problems: string[];
}

export function newRow(scenario: string): Row {
  return { scenario, iterations: 0, failures: 0, maxStallMs: null, crashes: 0, notes: '', problems: [] };
}

export function fail(row: Row, why: string): void {
  row.failures++;
  if (row.problems.length < 10) row.problems.push(why);
}

export function stall(row: Row, ms: number): void {
  row.maxStallMs = Math.max(row.maxStallMs ?? 0, ms);
}

export function printTable(rows: Row[]): void {
  const head = ['scenario', 'iterations', 'failures', 'max stall', 'crashes', 'notes'];
  const cells = rows.map((r) => [r.scenario, String(r.iterations), String(r.failures),
    r.maxStallMs === null ? '-' : `${Math.round(r.maxStallMs)} ms`, String(r.crashes), r.notes]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const fmt = (c: string[]): string => c.map((x, i) => (i === 0 || i === 5 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ').trimEnd();
  console.log(fmt(head));
  for (const c of cells) console.log(fmt(c));
  for (const r of rows) for (const p of r.problems) console.log(`  ${r.scenario}: ${p}`);
}
