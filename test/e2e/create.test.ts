// Creating from the UI as a new user would: the Create dialog makes a real segment (it
// exists for the rest of the system), and the OS's refusal (EEXIST) is shown in the dialog.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRef, removeSegment } from '../../main/segments';
import { uniquePosixName, uniqueSysvKey } from '../helpers/unique';
import { cli, E2E_WAIT, screenshot, skipReason, startE2E, type E2E } from './harness';
import { sel } from './selectors';

const reason = skipReason();

describe.skipIf(reason !== undefined)(`create dialog in the browser${reason ? ` (skipped: ${reason})` : ''}`, { timeout: 120_000 }, () => {
  let e2e: E2E;
  const cleanups: (() => unknown)[] = [];
  beforeAll(async () => { e2e = await startE2E(); });
  afterAll(async () => {
    for (const cleanup of cleanups) {
      try { await cleanup(); } catch { /* already gone */ }
    }
    await e2e?.close();
  });

  it('creates a POSIX segment, then shows EEXIST for a second exclusive create', async () => {
    const name = uniquePosixName('ui').slice(1);
    const ref = `posix:${name}`;
    cleanups.push(() => removeSegment(parseRef(ref)));
    const page = await e2e.openApp();
    const create = async (): Promise<void> => {
      await page.locator(sel.createButton).click();
      await page.locator(sel.createDialog).waitFor();
      await page.locator(sel.createKindPosix).check();
      await page.locator(sel.createName).fill(name);
      await page.locator(sel.createSize).fill('64k');
      await page.locator(sel.createMode).fill('640');
      await page.locator(sel.createSubmit).click();
    };
    await create();
    await page.locator(sel.row(ref)).waitFor({ timeout: E2E_WAIT });
    expect(existsSync(`/dev/shm/${name}`)).toBe(true);
    expect(await cli('show', ref)).toMatch(/65536|64K/);

    await create();
    await page.locator(sel.dialogErrorCode).waitFor({ timeout: E2E_WAIT });
    expect(await page.locator(sel.dialogErrorCode).textContent()).toContain('EEXIST');
    await screenshot(page, 'create-error');
    await page.context().close();
  });

  it('creates a SysV segment by key', async () => {
    const key = uniqueSysvKey();
    const keyText = `0x${key.toString(16).padStart(8, '0')}`;
    cleanups.push(() => removeSegment(parseRef(`key:${keyText}`)));
    const page = await e2e.openApp();
    await page.locator(sel.createButton).click();
    await page.locator(sel.createKindSysv).check();
    await page.locator(sel.createByKey).check();
    await page.locator(sel.createKey).fill(keyText);
    await page.locator(sel.createSize).fill('4096');
    await page.locator(sel.createSubmit).click();
    await expect.poll(() => page.locator(sel.table).textContent(), { timeout: E2E_WAIT }).toContain(keyText);
    expect(await cli('show', `key:${keyText}`)).toContain(keyText);
    await page.context().close();
  });
});
