// 4. CPU of an idle room: two participants that only sit there for 5 s. Read from
// /proc/PID/stat (utime+stime, clock ticks, as the brief asks) and, because 5 s of an idle
// process is only a handful of ticks, also from /proc/PID/task/*/schedstat (ns on CPU, all
// threads) for a precise figure. A room in low-latency mode and a bare Node process (IPC
// channel only) run alongside for reference.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

import { nowUs, sleep } from './clock';
import { type Child, startChild, trackRoom } from './control';
import { type Spread, spread } from './stats';

/** schedPercent per window of seconds/runs; statPercent over the whole time (ticks are too coarse for windows). */
export interface IdleCpu { what: string; pids: number[]; seconds: number; statPercent: number; schedPercent: Spread }

// Asked on first use: every bench child loads this module too, and they never need it.
let ticksPerSecond = 0;
function ticks(): number {
  ticksPerSecond ||= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;
  return ticksPerSecond;
}

/** CPU seconds of a process: [utime+stime from /proc/PID/stat, sum of its threads' schedstat]. */
function cpuSeconds(pid: number): [number, number] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
  const used = Number(fields[11]) + Number(fields[12]); // fields 14 and 15: utime, stime
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try { ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]); } catch { /* thread gone */ }
  }
  return [used / ticks(), ns / 1e9];
}

export async function measureIdle(runId: string, seconds: number, runs: number, log: (s: string) => void): Promise<IdleCpu[]> {
  const groups: Array<{ what: string; children: Child[] }> = [];
  for (const lowLatency of [false, true]) {
    const room = trackRoom(`${runId}-idle-${lowLatency ? 'll' : 'def'}`);
    const children = [await startChild('idle-room', { room, lowLatency }), await startChild('idle-room', { room, lowLatency })];
    groups.push({ what: `idle room, 2 participants${lowLatency ? ' (low-latency)' : ''}`, children });
  }
  groups.push({ what: 'bare node process (reference)', children: [await startChild('idle-bare')] });
  try {
    await sleep(1000); // start-up work (JIT, GC) is not idling
    const pids = groups.flatMap((g) => g.children.map((c) => c.pid));
    const sample = () => new Map(pids.map((p) => [p, cpuSeconds(p)]));
    const samples = [sample()];
    const times = [nowUs()];
    for (let run = 0; run < runs; run++) {
      await sleep((seconds * 1000) / runs);
      samples.push(sample());
      times.push(nowUs());
    }
    const wall = (times.at(-1)! - times[0]!) / 1e6;
    const used = (g: { children: Child[] }, from: number, to: number, k: 0 | 1) =>
      g.children.reduce((sum, c) => sum + samples[to]!.get(c.pid)![k] - samples[from]!.get(c.pid)![k], 0);
    return groups.map((g) => {
      const windows = samples.slice(1).map((_, i) => (used(g, i, i + 1, 1) / ((times[i + 1]! - times[i]!) / 1e6)) * 100);
      const r: IdleCpu = { what: g.what, pids: g.children.map((c) => c.pid), seconds: wall, statPercent: (used(g, 0, runs, 0) / wall) * 100, schedPercent: spread(windows) };
      log(`  ${r.what.padEnd(40)} median ${r.schedPercent.median.toFixed(3)} % of a core (schedstat, ${runs} windows), ${r.statPercent.toFixed(2)} % (stat ticks)`);
      return r;
    });
  } finally {
    for (const g of groups) for (const c of g.children) c.proc.kill('SIGKILL');
  }
}
