// 1. Round trip between two Node processes, JS string to JS string: the parent sends a
// message, the child's JS handler sends the same text back, the parent times it. One
// message in flight at a time; the next one is sent from the handler that got the echo.
// All transports are set up once; each size runs `runs` times, the contenders taking turns
// in an order rotated every run, and each run gives one p50 and p99 per contender. The C
// floor (two C processes, a futex ping-pong over a shared segment) takes its turn too.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { nowUs, payload, percentiles } from './clock';
import { type Child, startChild, trackRoom } from './control';
import { FLOOR, floorRoundTrip } from './floor';
import { type Link, ipcLink, listen, roomLink, socketLink } from './links';
import { type Spread, rotated, spread } from './stats';

/** p50 and p99 of each run; n round trips per run. */
export interface RoundTrip { transport: string; bytes: number; p50: Spread; p99: Spread; n: number }

interface Contender { transport: string; link: Link; child: Child }

export const SIZES = [64, 4096, 65536];

async function contenders(dir: string, runId: string): Promise<Contender[]> {
  const out: Contender[] = [];
  for (const lowLatency of [false, true]) {
    const room = trackRoom(`${runId}-rt-${lowLatency ? 'll' : 'def'}`);
    const link = roomLink(room, 'ping', lowLatency);
    out.push({ transport: lowLatency ? 'shmscope low-latency' : 'shmscope default', link, child: await startChild('echo-room', { room, lowLatency }) });
  }
  const path = join(dir, `rt-${randomBytes(3).toString('hex')}.sock`);
  const { server, accepted } = await listen(path);
  const child = await startChild('echo-socket', { path });
  const socket = await accepted();
  server.close();
  out.push({ transport: 'unix socket', link: socketLink(socket), child });
  const ipc = await startChild('echo-ipc');
  out.push({ transport: 'child_process IPC', link: ipcLink(ipc), child: ipc });
  return out;
}

/** warm + n round trips of `text`; returns the last n in µs. */
function rounds(link: Link, text: string, warm: number, n: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const samples: number[] = [];
    let i = 0;
    let t0 = 0;
    link.setHandler((reply) => {
      if (reply.length !== text.length) { reject(new Error(`echo came back with ${reply.length} chars, sent ${text.length}`)); return; }
      const t = nowUs();
      if (i++ >= warm) samples.push(t - t0);
      if (i === warm + n) { resolve(samples); return; }
      t0 = nowUs();
      link.send(text);
    });
    t0 = nowUs();
    link.send(text);
  });
}

export async function measureRoundTrips(dir: string, runId: string, runs: number, scale: number, log: (s: string) => void): Promise<RoundTrip[]> {
  const all = await contenders(dir, runId);
  const results: RoundTrip[] = [];
  try {
    for (const bytes of SIZES) {
      const n = Math.max(50, Math.round((bytes >= 65536 ? 300 : 1000) * scale));
      const text = payload(bytes);
      const names = [...all.map((c) => c.transport), FLOOR];
      const p50 = new Map(names.map((t) => [t, [] as number[]]));
      const p99 = new Map(names.map((t) => [t, [] as number[]]));
      for (let run = 0; run < runs; run++) {
        for (const c of rotated([...all, null], run)) {
          const p = c ? percentiles(await rounds(c.link, text, Math.max(10, n >> 3), n)) : floorRoundTrip(bytes, n + Math.max(10, n >> 3));
          p50.get(c?.transport ?? FLOOR)!.push(p.p50);
          p99.get(c?.transport ?? FLOOR)!.push(p.p99);
        }
      }
      for (const transport of names) {
        const r: RoundTrip = { transport, bytes, p50: spread(p50.get(transport)!), p99: spread(p99.get(transport)!), n };
        results.push(r);
        log(`  round trip ${bytes} B  ${transport.padEnd(24)} p50 median ${r.p50.median.toFixed(1)} µs (${r.p50.min.toFixed(1)}–${r.p50.max.toFixed(1)})`);
      }
    }
  } finally {
    for (const c of all) c.link.close();
  }
  return results;
}
