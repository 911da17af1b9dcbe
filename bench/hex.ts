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
//  3. On screen: the same store → the frame that shows the cell highlighted, in Chromium (Debian's
//     /usr/bin/chromium, or SHMSCOPE_CHROMIUM) driving the real page; skipped without a browser.
//     The old page is gone, so only the new path is measured there (test/e2e/hex.test.ts too).
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { MAX_RANGE, VIEW_POLL_MS, type ShmscopeApi } from '../common/contract';
import { startServer, type RunningServer } from '../main/serve';
import { createSegment, openSegment, parseRef } from '../main/segments';
import { connectWebSocket, wsUrlFromPage, type SocketLike, type WsApi } from '../renderer/lib/ws-client';
import { oldSearch } from './hex/old-search';
import { onScreenLatencies } from './hex/on-screen';
import { nowMs, percentile, spawnTimedWriter, type TimedWriter } from './hex/writer';
import { runBench } from './run';

interface Options { json: boolean; samples: number; oldSamples: number; mib: number }
interface State { path?: string; writer?: TimedWriter; server?: RunningServer; client?: WsApi; browser?: Browser }
const CHROMIUM = process.env.SHMSCOPE_CHROMIUM ?? '/usr/bin/chromium';

function parseArgs(argv: string[]): Options {
  const o: Options = { json: false, samples: 60, oldSamples: 20, mib: 256 };
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

/** Store → highlighted cell on screen, in Chromium showing `ref` in the hex view; null without a browser. */
async function onScreen(state: State, url: string, ref: string, writer: TimedWriter, samples: number): Promise<number[] | null> {
  if (!existsSync(CHROMIUM)) return null;
  state.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  const page = await (await state.browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  await page.goto(url);
  const row = page.locator(`[data-testid="segment-row"][data-ref="${ref}"]`);
  await row.click({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  await page.locator(`[data-testid="hex-cell"][data-offset="${WATCH_OFFSET}"]`).waitFor({ timeout: 20_000 });
  return onScreenLatencies(page, writer, { offset: WATCH_OFFSET, samples, jitterMs: VIEW_POLL_MS });
}

async function main(options: Options, state: State): Promise<void> {
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

  log('bench:hex: the same writes, seen on screen in Chromium…');
  const screen = await onScreen(state, state.server.url, ref, writer, options.samples);

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
      onScreen: screen === null
        ? { path: `skipped: ${CHROMIUM} not found`, p50: NaN, p90: NaN, samples: 0 }
        : { path: 'viewRange, highlighted cell in Chromium', p50: percentile(screen, 50), p90: percentile(screen, 90), samples: screen.length },
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
  console.log(`\n${'write by another process → the new byte at the client'.padEnd(54)}${'p50'.padStart(10)}${'p90'.padStart(11)}${'samples'.padStart(9)}`);
  for (const r of [result.latencyMs.old, result.latencyMs.new, result.latencyMs.onScreen]) console.log(`  ${r.path.padEnd(52)}${ms(r.p50)} ${ms(r.p90)} ${String(r.samples).padStart(8)}`);
  console.log(`\nsearch ${options.mib} MiB, the only match at the end`);
  console.log(`  old: ${result.searchMs.old.path.padEnd(47)}${s(oldSearchMs)}`);
  console.log(`  new: ${result.searchMs.new.path.padEnd(47)}${s(newSearchMs)}   (${(oldSearchMs / newSearchMs).toFixed(0)}× faster)`);
}

const options = parseArgs(process.argv.slice(2));
const state: State = {};
await runBench({
  name: 'bench:hex',
  main: () => main(options, state),
  async cleanup() {
    await state.browser?.close();
    state.client?.close();
    await state.writer?.stop();
    await state.server?.close();
  },
  cleanupNow() {
    if (state.path) rmSync(state.path, { force: true });
  },
});
