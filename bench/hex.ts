// npm run bench:hex [-- --json] [--samples N] [--old-samples N] [--mib N]
//
// The hex view's two data paths, old and new side by side, measured as the web page uses them:
// through `shmscope serve`'s WebSocket (base64 JSON frames) from a client in this process.
//  1. Latency: a python3 child stores a byte through its own mapping of a POSIX segment; the time
//     until the page's client has the new byte. Old: watchRange (the service re-reads watches
//     once a second). New: viewRange (open views are compared every VIEW_POLL_MS). Each write
//     waits a random part of the poll interval first, so samples do not line up with the timer.
//  2. Search of a 256 MiB segment whose only match is at its end. Old: the page pulls it in 1 MiB
//     readRange chunks and scans in JavaScript. New: searchSegment runs in main.
// The on-screen figure (write → highlighted cell in Chromium) is printed by the e2e test
// test/e2e/hex.test.ts (`npm run test:e2e`).
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { MAX_RANGE, VIEW_POLL_MS, type ShmscopeApi } from '../common/contract';
import { startServer, type RunningServer } from '../main/serve';
import { createSegment, openSegment, parseRef } from '../main/segments';
import { connectWebSocket, wsUrlFromPage, type SocketLike, type WsApi } from '../renderer/lib/ws-client';
import { oldSearch } from './hex/old-search';
import { nowMs, percentile, spawnTimedWriter, type TimedWriter } from './hex/writer';
import { runBench } from './run';

interface Options { json: boolean; samples: number; oldSamples: number; mib: number }

function parseArgs(argv: string[]): Options {
  const o: Options = { json: false, samples: 60, oldSamples: 12, mib: 256 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`${a} needs a positive whole number`);
      return v;
    };
    if (a === '--json') o.json = true;
    else if (a === '--samples') o.samples = num();
    else if (a === '--old-samples') o.oldSamples = num();
    else if (a === '--mib') o.mib = num();
    else throw new Error(`unknown option ${a} (usage: npm run bench:hex -- [--json] [--samples N] [--old-samples N] [--mib N])`);
  }
  return o;
}

const OLD_POLL_MS = 1000;
const WATCH_OFFSET = 100;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Write→seen latencies: `subscribe` starts the path and calls `seen(data)` with each update of the range at 0. */
async function latencies(writer: TimedWriter, samples: number, pollMs: number, subscribe: (seen: (data: Uint8Array) => void) => Promise<() => Promise<void>>): Promise<number[]> {
  let waiting: { value: number; resolve: (t: number) => void } | undefined;
  const stop = await subscribe((data) => {
    if (waiting && data[WATCH_OFFSET] === waiting.value) { const w = waiting; waiting = undefined; w.resolve(nowMs()); }
  });
  const out: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      await sleep(Math.random() * pollMs);
      const value = (i % 254) + 1;
      const seen = new Promise<number>((resolve) => { waiting = { value, resolve }; });
      const wrote = await writer.write(WATCH_OFFSET, value);
      const timeout = sleep(10_000).then(() => { throw new Error(`no update within 10 s (sample ${i})`); });
      out.push((await Promise.race([seen, timeout])) - wrote);
    }
  } finally {
    await stop();
  }
  return out;
}

