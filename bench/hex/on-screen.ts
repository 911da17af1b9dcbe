// Write → highlighted cell on screen, in a page showing the hex view (Chromium via playwright):
// a probe armed in the page before each write resolves at the first animation frame after the
// cell shows the new byte with its "changed" highlight. Used by bench:hex and test/e2e/hex.test.ts.
import type { Page } from 'playwright-core';
import type { TimedWriter } from './writer';

/** The little of the page's DOM the probe uses (this file is type-checked without DOM types). */
interface ProbeGlobals {
  document: { querySelector(selector: string): { textContent: string | null; classList: { contains(name: string): boolean } } | null };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void; disconnect(): void };
  requestAnimationFrame(callback: () => void): void;
  __shmscopeSeen?: Promise<number>;
}

/** Milliseconds from each store to the frame that shows it; writes at random phases of the poll. */
export async function onScreenLatencies(page: Page, writer: TimedWriter, options: { offset: number; samples: number; jitterMs: number }): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < options.samples; i++) {
    const hex = ((i % 254) + 1).toString(16).padStart(2, '0');
    await page.evaluate(([at, want]) => {
      const g = globalThis as unknown as ProbeGlobals;
      const { document } = g;
      g.__shmscopeSeen = new Promise<number>((resolve) => {
        const grid = document.querySelector('[data-testid="hex-view"]');
        if (!grid) throw new Error('no hex view on the page');
        const check = (): void => {
          const cell = document.querySelector(`[data-testid="hex-cell"][data-offset="${at}"]`);
          if (cell?.textContent !== want || !cell.classList.contains('changed')) return;
          observer.disconnect();
          g.requestAnimationFrame(() => resolve(performance.timeOrigin + performance.now()));
        };
        const observer = new g.MutationObserver(check);
        observer.observe(grid, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class'] });
      });
    }, [options.offset, hex] as const);
    await new Promise((r) => setTimeout(r, Math.random() * options.jitterMs));
    const wrote = await writer.write(options.offset, Number.parseInt(hex, 16));
    out.push(await page.evaluate(() => (globalThis as unknown as ProbeGlobals).__shmscopeSeen!) - wrote);
  }
  return out;
}
