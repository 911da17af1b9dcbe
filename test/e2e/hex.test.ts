// The hex view in Chromium against the web mode: how long a byte another process stores takes
// to show highlighted on screen (reported, not asserted), Enter from the table putting the
// keyboard in the grid, 16 or 32 bytes a row to fit the width, go to and search (in main), and
// messages that never move the grid.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseRef, removeSegment } from '../../main/segments';
import { onScreenLatencies } from '../../bench/hex/on-screen';
import { nowMs, percentile, spawnTimedWriter } from '../../bench/hex/writer';
import { VIEW_POLL_MS } from '../../common/contract';
import { uniquePosixName } from '../helpers/unique';
import { cli, E2E_WAIT, screenshot, skipReason, startE2E, type E2E } from './harness';
import { sel } from './selectors';

const reason = skipReason();

describe.skipIf(reason !== undefined)(`hex view in the browser${reason ? ` (skipped: ${reason})` : ''}`, { timeout: 180_000 }, () => {
  let e2e: E2E;
  const cleanups: (() => unknown)[] = [];
  beforeAll(async () => { e2e = await startE2E(); });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) {
      try { await cleanup(); } catch { /* already gone */ }
    }
    await e2e?.close();
  });

  async function segment(tag: string, size: number): Promise<{ ref: string; path: string }> {
    const name = uniquePosixName(tag).slice(1);
    const ref = `posix:${name}`;
    await cli('create', 'posix', name, '--size', String(size), '--excl');
    cleanups.push(() => removeSegment(parseRef(ref)));
    return { ref, path: `/dev/shm/${name}` };
  }

  async function openHex(page: Page, ref: string): Promise<void> {
    const row = page.locator(sel.row(ref));
    await row.waitFor({ timeout: E2E_WAIT });
    await row.click();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator(sel.hexCell(0)).textContent(), { timeout: E2E_WAIT }).toBe('00');
  }

  it('a byte another process stores shows highlighted within a frame or two (prints p50/p90)', async () => {
    const { ref, path } = await segment('lat', 4096);
    const page = await e2e.openApp();
    await openHex(page, ref);
    const writer = await spawnTimedWriter(path);
    cleanups.push(() => writer.stop());
    const samples = await onScreenLatencies(page, writer, { offset: 40, samples: 40, jitterMs: VIEW_POLL_MS });
    await writer.stop();
    expect(samples).toHaveLength(40);
    const p50 = percentile(samples, 50);
    const p90 = percentile(samples, 90);
    process.stdout.write(`[hex e2e] write by another process → highlighted cell on screen: p50 ${p50.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms (${samples.length} samples, measured ${new Date(nowMs()).toISOString()})\n`);
    await page.context().close();
  });

  it('Enter on a table row puts the keyboard in the grid: ↓ moves the cursor, not the selected segment', async () => {
    const { ref } = await segment('enter', 4096);
    const page = await e2e.openApp();
    await openHex(page, ref);
    expect(await page.locator(sel.hexView).evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    const perRow = Number(await page.locator(sel.hexView).getAttribute('data-bytes-per-row'));
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.locator(sel.hexCursor).getAttribute('data-offset')).toBe(String(perRow));
    expect(await page.locator(sel.row(ref)).getAttribute('aria-selected')).toBe('true');
    await page.context().close();
  });

  it('shows 32 bytes a row when the window is wide, 16 when it is not, without a horizontal scrollbar', async () => {
    const { ref } = await segment('width', 4096);
    const page = await e2e.openApp();
    await page.setViewportSize({ width: 2400, height: 900 });
    await openHex(page, ref);
    const grid = page.locator(sel.hexView);
    await expect.poll(() => grid.getAttribute('data-bytes-per-row'), { timeout: E2E_WAIT }).toBe('32');
    expect(await page.locator('[data-testid="hex-row"][data-row="0"] [data-testid="hex-cell"]').count()).toBe(32);
    await screenshot(page, 'hex-32-per-row');
    for (const width of [1400, 1000]) {
      await page.setViewportSize({ width, height: 900 });
      await expect.poll(() => grid.getAttribute('data-bytes-per-row'), { timeout: E2E_WAIT }).toBe('16');
      expect(await grid.evaluate((el) => el.scrollWidth <= el.clientWidth), `at ${width} px`).toBe(true);
    }
    await screenshot(page, 'hex-narrow');
    await page.context().close();
  });

  it('go to puts the row at the top and clears "Found at"; search runs in main; messages never move the grid', async () => {
    const { ref } = await segment('goto', 1024 * 1024);
    await cli('write', ref, '--offset', String(1024 * 1024 - 64), '--text', 'far away needle');
    const page = await e2e.openApp();
    await openHex(page, ref);
    const grid = page.locator(sel.hexView);
    const box = async (): Promise<string> => JSON.stringify(await grid.boundingBox());
    const before = await box();
    const perRow = Number(await grid.getAttribute('data-bytes-per-row'));

    await page.locator(sel.hexSearchInput).fill('needle');
    await page.locator(sel.hexSearchInput).press('Enter');
    await expect.poll(() => page.locator(sel.hexSearchStatus).textContent(), { timeout: E2E_WAIT }).toBe(`Found at 0x${(1024 * 1024 - 64 + 9).toString(16)} (${1024 * 1024 - 64 + 9}).`);
    expect(await box()).toBe(before);

    await page.locator(sel.hexGotoInput).fill('0x800');
    await page.locator(sel.hexGotoInput).press('Enter');
    await expect.poll(() => grid.getAttribute('data-first-row')).toBe(String(0x800 / perRow));
    expect(await page.locator(sel.hexSearchStatus).count()).toBe(0);
    expect(await box()).toBe(before);

    await page.locator(sel.hexGotoInput).fill('not an offset');
    await page.locator(sel.hexGotoInput).press('Enter');
    expect(await box()).toBe(before);

    await grid.focus();
    await page.keyboard.type('f');
    await page.locator(sel.hexHint).waitFor({ timeout: E2E_WAIT });
    expect(await box()).toBe(before);
    await page.locator(sel.hexWritable).check();
    expect(await box()).toBe(before);
    await screenshot(page, 'hex-messages');
    await page.context().close();
  });
});
