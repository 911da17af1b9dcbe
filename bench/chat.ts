// npm run bench:chat [-- --json] [--runs N] [--scale X] [--idle-seconds N] [--only roundtrip,throughput,fanout,idle]
//
// The chat channel against the usual ways two Node processes talk, all in one run:
//  1. round trip (ping-pong) at 64 B, 4 KiB, 64 KiB: shmscope default and low-latency,
//     a Unix-domain socket pair (length-prefixed frames) and child_process IPC;
//  2. one-way throughput at 64 B and 64 KiB: shmscope vs a Unix socket;
//  3. fan-out from one writer to 8 reader processes: shmscope vs Unix sockets;
//  4. CPU of an idle room of 2 participants;
//  5. the steps of one small message, each timed alone in this process (chat/steps.ts);
// and a C floor (two C processes over a shared segment: a futex ping-pong and a memcpy
// ring, bench/chat/floor.c) measured in the same run, so the distance from the machine's
// limit is visible. Every figure is measured --runs times (default 5), contenders taking
// turns, and printed as median (min–max); ratios are taken run by run.
// Children are this file re-run with `--role` (bench/chat/roles.ts). Every room has a name
// unique to the run and is removed, children are killed and socket files deleted, in
// `finally` and on SIGINT/SIGTERM. Figures, not assertions: nothing here fails on timing.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { nowUs } from './chat/clock';
import { cleanupNow, killChildren, startChild, trackPath } from './chat/control';
import { measureFanOut } from './chat/fanout';
import { measureIdle } from './chat/idle';
import { measureRoundTrips } from './chat/pingpong';
import { type Figures, goals, printTable } from './chat/report';
import { runRole } from './chat/roles';
import { measureSteps } from './chat/steps';
import { measureThroughput } from './chat/throughput';
import { buildFloor } from './chat/floor';
import { runBench } from './run';

const PARTS = ['roundtrip', 'throughput', 'fanout', 'idle', 'steps'] as const;
type Part = (typeof PARTS)[number];

interface Options { json: boolean; runs: number; scale: number; idleSeconds: number; only: Set<Part> }

function parseArgs(argv: string[]): Options {
  const o: Options = { json: false, runs: 5, scale: 1, idleSeconds: 5, only: new Set(PARTS) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = Number(argv[++i]);
      if (!(v > 0)) throw new Error(`${a} needs a positive number`);
      return v;
    };
    if (a === '--json') o.json = true;
    else if (a === '--scale') o.scale = value();
    else if (a === '--runs') o.runs = Math.max(1, Math.round(value()));
    else if (a === '--idle-seconds') o.idleSeconds = value();
    else if (a === '--only') {
      const parts = (argv[++i] ?? '').split(',');
      const bad = parts.filter((p) => !(PARTS as readonly string[]).includes(p));
      if (bad.length) throw new Error(`--only takes ${PARTS.join(',')}; not ${bad.join(',')}`);
      o.only = new Set(parts as Part[]);
    }
    else if (a === '--help' || a === '-h') {
      console.log(`usage: npm run bench:chat -- [--json] [--runs N (default 5)] [--scale X (message counts ×X, default 1)] [--idle-seconds N (default 5)] [--only ${PARTS.join(',')}]`);
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return o;
}

/**
 * Checks the premise of the cross-process timings: a child's CLOCK_MONOTONIC reading,
 * taken while we wait for it, must lie between our readings before and after asking.
 */
async function clockCheck(): Promise<{ ok: boolean; samples: number; maxWindowUs: number }> {
  const child = await startChild('idle-bare');
  let ok = true, maxWindowUs = 0;
  const samples = 20;
  try {
    for (let i = 0; i < samples; i++) {
      const t0 = nowUs();
      const reply = child.next('clock');
      child.send({ type: 'clock' });
      const theirs = Number((await reply).us);
      const t1 = nowUs();
      ok &&= t0 <= theirs && theirs <= t1;
      maxWindowUs = Math.max(maxWindowUs, t1 - t0);
    }
  } finally {
    child.proc.kill('SIGKILL');
  }
  return { ok, samples, maxWindowUs };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const log = (s: string) => { if (!o.json) console.log(s); };
  const runId = `bench-${process.pid}-${randomBytes(3).toString('hex')}`;
  const dir = trackPath(mkdtempSync(join(tmpdir(), 'shmscope-bench-chat-')));
  const started = nowUs();
  const loadBefore = loadavg()[0]!;

  const clock = await clockCheck();
  log(`clock check: child CLOCK_MONOTONIC within our before/after readings in ${clock.ok ? 'all' : 'NOT all'} ${clock.samples} samples`);
  if (!clock.ok) throw new Error('process.hrtime is not comparable across processes here: fan-out and throughput timings would be wrong');

  buildFloor(dir);
  const figures: Figures = { roundTrips: [], throughput: [], fanOut: [], idle: [], steps: [] };
  if (o.only.has('roundtrip')) {
    log('1. round trips …');
    figures.roundTrips = await measureRoundTrips(dir, runId, o.runs, o.scale, log);
    await killChildren();
  }
  if (o.only.has('throughput')) {
    log('2. one-way throughput …');
    figures.throughput = await measureThroughput(dir, runId, o.runs, o.scale, log);
  }
  if (o.only.has('fanout')) {
    log('3. fan-out to 8 readers …');
    figures.fanOut = await measureFanOut(dir, runId, o.runs, o.scale, log);
  }
  if (o.only.has('idle')) {
    log(`4. idle CPU over ${o.idleSeconds} s …`);
    figures.idle = await measureIdle(runId, o.idleSeconds, o.runs, log);
  }
  if (o.only.has('steps')) {
    log('5. steps of one 64 B message, in this process …');
    figures.steps = await measureSteps(runId, o.runs, o.scale, log);
  }

  // Other work on the machine skews every figure; the load average says how much there was.
  const meta = {
    node: process.version, cpus: availableParallelism(), runs: o.runs, seconds: (nowUs() - started) / 1e6,
    loadAverage1m: { before: loadBefore, after: loadavg()[0]! }, clockCheck: clock,
  };
  if (o.json) console.log(JSON.stringify({ ...meta, ...figures, goals: goals(figures) }, null, 2));
  else {
    const busy = Math.max(meta.loadAverage1m.before, meta.loadAverage1m.after) > meta.cpus ? '  (busy machine: figures are noisy)' : '';
    printTable(figures, `node ${meta.node}, ${meta.cpus} CPUs, ${meta.seconds.toFixed(0)} s, load average ${meta.loadAverage1m.before.toFixed(1)} → ${meta.loadAverage1m.after.toFixed(1)}${busy}`, o.runs);
  }
}

if (process.argv[2] === '--role') {
  await runRole(process.argv[3] ?? '', process.argv[4] ?? '{}');
} else {
  await runBench({ name: 'bench:chat', main, cleanupNow, cleanup: killChildren });
  // A room still joined after an error would keep the event loop alive; everything is
  // cleaned up by now, and stdout (file or pipe) is written synchronously on Linux.
  process.exit();
}
