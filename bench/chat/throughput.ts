// 2. One-way throughput: the parent writes `warm + total` messages as fast as it may, a
// child reads them as JS strings and reports when the last one arrived (CLOCK_MONOTONIC,
// comparable across processes). Throughput = bytes DELIVERED in the measured phase / time
// from the writer's first measured send to the reader's last receipt.
//
// A chat room's writer never waits for readers, so a fast writer laps a slow reader; the
// room then reports how many messages that reader missed. Two shmscope rows show both sides:
//  - "credit window": the reader acks every W/8 messages over the IPC side channel and the
//    writer keeps at most W (half the ring) unacknowledged: nothing is lost, like the socket.
//  - "unpaced": the writer just sends; delivered and missed are both reported.
// The Unix socket writer honours backpressure ('drain') and corks small frames into ~16 KiB
// batches (one writev per batch): the socket's best conventional case. The room writer
// sends the same batches with one sendMany each (one call into the addon, one wakeup).
// Each size runs `runs` times, the contenders (and the C floor: two C processes, a memcpy
// ring over a shared segment) taking turns in an order rotated every run.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';

import { ChatRoom } from '../../main/chat/room';
import { nowUs, payload } from './clock';
import { type Child, asControl, startChild, trackRoom } from './control';
import { FLOOR, floorThroughput } from './floor';
import { frame } from './framing';
import { BENCH_RING, listen } from './links';
import { type Spread, rotated, spread } from './stats';

/** One run of one contender. */
interface RunResult {
  transport: string;
  sent: number;
  delivered: number;
  missed: number;
  /** Delivered payload, 10^6 bytes per second. */
  mbPerSec: number;
  msgPerSec: number;
}

/** All runs of one contender at one size; sent/delivered/missed are totals over the runs. */
export interface Throughput {
  transport: string;
  bytes: number;
  sent: number;
  delivered: number;
  missed: number;
  mbPerSec: Spread;
  msgPerSec: Spread;
}

interface Plan { bytes: number; warm: number; total: number }

/** Window for the credit-paced writer: half of what the ring holds, so it is never lapped. */
function creditWindow(bytes: number): number {
  const record = 64 + 32 + bytes + 64; // header + nick + text + alignment, rounded up generously
  return Math.max(2, Math.floor(BENCH_RING / record / 2));
}

/** Messages per write batch: ~16 KiB. */
function corkBatch(bytes: number): number {
  return Math.max(1, Math.floor(16384 / bytes));
}

async function finish(sink: Child, transport: string, t0: number, sent: number): Promise<RunResult> {
  const done = await sink.next('done', 120_000);
  const delivered = Number(done.delivered), missed = Number(done.missed), bytes = Number(done.bytes);
  const seconds = (Number(done.us) - t0) / 1e6;
  return { transport, sent, delivered, missed, mbPerSec: bytes / 1e6 / seconds, msgPerSec: delivered / seconds };
}

async function roomRun(runId: string, run: number, plan: Plan, paced: boolean): Promise<RunResult> {
  const room = trackRoom(`${runId}-tp-${paced ? 'paced' : 'free'}-${plan.bytes}-${run}`);
  const writer = ChatRoom.join(room, { nick: 'writer', ringBytes: BENCH_RING, echo: false });
  const window = creditWindow(plan.bytes);
  const sink = await startChild('sink-room', { room, warm: plan.warm, total: plan.total, ackEvery: paced ? Math.max(1, window >> 3) : 0 });
  try {
    let seen = 0;
    let wake: (() => void) | null = null;
    sink.proc.on('message', (m: unknown) => {
      const c = asControl(m);
      if (c?.type === 'ack') { seen = Number(c.seen); wake?.(); }
    });
    const batch = Array.from({ length: corkBatch(plan.bytes) }, () => payload(plan.bytes));
    let sent = 0;
    const send = async (count: number) => {
      for (let i = 0; i < count;) {
        while (paced && sent - seen >= window) await new Promise<void>((resolve) => { wake = resolve; });
        const n = Math.min(count - i, batch.length, paced ? window - (sent - seen) : Infinity);
        writer.sendMany(n === batch.length ? batch : batch.slice(0, n));
        sent += n;
        i += n;
      }
    };
    await send(plan.warm);
    await sink.next('warm');
    const t0 = nowUs();
    await send(plan.total);
    return await finish(sink, paced ? 'shmscope credit window' : 'shmscope unpaced', t0, plan.total);
  } finally {
    sink.proc.kill('SIGKILL');
    writer.leave();
    ChatRoom.remove(room);
  }
}

async function socketRun(dir: string, plan: Plan): Promise<RunResult> {
  const path = join(dir, `tp-${randomBytes(3).toString('hex')}.sock`);
  const { server, accepted } = await listen(path);
  const sink = await startChild('sink-socket', { path, warm: plan.warm, total: plan.total });
  const socket = await accepted();
  server.close();
  try {
    const text = payload(plan.bytes);
    const batch = corkBatch(plan.bytes);
    const send = async (count: number) => {
      for (let i = 0; i < count;) {
        socket.cork();
        for (const end = Math.min(count, i + batch); i < end; i++) socket.write(frame(text));
        socket.uncork();
        if (socket.writableNeedDrain) await once(socket, 'drain');
      }
    };
    await send(plan.warm);
    await sink.next('warm');
    const t0 = nowUs();
    await send(plan.total);
    return await finish(sink, 'unix socket', t0, plan.total);
  } finally {
    socket.destroy();
    sink.proc.kill('SIGKILL');
  }
}

function floorRun(plan: Plan): RunResult {
  const r = floorThroughput(plan.bytes, plan.total);
  return { transport: FLOOR, sent: plan.total, delivered: plan.total, missed: 0, ...r };
}

export async function measureThroughput(dir: string, runId: string, runs: number, scale: number, log: (s: string) => void): Promise<Throughput[]> {
  const results: Throughput[] = [];
  for (const bytes of [64, 65536]) {
    const total = Math.max(100, Math.round((bytes >= 65536 ? 3000 : 100_000) * scale));
    const plan: Plan = { bytes, total, warm: Math.max(10, Math.round(total / 10)) };
    const contenders = [
      (run: number) => roomRun(runId, run, plan, true),
      (run: number) => roomRun(runId, run, plan, false),
      () => socketRun(dir, plan),
      () => Promise.resolve(floorRun(plan)),
    ];
    const byTransport = new Map<string, RunResult[]>();
    for (let run = 0; run < runs; run++) {
      for (const contender of rotated(contenders, run)) {
        const r = await contender(run);
        byTransport.set(r.transport, [...(byTransport.get(r.transport) ?? []), r]);
      }
    }
    for (const [transport, rs] of byTransport) {
      const sum = (f: (r: RunResult) => number) => rs.reduce((a, r) => a + f(r), 0);
      const t: Throughput = {
        transport, bytes, sent: sum((r) => r.sent), delivered: sum((r) => r.delivered), missed: sum((r) => r.missed),
        mbPerSec: spread(rs.map((r) => r.mbPerSec)), msgPerSec: spread(rs.map((r) => r.msgPerSec)),
      };
      results.push(t);
      log(`  throughput ${bytes} B  ${transport.padEnd(24)} median ${t.mbPerSec.median.toFixed(1)} MB/s (${t.mbPerSec.min.toFixed(1)}–${t.mbPerSec.max.toFixed(1)})  delivered ${t.delivered}/${t.sent}  missed ${t.missed}`);
    }
  }
  return results;
}
