// The History tab in Chromium against the web mode, over a real System V segment: another
// process (the CLI, `shmscope write`) writes a byte twice, and scrubbing the timeline back
// shows each earlier value in the grid; Live shows the latest again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseRef, removeSegment } from '../../main/segments';
import { uniqueSysvKey } from '../helpers/unique';
import { cli, E2E_WAIT, screenshot, skipReason, startE2E, type E2E } from './harness';
import { sel } from './selectors';

const reason = skipReason();

/** Moves the range input as a drag would (Playwright cannot fill a range). */
const slide = (page: Page, to: number): Promise<void> =>
  page.locator(sel.historySlider).evaluate((el, value) => {
    // This file compiles without the DOM types: the input's `value` is all it needs.
    (el as unknown as { value: string }).value = String(value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, to);

describe.skipIf(reason !== undefined)(`change history in the browser${reason ? ` (skipped: ${reason})` : ''}`, { timeout: 120_000 }, () => {
  let e2e: E2E;
  const cleanups: (() => unknown)[] = [];
  beforeAll(async () => { e2e = await startE2E(); });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) {
      try { await cleanup(); } catch { /* already gone */ }
    }
    await e2e?.close();
  });

  it('two writes by another process: scrubbing back shows the first value, then the one before; Live the latest', async () => {
    const key = `0x${uniqueSysvKey().toString(16)}`;
    const ref = (await cli('create', 'sysv', '--key', key, '--size', '4096', '--excl')).trim();
    cleanups.push(() => removeSegment(parseRef(ref)));

    const page = await e2e.openApp();
    await page.locator(sel.chatToggle).click(); // room for the grid and the tab side by side
    const row = page.locator(sel.row(ref));
    await row.waitFor({ timeout: E2E_WAIT });
    await row.click();
    await page.keyboard.press('Enter');
    await page.locator(sel.tabHistory).click();
    const cell = page.locator(sel.hexCell(20));
    await expect.poll(() => cell.textContent(), { timeout: E2E_WAIT }).toBe('00');

    await cli('write', ref, '--offset', '20', '--hex', 'aa');
    await expect.poll(() => cell.textContent(), { timeout: E2E_WAIT }).toBe('aa');
    await cli('write', ref, '--offset', '20', '--hex', 'bb');
    await expect.poll(() => cell.textContent(), { timeout: E2E_WAIT }).toBe('bb');
    await expect.poll(() => page.locator(sel.historyStats).textContent(), { timeout: E2E_WAIT }).toMatch(/^history: 2 changes, \d+ B of 8\.0 MiB$/);

    await slide(page, 1);
    await expect.poll(() => cell.textContent(), { timeout: E2E_WAIT }).toBe('aa');
    expect(await page.locator(sel.historyMoment).textContent()).toMatch(/^After change 1 at /);
    await screenshot(page, 'history-scrubbed');
    await slide(page, 0);
    await expect.poll(() => cell.textContent(), { timeout: E2E_WAIT }).toBe('00');

    await page.locator(sel.historyLive).click();
    await expect.poll(() => cell.textContent(), { timeout: E2E_WAIT }).toBe('bb');
    expect(await page.locator(sel.historyMoment).textContent()).toBe('Live');
  });
});
