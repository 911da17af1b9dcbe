// The Layout pane in Chromium against the web mode, over a real System V segment: paste the
// lecture's bounded-buffer struct, watch `in` and `out` change as another process (the CLI,
// `shmscope write`) stores them, and click a member to see its bytes selected in the hex view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openSegment, parseRef, removeSegment } from '../../main/segments';
import { uniqueSysvKey } from '../helpers/unique';
import { cli, E2E_WAIT, screenshot, skipReason, startE2E, type E2E } from './harness';
import { sel } from './selectors';

const reason = skipReason();
const BOUNDED = 'struct shared {\n  int in;\n  int out;\n  int buffer[10];\n};\n';

/** A little-endian int as `shmscope write --hex` takes it. */
const int32 = (value: number): string => {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32LE(value);
  return bytes.toString('hex');
};

describe.skipIf(reason !== undefined)(`layout pane in the browser${reason ? ` (skipped: ${reason})` : ''}`, { timeout: 120_000 }, () => {
  let e2e: E2E;
  const cleanups: (() => unknown)[] = [];
  beforeAll(async () => { e2e = await startE2E(); });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) {
      try { await cleanup(); } catch { /* already gone */ }
    }
    await e2e?.close();
  });

  const shown = (page: Page, path: string): Promise<string> =>
    page.locator(sel.layoutMember(path)).evaluate((el) =>
      `${el.querySelector('[data-testid="layout-value"]')?.textContent ?? ''}${el.classList.contains('changed') ? ' changed' : ''}`);

  it('pasted bounded-buffer struct: in/out change live as another process writes them; a click selects the member\'s bytes; an edit is written', async () => {
    const key = `0x${uniqueSysvKey().toString(16)}`;
    const ref = (await cli('create', 'sysv', '--key', key, '--size', '4096', '--excl')).trim();
    cleanups.push(() => removeSegment(parseRef(ref)));
    expect(ref).toMatch(/^sysv:\d+$/);
    await cli('write', ref, '--offset', '0', '--hex', int32(0) + int32(0) + int32(42));

    const page = await e2e.openApp();
    await page.locator(sel.chatToggle).click(); // room for the grid and the pane side by side
    const row = page.locator(sel.row(ref));
    await row.waitFor({ timeout: E2E_WAIT });
    await row.click();
    await page.keyboard.press('Enter');
    await page.locator(sel.tabLayout).click();
    await page.locator(sel.layoutSource).fill(BOUNDED);
    expect(await page.locator(sel.layoutType).inputValue()).toBe('struct shared');
    await expect.poll(() => shown(page, 'buffer[0]'), { timeout: E2E_WAIT }).toBe('42');
    expect(await shown(page, 'in')).toBe('0');

    // The producer puts an item in; the consumer takes one out.
    await cli('write', ref, '--offset', '0', '--hex', int32(1));
    await expect.poll(() => shown(page, 'in'), { timeout: E2E_WAIT }).toBe('1 changed');
    expect(await shown(page, 'out')).toBe('0');
    await cli('write', ref, '--offset', '4', '--hex', int32(1));
    await expect.poll(() => shown(page, 'out'), { timeout: E2E_WAIT }).toBe('1 changed');
    await cli('write', ref, '--offset', '0', '--hex', int32(7) + int32(-3));
    await expect.poll(async () => `${await shown(page, 'in')} / ${await shown(page, 'out')}`, { timeout: E2E_WAIT }).toBe('7 changed / -3 changed');

    await page.locator(sel.layoutMember('out')).click();
    const selected = (): Promise<string[]> => page.locator(sel.hexSelected).evaluateAll((cells) => cells.map((c) => c.getAttribute('data-offset') ?? ''));
    await expect.poll(selected, { timeout: E2E_WAIT }).toEqual(['4', '5', '6', '7']);
    expect(await page.locator(sel.hexCell(4)).textContent()).toBe('fd');
    // And back: the hex cursor's byte marks its member.
    await page.locator(sel.hexCell(13)).click();
    await expect.poll(() => page.locator(`${sel.layoutMember('buffer[1]')}.cursor`).count()).toBe(1);

    // With Writable on, a value typed into the tree lands in the segment as an int.
    await page.locator(sel.hexWritable).check();
    await page.locator(sel.layoutValue('buffer[2]')).dblclick();
    await page.locator(sel.layoutEdit).fill('-99');
    await page.locator(sel.layoutEdit).press('Enter');
    await expect.poll(() => shown(page, 'buffer[2]'), { timeout: E2E_WAIT }).toMatch(/^-99/);
    const segment = openSegment(parseRef(ref));
    try {
      expect(segment.read(16, 4).readInt32LE(0)).toBe(-99);
    } finally {
      segment.close();
    }
    await page.locator(sel.hexWritable).uncheck();

    await page.locator(sel.layoutMember('out')).click();
    // test-results/screenshots/layout-pane.png; the README's copy in docs/screenshots/ is refreshed by hand.
    await screenshot(page, 'layout-pane');
    await page.context().close();
  });
});
