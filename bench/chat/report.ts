// The figures table, the goal verdicts (PASS/MISS) and the --json document of bench:chat.
import type { FanOut } from './fanout';
import type { IdleCpu } from './idle';
import type { RoundTrip } from './pingpong';
import type { Throughput } from './throughput';

export interface Figures {
  roundTrips: RoundTrip[];
  throughput: Throughput[];
  fanOut: FanOut[];
  idle: IdleCpu[];
}

/** pass is null when the part was not run (--only). */
export interface Goal { goal: string; value: number; target: string; pass: boolean | null }

const size = (b: number) => (b >= 1024 ? `${b / 1024} KiB` : `${b} B`);
const num = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');

function rt(f: Figures, transport: string, bytes: number): RoundTrip | undefined {
  return f.roundTrips.find((r) => r.transport === transport && r.bytes === bytes);
}
function tp(f: Figures, transport: string, bytes: number): Throughput | undefined {
  return f.throughput.find((r) => r.transport === transport && r.bytes === bytes);
}

export function goals(f: Figures): Goal[] {
  const out: Goal[] = [];
  const push = (goal: string, value: number, target: string, pass: boolean) =>
    out.push({ goal, value, target, pass: Number.isNaN(value) ? null : pass });
  const sizes = [...new Set(f.roundTrips.map((r) => r.bytes))];
  for (const [mode, limit] of [['shmscope default', 1.0], ['shmscope low-latency', 0.2]] as const) {
    for (const b of sizes) {
      const value = (rt(f, mode, b)?.p50 ?? NaN) / (rt(f, 'unix socket', b)?.p50 ?? NaN);
      push(`round trip ${size(b)} p50, ${mode} ÷ unix socket`, value, `≤ ${limit.toFixed(1)}×`, value <= limit);
    }
  }
  const big = (tp(f, 'shmscope credit window', 65536)?.mbPerSec ?? NaN) / (tp(f, 'unix socket', 65536)?.mbPerSec ?? NaN);
  push('throughput 64 KiB, shmscope (credit window, lossless) ÷ unix socket', big, '≥ 3.0×', big >= 3);
  const fan = (f.fanOut.find((r) => r.transport === 'shmscope default')?.p50 ?? NaN) /
    (f.fanOut.find((r) => r.transport === 'unix: writer fans out')?.p50 ?? NaN);
  push('fan-out to 8 p50, shmscope default ÷ unix (writer fans out)', fan, '≤ 0.5×', fan <= 0.5);
  const idle = f.idle.find((r) => r.what === 'idle room, 2 participants');
  const cpu = idle ? Math.max(idle.schedPercent, idle.statPercent) : NaN;
  push('idle room of 2, CPU % of one core (both processes)', cpu, '< 1 %', cpu < 1);
  return out;
}

export function printTable(f: Figures, header: string): void {
  const p = console.log;
  p(`\n${header}`);
  if (f.roundTrips.length) p('\nROUND TRIP, JS string → JS string (µs)   size        p50        p99      n   p50 ÷ unix socket');
  for (const r of f.roundTrips) {
    const ratio = r.p50 / (rt(f, 'unix socket', r.bytes)?.p50 ?? NaN);
    p(`  ${r.transport.padEnd(38)} ${size(r.bytes).padStart(6)} ${num(r.p50).padStart(10)} ${num(r.p99).padStart(10)} ${String(r.n).padStart(6)}   ${num(ratio, 2)}×`);
  }
  if (f.throughput.length) p('\nONE-WAY THROUGHPUT                      size       MB/s      msg/s   delivered/sent    missed   MB/s ÷ unix');
  for (const r of f.throughput) {
    const ratio = r.mbPerSec / (tp(f, 'unix socket', r.bytes)?.mbPerSec ?? NaN);
    p(`  ${r.transport.padEnd(36)} ${size(r.bytes).padStart(6)} ${num(r.mbPerSec).padStart(10)} ${Math.round(r.msgPerSec).toString().padStart(10)} ${`${r.delivered}/${r.sent}`.padStart(16)} ${String(r.missed).padStart(9)}   ${num(ratio, 2)}×`);
  }
  const base = f.fanOut.find((r) => r.transport === 'unix: writer fans out')?.p50 ?? NaN;
  if (f.fanOut.length) p('\nFAN-OUT 1 → 8 readers, send → last reader has it (µs)   p50        p99      n  incomplete   p50 ÷ writer-fans-out');
  for (const r of f.fanOut) {
    p(`  ${r.transport.padEnd(50)} ${num(r.p50).padStart(8)} ${num(r.p99).padStart(10)} ${String(r.n).padStart(6)} ${String(r.incomplete).padStart(11)}   ${num(r.p50 / base, 2)}×`);
  }
  if (f.idle.length) p('\nIDLE CPU (% of one core, all processes of the row)      schedstat   stat ticks   seconds');
  for (const r of f.idle) p(`  ${r.what.padEnd(52)} ${num(r.schedPercent, 3).padStart(9)} ${num(r.statPercent, 2).padStart(12)} ${num(r.seconds, 2).padStart(9)}`);
  p('\nGOALS');
  for (const g of goals(f)) p(`  ${g.pass === null ? 'n/a ' : g.pass ? 'PASS' : 'MISS'}  ${g.goal.padEnd(70)} ${num(g.value, 2).padStart(7)}  (goal ${g.target})`);
  p('\nMB = 10^6 bytes of delivered text. Round trips: one message in flight; shmscope rooms join with echo: false (the addon skips a sender\'s own messages).');
}