async function main(options: Options, state: { path?: string; writer?: TimedWriter; server?: RunningServer; client?: WsApi }): Promise<void> {
  const name = `/shmscope-bench-hex-${process.pid}-${randomBytes(4).toString('hex')}`;
  const size = options.mib * 1024 * 1024;
  const { ref } = createSegment({ kind: 'posix', name, size, mode: 0o600, exclusive: true });
  state.path = `/dev/shm${name}`;
  // Real bytes everywhere (a sparse object would read as the zero page), and one match, at the end.
  const needle = Buffer.from('shmscope-needle!');
  const fill = Buffer.alloc(8 * 1024 * 1024);
  for (let i = 0; i < fill.length; i++) fill[i] = (i * 131 + 7) & 0x7f;
  const segment = openSegment(parseRef(ref), { writable: true });
  try {
    for (let at = 0; at < size; at += fill.length) segment.write(at, fill.subarray(0, Math.min(fill.length, size - at)));
    segment.write(size - needle.length, needle);
  } finally {
    segment.close();
  }

  state.server = await startServer({ service: { intervalMs: OLD_POLL_MS } });
  state.client = await connectWebSocket(wsUrlFromPage(state.server.url), (url) => new WebSocket(url) as unknown as SocketLike);
  const api: ShmscopeApi = state.client.api;
  state.writer = await spawnTimedWriter(state.path);
  const writer = state.writer;

  const log = (text: string): void => { if (!options.json) process.stderr.write(`${text}\n`); };
  log(`bench:hex: ${options.oldSamples} writes through the old watch path (about ${options.oldSamples} s)…`);
  const old = await latencies(writer, options.oldSamples, OLD_POLL_MS, async (seen) => {
    const watch = await api.watchRange(ref, 0, 4096);
    const off = api.onBytesChanged((e) => { if (e.watchId === watch.watchId) seen(e.data); });
    return async () => { off(); await api.unwatch(watch.watchId); };
  });
  log(`bench:hex: ${options.samples} writes through the view path…`);
  const fresh = await latencies(writer, options.samples, VIEW_POLL_MS, async (seen) => {
    const view = await api.viewRange(ref, 0, 4096);
    const off = api.onViewChanged((e) => { if (e.viewId === view.viewId) seen(e.data); });
    return async () => { off(); await api.viewClose(view.viewId); };
  });

  log(`bench:hex: searching ${options.mib} MiB the old way (1 MiB chunks over the WebSocket)…`);
  let t = performance.now();
  const oldHit = await oldSearch(async (o, l) => (await api.readRange(ref, o, l)).data, size, needle);
  const oldSearchMs = performance.now() - t;
  const newRuns: number[] = [];
  let newHit = -1;
  for (let run = 0; run < 5; run++) {
    t = performance.now();
    newHit = (await api.searchSegment(`bench-${run}`, ref, needle, 0)).offset;
    newRuns.push(performance.now() - t);
  }
  if (oldHit !== size - needle.length || newHit !== size - needle.length) throw new Error(`search found ${oldHit} / ${newHit}, expected ${size - needle.length}`);
  const newSearchMs = percentile(newRuns, 50);

  const result = {
    latencyMs: {
      old: { path: `watchRange (${OLD_POLL_MS} ms poll)`, p50: percentile(old, 50), p90: percentile(old, 90), samples: old.length },
      new: { path: `viewRange (${VIEW_POLL_MS} ms poll)`, p50: percentile(fresh, 50), p90: percentile(fresh, 90), samples: fresh.length },
    },
    searchMs: {
      mib: options.mib,
      old: { path: `page pulls ${MAX_RANGE / 1024 / 1024} MiB readRange chunks`, ms: oldSearchMs },
      new: { path: 'searchSegment in main (median of 5)', ms: newSearchMs },
    },
  };
  if (options.json) { console.log(JSON.stringify(result, null, 2)); return; }
  const ms = (v: number): string => `${v.toFixed(1)} ms`.padStart(10);
  const s = (v: number): string => `${(v / 1000).toFixed(2)} s`.padStart(10);
  console.log('\nbench:hex — web mode, a WebSocket client in this process, as the page talks');
  console.log('\nwrite by another process → new bytes at the client        p50        p90  samples');
  for (const r of [result.latencyMs.old, result.latencyMs.new]) console.log(`  ${r.path.padEnd(52)}${ms(r.p50)} ${ms(r.p90)} ${String(r.samples).padStart(8)}`);
  console.log(`\nsearch ${options.mib} MiB, the only match at the end`);
  console.log(`  old: ${result.searchMs.old.path.padEnd(47)}${s(oldSearchMs)}`);
  console.log(`  new: ${result.searchMs.new.path.padEnd(47)}${s(newSearchMs)}   (${(oldSearchMs / newSearchMs).toFixed(0)}× faster)`);
}

const options = parseArgs(process.argv.slice(2));
const state: { path?: string; writer?: TimedWriter; server?: RunningServer; client?: WsApi } = {};
await runBench({
  name: 'bench:hex',
  main: () => main(options, state),
  async cleanup() {
    state.client?.close();
    await state.writer?.stop();
    await state.server?.close();
  },
  cleanupNow() {
    if (state.path) rmSync(state.path, { force: true });
  },
});
