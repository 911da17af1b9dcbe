// The hex tab's Snapshot group in Chromium against the real service: take a snapshot, another
// process writes with `shmscope write`, Compare marks exactly the bytes it changed and counts them;
// Import writes a raw file's bytes into the segment only with Writable on; Export downloads the live bytes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseRef, removeSegment } from '../../main/segments';
import { uniquePosixName } from '../helpers/unique';
import { cli, E2E_WAIT, skipReason, startE2E, type E2E } from './harness';
import { sel } from './selectors';

const reason = skipReason();

describe.skipIf(reason !== undefined)(`snapshot tools in the browser${reason ? ` (skipped: ${reason})` : ''}`, { timeout: 180_000 }, () => {
  let e2e: E2E;
  const cleanups: (() => unknown)[] = [];
  beforeAll(async () => { e2e = await startE2E(); });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) {
      try { await cleanup(); } catch { /* already gone */ }
    }
    await e2e?.close();
  });

  async function segment(tag: string, size: number): Promise<string> {
    const name = uniquePosixName(tag).slice(1);
    const ref = `posix:${name}`;
    await cli('create', 'posix', name, '--size', String(size), '--excl');
    cleanups.push(() => removeSegment(parseRef(ref)));
    return ref;
  }

  async function openHex(page: Page, ref: string): Promise<void> {
    const row = page.locator(sel.row(ref));
    await row.waitFor({ timeout: E2E_WAIT });
    await row.click();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator(sel.hexCell(0)).textContent(), { timeout: E2E_WAIT }).toBe('00');
  }

  const marked = (page: Page): Promise<string[]> =>
    page.locator(sel.hexDiffers).evaluateAll((cells) => cells.map((c) => c.getAttribute('data-offset') ?? ''));

  it('snapshot, another process writes, Compare marks and counts the changed cells', async () => {
    const ref = await segment('snapcmp', 4096);
    const page = await e2e.openApp();
    try {
      await openHex(page, ref);
      await page.locator(sel.snapshotTake).click();
      await expect.poll(() => page.locator(sel.snapshotStatus).textContent(), { timeout: E2E_WAIT }).toMatch(/^Snapshot taken: 4096 bytes/);
      await cli('write', ref, '--offset', '16', '--text', 'hey');
      await expect.poll(() => page.locator(sel.hexCell(18)).textContent(), { timeout: E2E_WAIT }).toBe('79');
      await page.locator(sel.snapshotCompare).click();
      await expect.poll(() => page.locator(sel.snapshotStatus).textContent(), { timeout: E2E_WAIT }).toMatch(/^3 bytes differ from the snapshot/);
      expect(await marked(page)).toEqual(['16', '17', '18']);
    } finally {
      await page.context().close();
    }
  });

  it('Import writes a file only with Writable on', async () => {
    const ref = await segment('snapimp', 64);
    const page = await e2e.openApp();
    try {
      await openHex(page, ref);
      const file = { name: 'in.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(64, 0x5a) };
      await page.locator(sel.snapshotImport).setInputFiles(file);
      await expect.poll(() => page.locator(sel.snapshotStatus).textContent(), { timeout: E2E_WAIT }).toMatch(/switch on "Writable" to import/);
      expect(await page.locator(sel.hexCell(0)).textContent()).toBe('00');

      await page.locator(sel.hexWritable).check();
      await page.locator(sel.snapshotImport).setInputFiles(file);
      await expect.poll(() => page.locator(sel.snapshotStatus).textContent(), { timeout: E2E_WAIT }).toBe('Imported 64 bytes from in.bin.');
      await expect.poll(() => page.locator(sel.hexCell(63)).textContent(), { timeout: E2E_WAIT }).toBe('5a');
    } finally {
      await page.context().close();
    }
  });

  it('Export downloads the live bytes (the page CSP lets a Blob download through)', async () => {
    const ref = await segment('snapexp', 100);
    const page = await e2e.openApp();
    try {
      await openHex(page, ref);
      await cli('write', ref, '--offset', '97', '--text', 'end');
      await expect.poll(() => page.locator(sel.hexCell(99)).textContent(), { timeout: E2E_WAIT }).toBe('64');
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: E2E_WAIT }), page.locator(sel.snapshotExport).click()]);
      expect(download.suggestedFilename()).toBe(`${ref.replace(':', '-')}.bin`);
      const stream = await download.createReadStream();
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      const bytes = Buffer.concat(chunks);
      expect(bytes.length).toBe(100);
      expect(bytes.subarray(97).toString('latin1')).toBe('end');
      expect(bytes.subarray(0, 97).every((b) => b === 0)).toBe(true);
    } finally {
      await page.context().close();
    }
  });
});
