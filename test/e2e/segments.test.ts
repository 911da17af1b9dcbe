// The segments view in Chromium against the web mode, with other processes doing the work:
// a segment created and attached elsewhere appears with its attach count and attacher; a
// write from another process shows up highlighted in the open hex view; removing from the
// UI removes it from the system.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRef, removeSegment } from '../../main/segments';
import { spawnAttacher, type Holder as Attacher } from '../helpers/children';
import { uniquePosixName, uniqueSysvKey } from '../helpers/unique';
import { cli, E2E_WAIT, screenshot, skipReason, startE2E, type E2E } from './harness';
import { sel } from './selectors';

const reason = skipReason();

describe.skipIf(reason !== undefined)(`segments in the browser${reason ? ` (skipped: ${reason})` : ''}`, { timeout: 120_000 }, () => {
  let e2e: E2E;
  const cleanups: (() => unknown)[] = [];
  beforeAll(async () => { e2e = await startE2E(); });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) {
      try { await cleanup(); } catch { /* already gone */ }
    }
    await e2e?.close();
  });

  it('shows a SysV segment created and attached by other processes, with its attacher', async () => {
    const key = uniqueSysvKey();
    const ref = (await cli('create', 'sysv', '--key', `0x${key.toString(16)}`, '--size', '8192', '--mode', '0640', '--excl')).trim();
    expect(ref).toMatch(/^sysv:\d+$/);
    cleanups.push(() => removeSegment(parseRef(ref)));
    const attacher: Attacher = await spawnAttacher('sysv', Number(ref.slice(5)), 'rw');
    cleanups.push(() => attacher.stop());

    const page = await e2e.openApp();
    const row = page.locator(sel.row(ref));
    await row.waitFor({ timeout: E2E_WAIT });
    await expect.poll(() => row.getAttribute('data-nattch'), { timeout: E2E_WAIT }).toBe('1');
    await expect.poll(() => row.textContent()).toContain(`0x${key.toString(16).padStart(8, '0')}`);

    await row.click();
    await page.locator(sel.details).waitFor();
    await page.locator(sel.attacherRow(attacher.pid)).waitFor({ timeout: E2E_WAIT });
    expect(await page.locator(sel.attacherRow(attacher.pid)).textContent()).toContain('rw');
    await screenshot(page, 'segments-and-details');

    // The attach count follows the kernel's when the other process detaches.
    await attacher.stop();
    await expect.poll(() => row.getAttribute('data-nattch'), { timeout: E2E_WAIT }).toBe('0');
    await page.context().close();
  });

  it('shows and highlights bytes another process writes, then removes the segment from the system', async () => {
    const name = uniquePosixName('e2e');
    const ref = `posix:${name.slice(1)}`;
    expect((await cli('create', 'posix', name.slice(1), '--size', '4096', '--excl')).trim()).toBe(ref);
    cleanups.push(() => removeSegment(parseRef(ref)));

    const page = await e2e.openApp();
    const row = page.locator(sel.row(ref));
    await row.waitFor({ timeout: E2E_WAIT });
    await row.dblclick();
    await page.locator(sel.hexView).waitFor();
    const cell = page.locator(sel.hexCell(16));
    await expect.poll(() => cell.textContent(), { timeout: E2E_WAIT }).toBe('00');

    await cli('write', ref, '--offset', '16', '--hex', 'de ad be ef');
    await expect.poll(() => cell.textContent(), { timeout: E2E_WAIT }).toBe('de');
    expect(await page.locator(sel.hexCell(19)).textContent()).toBe('ef');
    expect(await cell.getAttribute('class')).toMatch(/\bchanged\b/);
    expect(await page.locator(sel.hexCell(15)).getAttribute('class')).not.toMatch(/\bchanged\b/);
    await cli('write', ref, '--offset', '32', '--text', 'hello, shared memory');
    await expect.poll(() => page.locator(sel.asciiCell(32)).textContent(), { timeout: E2E_WAIT }).toBe('h');
    await screenshot(page, 'hex-view');

    await row.click();
    await page.locator(sel.removeButton).click();
    await page.locator(sel.removeDialog).waitFor();
    await page.locator(sel.removeConfirm).click();
    await expect.poll(() => existsSync(`/dev/shm/${name.slice(1)}`), { timeout: E2E_WAIT }).toBe(false);
    await expect.poll(() => row.getAttribute('data-state'), { timeout: E2E_WAIT }).toBe('vanished');
    await page.context().close();
  });

  it('edits bytes behind the explicit Writable switch, and the write reaches the segment', async () => {
    const name = uniquePosixName('edit');
    const ref = `posix:${name.slice(1)}`;
    await cli('create', 'posix', name.slice(1), '--size', '256', '--excl');
    cleanups.push(() => removeSegment(parseRef(ref)));
    const page = await e2e.openApp();
    await page.locator(sel.row(ref)).dblclick();
    const cell = page.locator(sel.hexCell(4));
    await expect.poll(() => cell.textContent(), { timeout: E2E_WAIT }).toBe('00');
    await cell.click();
    // Read-only by default: typing does nothing.
    await page.keyboard.type('ff');
    await new Promise((r) => setTimeout(r, 500));
    expect(await cli('dump', ref, '--length', '16')).toMatch(/^00000000  00 00 00 00 00 00/);
    await page.locator(sel.hexWritable).check();
    await cell.click();
    await page.keyboard.type('c0ffee');
    await expect.poll(async () => (await cli('dump', ref, '--length', '16')).split('\n')[0], { timeout: E2E_WAIT })
      .toMatch(/^00000000  00 00 00 00 c0 ff ee 00/);
    await page.context().close();
  });
});
