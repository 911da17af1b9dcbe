// 3. Fan-out: one writer (this process), 8 reader processes. Message i goes out every
// ~2 ms (open loop, far below any contender's capacity, so queues stay empty and what is
// measured is delivery latency, not backlog); each reader notes when it had it as a JS
// string (CLOCK_MONOTONIC, comparable across processes) and reports at the end. Latency of
// message i = last reader's receipt − send time.
// Unix-socket baselines:
//  - "unix: writer fans out": the writer holds 8 connections and writes each frame to all
//    of them. No extra hop, so the strongest socket design; the goal ratio uses this one.
//  - "unix: broker process": the usual chat-server shape (writer → hub → 8 readers), for reference.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { join } from 'node:path';

import { ChatRoom } from '../../main/chat/room';
import { nowUs, payload, percentiles, sleep } from './clock';
import { type Child, startChild, trackRoom } from './control';
import { frame } from './framing';
import { BENCH_RING, connect, listen } from './links';

export const READERS = 8;
const GAP_MS = 2;

export interface FanOut { transport: string; readers: number; p50: number; p99: number; n: number; incomplete: number }

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

async function run(setup: Setup, warm: number, total: number): Promise<FanOut> {
  const readers = setup.readers.slice(0, READERS);
  try {
    await sleep(200); // let the last connection/join settle everywhere before message 0
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
    return { transport: setup.transport, readers: readers.length, ...percentiles(latencies), incomplete };
  } finally {
    setup.close();
    for (const c of setup.readers) c.proc.kill('SIGKILL');
  }
}

export async function measureFanOut(dir: string, runId: string, scale: number, log: (s: string) => void): Promise<FanOut[]> {
  const measured = Math.max(50, Math.round(400 * scale));
  const warm = 50;
  const total = warm + measured;
  const results: FanOut[] = [];
  const setups = [
    () => roomSetup(runId, total, false),
    () => roomSetup(runId, total, true),
    () => directSetup(dir, total),
    () => brokerSetup(dir, total),
  ];
  for (const setup of setups) {
    const r = await run(await setup(), warm, total);
    results.push(r);
    log(`  fan-out to ${r.readers}  ${r.transport.padEnd(22)} p50 ${r.p50.toFixed(1)} µs  p99 ${r.p99.toFixed(1)} µs  incomplete ${r.incomplete}`);
  }
  return results;
}
