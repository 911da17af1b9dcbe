// 1. Round trip between two Node processes, JS string to JS string: the parent sends a
// message, the child's JS handler sends the same text back, the parent times it. One
// message in flight at a time; the next one is sent from the handler that got the echo.
// All four transports are set up once; each size runs in slices, the contenders taking turns.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { nowUs, payload, percentiles } from './clock';
import { type Child, startChild, trackRoom } from './control';
import { type Link, ipcLink, listen, roomLink, socketLink } from './links';

export interface RoundTrip { transport: string; bytes: number; p50: number; p99: number; n: number }

interface Contender { transport: string; link: Link; child: Child }

export const SIZES = [64, 4096, 65536];
const CHUNKS = 4;

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

export async function measureRoundTrips(dir: string, runId: string, scale: number, log: (s: string) => void): Promise<RoundTrip[]> {
  const all = await contenders(dir, runId);
  const results: RoundTrip[] = [];
  try {
    for (const bytes of SIZES) {
      const n = Math.max(50, Math.round((bytes >= 65536 ? 500 : 2000) * scale));
      const text = payload(bytes);
      const samples = all.map(() => [] as number[]);
      // In CHUNKS slices, contenders taking turns: a load burst from elsewhere on the
      // machine then lands on all of them instead of on whichever ran at that moment.
      for (let chunk = 0; chunk < CHUNKS; chunk++) {
        const count = Math.ceil(n / CHUNKS);
        for (const [i, c] of all.entries()) samples[i]!.push(...await rounds(c.link, text, Math.max(10, count >> 3), count));
      }
      for (const [i, c] of all.entries()) {
        const p = percentiles(samples[i]!);
        results.push({ transport: c.transport, bytes, ...p });
        log(`  round trip ${bytes} B  ${c.transport.padEnd(22)} p50 ${p.p50.toFixed(1)} µs  p99 ${p.p99.toFixed(1)} µs`);
      }
    }
  } finally {
    for (const c of all) c.link.close();
  }
  return results;
}
