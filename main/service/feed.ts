// One scanner loop shared by every client: scans about once a second while anyone is
// connected and broadcasts the list only when it differs from the last one sent, so idle
// windows cost one scan per second in total, not one per window.
import type { ScanResult } from '../../common/contract';

export class SegmentFeed {
  readonly #scan: () => ScanResult;
  readonly #interval: number;
  readonly #listeners = new Set<(result: ScanResult) => void>();
  #timer: NodeJS.Timeout | undefined;
  #last = '';
  #lastResult: ScanResult | undefined;
  #soon: NodeJS.Immediate | undefined;

  constructor(scan: () => ScanResult, intervalMs: number) {
    this.#scan = scan;
    this.#interval = intervalMs;
  }

  subscribe(listener: (result: ScanResult) => void): () => void {
    this.#listeners.add(listener);
    // A listener that joins after the list was sent gets it at once, not at the next change.
    const known = this.#lastResult;
    if (known) setImmediate(() => { if (this.#listeners.has(listener) && this.#lastResult === known) listener(known); });
    this.#timer ??= setInterval(() => this.tick(), this.#interval);
    // The app's own timers must not keep a CLI `serve` or a test process alive by themselves.
    this.#timer.unref();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.stop();
    };
  }

  /** Scan now-ish (after a create or remove) instead of waiting for the next tick. */
  poke(): void {
    this.#soon ??= setImmediate(() => { this.#soon = undefined; this.tick(); });
  }

  tick(): void {
    if (this.#listeners.size === 0) return;
    let result: ScanResult;
    try {
      result = this.#scan();
    } catch {
      return; // A scan racing with exiting processes can fail; the next tick tries again.
    }
    const signature = JSON.stringify(result);
    if (signature === this.#last) return;
    this.#last = signature;
    this.#lastResult = result;
    for (const listener of [...this.#listeners]) listener(result);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#soon) clearImmediate(this.#soon);
    this.#soon = undefined;
    this.#last = '';
    this.#lastResult = undefined;
  }
}
