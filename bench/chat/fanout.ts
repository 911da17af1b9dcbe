// 3. Fan-out: one writer (this process), 8 reader processes. Message i goes out every
// ~2 ms (open loop, far below any contender's capacity, so queues stay empty and what is
// measured is delivery latency, not backlog); each reader notes when it had it as a JS
// string (CLOCK_MONOTONIC, comparable across processes) and reports at the end. Latency of
// message i = last reader's receipt − send time.
// Unix-socket baselines:
//  - "unix: writer fans out": the writer holds 8 connections and writes each frame to all
//    of them. No extra hop, so the strongest socket design; the goal ratio uses this one.
//  - "unix: broker process": the usual chat-server shape (writer → hub → 8 readers), for reference.
// All setups stay up for the whole part; each of `runs` runs sends one stream through every
// setup in an order rotated per run (readers start each stream with a fresh record).
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { join } from 'node:path';

import { ChatRoom } from '../../main/chat/room';
import { nowUs, payload, percentiles, sleep } from './clock';
import { type Child, startChild, trackRoom } from './control';
import { frame } from './framing';
import { BENCH_RING, connect, listen } from './links';
import { type Spread, rotated, spread } from './stats';

export const READERS = 8;
const GAP_MS = 2;

/** p50/p99 of each run; n latencies per run; incomplete: messages some reader never had, all runs. */
export interface FanOut { transport: string; readers: number; p50: Spread; p99: Spread; n: number; incomplete: number }

interface Setup { transport: string; send(text: string): void; readers: Child[]; close(): void }

async function startReaders(role: string, args: object): Promise<Child[]> {
  // One at a time: on 2 cores, 8 Node start-ups at once only make each slower.
  const readers: Child[] = [];
  for (let i = 0; i < READERS; i++) readers.push(await startChild(role, args));
  return readers;
}

async function roomSetup(runId: string, total: number, lowLatency: boolean): Promise<Setup> {
  const room = trackRoom(`${runId}-fan-${lowLatency ? 'll' : 'def'}`);
  const writer = ChatRoom.join(room, { nick: 'writer', ringBytes: BENCH_RING, lowLatency, echo: false });
  const readers = await startReaders('fan-room', { room, total, lowLatency });
  return {
    transport: lowLatency ? 'shmscope low-latency' : 'shmscope default',
    send: (text) => { writer.send(text); },
    readers,
    close: () => { writer.leave(); ChatRoom.remove(room); },
  };
}

async function directSetup(dir: string, total: number): Promise<Setup> {
  const path = join(dir, `fan-${randomBytes(3).toString('hex')}.sock`);
  const { server, accepted } = await listen(path);
  const readers = await startReaders('fan-socket', { path, total });
  const sockets: Socket[] = [];
  for (let i = 0; i < READERS; i++) sockets.push(await accepted());
  server.close();
  return {
    transport: 'unix: writer fans out',
    send: (text) => { const f = frame(text); for (const s of sockets) s.write(f); },
    readers,
    close: () => { for (const s of sockets) s.destroy(); },
  };
}

async function brokerSetup(dir: string, total: number): Promise<Setup> {
  const path = join(dir, `hub-${randomBytes(3).toString('hex')}.sock`);
  const broker = await startChild('broker', { path });
  const readers = await startReaders('fan-socket', { path, total });
  const socket = await connect(path);
  return {
    transport: 'unix: broker process',
    send: (text) => { socket.write(frame(text)); },
    readers: [...readers, broker],
    close: () => socket.destroy(),
  };
}

async function runOnce(setup: Setup, warm: number, total: number): Promise<{ p50: number; p99: number; n: number; incomplete: number }> {
  const readers = setup.readers.slice(0, READERS);
  for (const r of readers) r.send({ type: 'reset' });
  await sleep(200); // let the resets (and, the first time, the last connection/join) settle before message 0
  const sentAt = new Array<number>(total).fill(0);
  for (let i = 0; i < total; i++) {
    await sleep(GAP_MS);
    const text = payload(64, `${i}:`);
    sentAt[i] = nowUs();
    setup.send(text);
  }
  await sleep(300);
  const reports = await Promise.all(readers.map((r) => { const t = r.next('times'); r.send({ type: 'stop' }); return t; }));
  const times = reports.map((c) => c.times as number[]);
  const latencies: number[] = [];
  let incomplete = 0;
  for (let i = warm; i < total; i++) {
    const got = times.map((t) => t[i] ?? -1);
    if (got.some((t) => t < 0)) { incomplete++; continue; }
    latencies.push(Math.max(...got) - sentAt[i]!);
  }
  return { ...percentiles(latencies), incomplete };
}

export async function measureFanOut(dir: string, runId: string, runs: number, scale: number, log: (s: string) => void): Promise<FanOut[]> {
  const measured = Math.max(50, Math.round(250 * scale));
  const warm = 30;
  const total = warm + measured;
  const setups: Setup[] = [];
  try {
    for (const setup of [() => roomSetup(runId, total, false), () => roomSetup(runId, total, true), () => directSetup(dir, total), () => brokerSetup(dir, total)]) {
      setups.push(await setup());
    }
    const got = new Map(setups.map((s) => [s, [] as Array<{ p50: number; p99: number; n: number; incomplete: number }>]));
    for (let run = 0; run < runs; run++) {
      for (const setup of rotated(setups, run)) got.get(setup)!.push(await runOnce(setup, warm, total));
    }
    return setups.map((setup) => {
      const rs = got.get(setup)!;
      const r: FanOut = {
        transport: setup.transport, readers: READERS, p50: spread(rs.map((x) => x.p50)), p99: spread(rs.map((x) => x.p99)),
        n: measured, incomplete: rs.reduce((a, x) => a + x.incomplete, 0),
      };
      log(`  fan-out to ${r.readers}  ${r.transport.padEnd(22)} p50 median ${r.p50.median.toFixed(1)} µs (${r.p50.min.toFixed(1)}–${r.p50.max.toFixed(1)})  incomplete ${r.incomplete}`);
      return r;
    });
  } finally {
    for (const setup of setups) {
      setup.close();
      for (const c of setup.readers) c.proc.kill('SIGKILL');
    }
  }
}
