// The figures table, the goal verdicts (PASS/MISS, on the median of run-by-run ratios) and
// the --json document of bench:chat. Every figure is a spread over runs (stats.ts).
import type { FanOut } from './fanout';
import { FLOOR } from './floor';
import type { IdleCpu } from './idle';
import type { RoundTrip } from './pingpong';
import { type Spread, ratio, spread } from './stats';
import type { Step } from './steps';
import type { Throughput } from './throughput';

export interface Figures {
  roundTrips: RoundTrip[];
  throughput: Throughput[];
  fanOut: FanOut[];
  idle: IdleCpu[];
  steps: Step[];
}

/** pass is null when the part was not run (--only); it judges the median. */
export interface Goal { goal: string; value: Spread; target: string; pass: boolean | null }

const size = (b: number) => (b >= 1024 ? `${b / 1024} KiB` : `${b} B`);
const num = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
/** "median (min–max)" */
const sp = (s: Spread, d = 1) => `${num(s.median, d)} (${num(s.min, d)}–${num(s.max, d)})`;

function rt(f: Figures, transport: string, bytes: number): RoundTrip | undefined {
  return f.roundTrips.find((r) => r.transport === transport && r.bytes === bytes);
}
function tp(f: Figures, transport: string, bytes: number): Throughput | undefined {
  return f.throughput.find((r) => r.transport === transport && r.bytes === bytes);
}
function fo(f: Figures, transport: string): FanOut | undefined {
  return f.fanOut.find((r) => r.transport === transport);
}

/** The goals of issue 13, each a run-by-run ratio (or, for idle CPU, a percentage). */
export function goals(f: Figures): Goal[] {
  const out: Goal[] = [];
  const push = (goal: string, value: Spread, target: string, pass: (median: number) => boolean) =>
    out.push({ goal, value, target, pass: Number.isNaN(value.median) ? null : pass(value.median) });
  for (const b of [64, 65536]) {
    const want = b === 64 ? 2 : 3;
    push(`throughput ${size(b)}, shmscope credit window (lossless) ÷ unix socket`, ratio(tp(f, 'shmscope credit window', b)?.mbPerSec, tp(f, 'unix socket', b)?.mbPerSec), `≥ ${want}×`, (m) => m >= want);
  }
  push('fan-out to 8 p50, shmscope default ÷ unix (writer fans out)', ratio(fo(f, 'shmscope default')?.p50, fo(f, 'unix: writer fans out')?.p50), '≤ 0.4×', (m) => m <= 0.4);
  for (const b of [64, 4096]) {
    push(`round trip ${size(b)} p50, shmscope default ÷ unix socket`, ratio(rt(f, 'shmscope default', b)?.p50, rt(f, 'unix socket', b)?.p50), '≤ 0.7×', (m) => m <= 0.7);
  }
  const idle = f.idle.find((r) => r.what === 'idle room, 2 participants');
  push('idle room of 2, CPU % of one core (both processes)', idle?.schedPercent ?? spread([]), '< 1 %', (m) => m < 1);
  return out;
}

export function printTable(f: Figures, header: string, runs: number): void {
  const p = console.log;
  p(`\n${header}`);
  p(`Each figure: median (min–max) over ${runs} runs, contenders taking turns in an order rotated every run; ratios are taken run by run.`);
  if (f.roundTrips.length) p(`\nROUND TRIP, JS string → JS string, p50 (µs)       size   p50                       p99 median   ÷ unix socket            ÷ C floor`);
  for (const r of f.roundTrips) {
    p(`  ${r.transport.padEnd(44)} ${size(r.bytes).padStart(6)}   ${sp(r.p50).padEnd(24)} ${num(r.p99.median).padStart(10)}   ${sp(ratio(r.p50, rt(f, 'unix socket', r.bytes)?.p50), 2).padEnd(22)} ${num(ratio(r.p50, rt(f, FLOOR, r.bytes)?.p50).median, 1)}×`);
  }
  if (f.throughput.length) p(`\nONE-WAY THROUGHPUT (MB/s)                          size   MB/s                          delivered/sent    missed   ÷ unix socket            ÷ C floor`);
  for (const r of f.throughput) {
    p(`  ${r.transport.padEnd(44)} ${size(r.bytes).padStart(6)}   ${sp(r.mbPerSec).padEnd(28)} ${`${r.delivered}/${r.sent}`.padStart(16)} ${String(r.missed).padStart(9)}   ${sp(ratio(r.mbPerSec, tp(f, 'unix socket', r.bytes)?.mbPerSec), 2).padEnd(22)} ${num(ratio(r.mbPerSec, tp(f, FLOOR, r.bytes)?.mbPerSec).median, 2)}×`);
  }
  if (f.fanOut.length) p('\nFAN-OUT 1 → 8 readers, send → last reader has it (µs)   p50                       p99 median  incomplete   ÷ writer-fans-out');
  for (const r of f.fanOut) {
    p(`  ${r.transport.padEnd(55)} ${sp(r.p50).padEnd(24)} ${num(r.p99.median).padStart(10)} ${String(r.incomplete).padStart(11)}   ${sp(ratio(r.p50, fo(f, 'unix: writer fans out')?.p50), 2)}`);
  }
  if (f.idle.length) p('\nIDLE CPU (% of one core, all processes of the row)      schedstat, per window     stat ticks, all   seconds');
  for (const r of f.idle) p(`  ${r.what.padEnd(55)} ${sp(r.schedPercent, 3).padEnd(25)} ${num(r.statPercent, 2).padStart(10)} ${num(r.seconds, 2).padStart(9)}`);
  if (f.steps.length) p('\nSTEPS OF ONE 64 B MESSAGE, each alone in one process (ns per message)');
  for (const s of f.steps) p(`  ${s.step.padEnd(70)} ${sp(s.nsPerMessage, 0)}`);
  p('\nGOALS (median of the run-by-run ratios; min–max in brackets)');
  for (const g of goals(f)) p(`  ${g.pass === null ? 'n/a ' : g.pass ? 'PASS' : 'MISS'}  ${g.goal.padEnd(70)} ${sp(g.value, 2).padStart(20)}  (goal ${g.target})`);
  p(`\nMB = 10^6 bytes of delivered text. Round trips: one message in flight; shmscope rooms join with echo: false (the addon skips a sender's own messages). ${FLOOR}: two C processes over a shared segment, no runtime (bench/chat/floor.c).`);
}
