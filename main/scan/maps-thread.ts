// Reads every /proc/PID/maps on a worker thread and waits for it with a bound per process.
//
// Reading /proc/PID/maps takes the target's memory lock; a process stuck in a page fault on a
// FUSE or userfaultfd mapping (or anything else holding that lock) makes the read sleep, for as
// long as it pleases. Such a read must not freeze the thread that serves the UI or the CLI, so the
// walk runs on a worker and this thread waits for it synchronously (Atomics.wait), which keeps
// scanSegments() synchronous and as fast as before. When one read has not come back after
// PROCESS_TIMEOUT_MS, the pid it is reading is reported as unreadable ('timeout'), its worker is
// parked (a thread blocked in the kernel cannot be stopped), and a fresh worker walks again
// skipping that pid. While a parked worker is still stuck its pid stays skipped; once it moves on,
// the worker is ended and the pid is read again.
import { existsSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { walkMaps, type MapsScan, type MapsTargets } from './maps';
import { CURRENT_PID, DONE, PROGRESS, READING, SLOTS, type WalkRequest } from './maps-worker';
import { walkMode } from './walk-mode';
import { exitNow, native } from '../native';

/** How long one process's maps may take before it counts as not answering. */
export const PROCESS_TIMEOUT_MS = 500;
/** Parked threads we accept; past this, scans fail at once (naming the pids) rather than spend more threads. */
const MAX_PARKED = 8;

interface Walker { worker: Worker; port: MessagePort; state: Int32Array }
interface Parked extends Walker { pid: number; progress: number }

/** The worker's script beside this module: maps-worker.ts under test, maps-worker.js in a bundle. */
function workerUrl(): URL {
  const here = import.meta.url;
  const url = new URL(here.endsWith('.ts') ? './maps-worker.ts' : './maps-worker.js', here);
  if (!existsSync(url)) throw new Error(`the /proc scanner's worker script is missing: ${url.pathname} (run npm run build)`);
  return url;
}

function startWalker(): Walker {
  const { port1, port2 } = new MessageChannel();
  const state = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
  const worker = new Worker(workerUrl(), { workerData: { port: port2, state }, transferList: [port2] });
  worker.unref();
  port1.unref();
  return { worker, port: port1, state };
}

let walker: Walker | null = null;
const parked: Parked[] = [];
/** Released workers until they are gone: one may have run into another hanging read meanwhile. */
const ending = new Set<Worker>();
let nextId = 1;
let exitHookInstalled = false;

/**
 * Node joins every worker thread when the process exits, and a thread blocked in the kernel never
 * joins: with a parked worker, exit at once with the status the process was going to exit with.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', (code) => { if (parked.length > 0 || ending.size > 0 || inlineTimeouts > 0) exitNow(code); });
}

/** Ends the parked workers whose read came back (they run JavaScript again, so terminate works). */
function releaseUnstuck(): void {
  for (let i = parked.length - 1; i >= 0; i--) {
    const p = parked[i]!;
    if (Atomics.load(p.state, PROGRESS) === p.progress && Atomics.load(p.state, CURRENT_PID) === p.pid) continue;
    parked.splice(i, 1);
    p.port.close();
    ending.add(p.worker);
    p.worker.once('exit', () => ending.delete(p.worker));
    void p.worker.terminate();
  }
}

/** Starts the worker now, so that its start-up overlaps the caller's other reads. */
export function prepareMapsWalker(): void {
  if (!walkMode.inline) walker ??= startWalker();
}

/** Reads that did not answer in a walk on this thread (walk-mode.ts); their threads stay parked. */
let inlineTimeouts = 0;

/** walkMaps() on this thread, each read that can hang done by a thread of the addon's and waited
 *  for PROCESS_TIMEOUT_MS; past MAX_PARKED stuck reads nothing more is read and the scan fails
 *  (ETIMEDOUT), as with workers. The count only grows: this mode is for one scan per process. */
function scanInline(targets: MapsTargets, options: BoundedScanOptions): MapsScan {
  const tooMany = () => inlineTimeouts > MAX_PARKED;
  const timedOut = (): null => {
    inlineTimeouts++;
    installExitHook();
    return null;
  };
  const scan = walkMaps(targets, {
    skip: new Set(),
    mapsPaths: new Map(options.mapsPaths ?? []),
    beforeRead() {},
    afterRead() {},
    readMany(paths) {
      if (tooMany()) return [];  // each remaining process: a timeout, at once
      const read = native().readBoundedBatch(paths, PROCESS_TIMEOUT_MS);
      if (read.length < paths.length) timedOut();
      return read;
    },
    stat: (path) => (tooMany() ? null : native().readBounded(path, PROCESS_TIMEOUT_MS, true) ?? timedOut()),
  });
  if (tooMany()) {
    throw Object.assign(new Error(`/proc/PID/maps of ${inlineTimeouts} processes do not answer: not scanning until some of them do`), { code: 'ETIMEDOUT' });
  }
  return scan;
}

let mayBlock = true;

/**
 * Atomics.wait(state, index, value, ms). An embedder may forbid blocking its main thread (V8's
 * allow_atomics_wait; browsers do): then spin on the slot instead, for the same bound.
 */
function waitWhile(state: Int32Array, index: number, value: number, ms: number): void {
  if (mayBlock) {
    try {
      Atomics.wait(state, index, value, ms);
      return;
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      mayBlock = false;
    }
  }
  const end = performance.now() + ms;
  while (Atomics.load(state, index) === value && performance.now() < end);
}

/** Options for tests. */
export interface BoundedScanOptions {
  /** Read this file instead of /proc/PID/maps for these pids (a FIFO stands for a read that blocks). */
  mapsPaths?: ReadonlyMap<number, string>;
}

/** walkMaps() on the worker, each process's read bounded by PROCESS_TIMEOUT_MS. */
export function scanMapsBounded(targets: MapsTargets, options: BoundedScanOptions = {}): MapsScan {
  if (walkMode.inline) return scanInline(targets, options);
  releaseUnstuck();
  for (;;) {
    if (parked.length > MAX_PARKED) {
      const pids = parked.map((p) => p.pid).join(', ');
      throw Object.assign(new Error(`/proc/PID/maps of processes ${pids} do not answer: not scanning until some of them do`), { code: 'ETIMEDOUT' });
    }
    const current = (walker ??= startWalker());
    const id = nextId++;
    const request: WalkRequest = { id, targets, skip: parked.map((p) => p.pid), mapsPaths: [...(options.mapsPaths ?? [])] };
    current.port.postMessage(request);
    let progress = Atomics.load(current.state, PROGRESS);
    for (;;) {
      waitWhile(current.state, DONE, id - 1, PROCESS_TIMEOUT_MS);
      if (Atomics.load(current.state, DONE) === id) {
        const reply = receiveMessageOnPort(current.port)?.message as { id: number; scan: MapsScan } | undefined;
        if (reply?.id !== id) throw new Error('the /proc scanner thread answered out of turn');
        return reply.scan;
      }
      const now = Atomics.load(current.state, PROGRESS);
      if (now !== progress) { progress = now; continue; }
      if (Atomics.load(current.state, READING) === 0) continue; // starting up, or busy between reads: slow, not stuck
      break; // one read has been in the kernel for PROCESS_TIMEOUT_MS: it hangs
    }
    installExitHook();
    parked.push({ ...current, pid: Atomics.load(current.state, CURRENT_PID), progress });
    walker = null;
    nextId = 1; // a fresh worker answers from 1 again
  }
}
