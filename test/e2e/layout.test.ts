// The window as a keyboard user and a mouse user meet it in Chromium: Delete and Backspace in
// the filter edit the filter (only a focused row's Delete asks to remove), the splitters resize
// panes by keys and by dragging, the chat panel collapses, a status message never moves the
// panes, and `?` lists every key, the hex view's included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseRef, removeSegment } from '../../main/segments';
import { uniquePosixName } from '../helpers/unique';
import { cli, E2E_WAIT, screenshot, skipReason, startE2E, type E2E } from './harness';
import { sel } from './selectors';

const reason = skipReason();

const box = async (page: Page, selector: string): Promise<{ x: number; y: number; width: number; height: number }> => {
  const b = await page.locator(selector).boundingBox();
  if (b === null) throw new Error(`${selector} is not visible`);
  return b;
};

describe.skipIf(reason !== undefined)(`layout and keys in the browser${reason ? ` (skipped: ${reason})` : ''}`, { timeout: 120_000 }, () => {
  let e2e: E2E;
  const cleanups: (() => unknown)[] = [];
  beforeAll(async () => { e2e = await startE2E(); });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) {
      try { await cleanup(); } catch { /* already gone */ }
    }
    await e2e?.close();
  });

  async function posixSegment(): Promise<string> {
    const name = uniquePosixName('layout').slice(1);
    const ref = (await cli('create', 'posix', name, '--size', '4096', '--mode', '0640', '--excl')).trim();
    cleanups.push(() => removeSegment(parseRef(ref)));
    return ref;
  }

  it('Delete and Backspace typed in the filter edit it and never open Remove; Delete on a row does', async () => {
    const ref = await posixSegment();
    const page = await e2e.openApp();
    await page.locator(sel.row(ref)).click(); // a selected, removable row
    const filter = page.locator(sel.filter);
    await filter.click();
    await page.keyboard.type('xyz');
    await page.keyboard.press('Home');
    await page.keyboard.press('Delete');
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    expect(await filter.inputValue()).toBe('y');
    expect(await page.locator(sel.removeDialog).count()).toBe(0);

    await filter.fill('');
    await page.locator(sel.row(ref)).click();
    await page.keyboard.press('Delete');
    await page.locator(sel.removeDialog).waitFor({ timeout: E2E_WAIT });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator(sel.removeDialog).count()).toBe(0);
    // The segment is still there: Escape cancelled.
    expect(await page.locator(sel.row(ref)).getAttribute('data-state')).not.toBe('vanished');
    await page.context().close();
  });

  it('resizes the table by keys on its splitter and the chat by dragging; the chat collapses', async () => {
    await posixSegment();
    const page = await e2e.openApp();
    const tableBefore = await box(page, sel.tablePane);
    await page.locator(sel.splitterTable).focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(async () => (await box(page, sel.tablePane)).height).toBe(tableBefore.height + 48);
    await page.keyboard.press('Shift+ArrowUp');
    await expect.poll(async () => (await box(page, sel.tablePane)).height).toBe(tableBefore.height + 48 - 64);
    // The table's scroll area fills the pane it is given.
    const scroll = await box(page, `${sel.tablePane} .scroll`);
    const pane = await box(page, sel.tablePane);
    expect(Math.round(scroll.y + scroll.height)).toBe(Math.round(pane.y + pane.height));

    const chatBefore = await box(page, sel.chatPane);
    const bar = await box(page, sel.splitterChat);
    await page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height / 2);
    await page.mouse.down();
    await page.mouse.move(bar.x + bar.width / 2 - 60, bar.y + bar.height / 2, { steps: 4 });
    await page.mouse.move(bar.x + bar.width / 2 - 120, bar.y + bar.height / 2, { steps: 4 });
    await page.mouse.up();
    await expect.poll(async () => Math.round((await box(page, sel.chatPane)).width)).toBe(Math.round(chatBefore.width + 120));

    const tableWidth = (await box(page, sel.tablePane)).width;
    await page.locator(sel.chatToggle).click();
    await expect.poll(() => page.locator(sel.chatPane).isVisible()).toBe(false);
    expect((await box(page, sel.tablePane)).width).toBeGreaterThan(tableWidth + 120);
    await page.keyboard.press('Control+b'); // and back, by key
    await page.locator(sel.chatPane).waitFor({ state: 'visible', timeout: E2E_WAIT });
    await page.context().close();
  });

  it('a status message does not move the panes; ? lists the keys, the hex view\'s too', async () => {
    const page = await e2e.openApp();
    const before = await box(page, sel.tablePane);
    const name = uniquePosixName('status').slice(1);
    cleanups.push(() => removeSegment(parseRef(`posix:${name}`)));
    await page.locator(sel.createButton).click();
    await page.locator(sel.createName).fill(name);
    await page.locator(sel.createSubmit).click();
    await expect.poll(() => page.locator(sel.status).textContent(), { timeout: E2E_WAIT }).toContain(`Created posix:${name}`);
    expect(await box(page, sel.tablePane)).toEqual(before);

    await page.locator(sel.row(`posix:${name}`)).focus();
    await page.keyboard.press('?');
    await page.locator(sel.helpOverlay).waitFor({ timeout: E2E_WAIT });
    const help = await page.locator(sel.helpOverlay).textContent();
    for (const text of ['Hex view', 'Ctrl+Home', 'Writable', 'Delete', 'splitter', 'F6']) expect(help).toContain(text);
    await screenshot(page, 'help');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator(sel.helpOverlay).count()).toBe(0);
    await page.context().close();
  });
});
