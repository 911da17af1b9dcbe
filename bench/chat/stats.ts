// Spread of a figure over repeated runs. Single runs on a shared machine vary up to 2×,
// so every figure is measured in several runs and reported as min / median / max, and
// every ratio is taken run by run (contender A's run i ÷ contender B's run i, measured
// back to back) before its spread is taken.

export interface Spread { min: number; median: number; max: number; runs: number[] }

export function spread(runs: number[]): Spread {
  const sorted = runs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (sorted.length === 0) return { min: NaN, median: NaN, max: NaN, runs };
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted.at(-1)!, runs };
}

/** Run-by-run ratio a ÷ b. */
export function ratio(a: Spread | undefined, b: Spread | undefined): Spread {
  if (!a || !b) return spread([]);
  return spread(a.runs.map((x, i) => x / (b.runs[i] ?? NaN)));
}

/** Contenders in the order of run `run`: rotated by one each run, so none always goes first. */
export function rotated<T>(items: readonly T[], run: number): T[] {
  const k = run % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
