// The smoke scenario: what a person does first with two windows of the app. Two windows join a
// room and talk both ways, one opens the hex view of a segment another process wrote, both are
// screenshot; any renderer console error (CSP violations are reported as such) or page error
// fails it. `npm run smoke:electron` runs it in the real Electron app (test/electron/smoke.test.ts);
// test/e2e/smoke.test.ts runs the same steps in Chromium against the web mode, so the scenario
// itself is proven here, where no Electron binary can be had.
import { join as joinPath } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { ChatRoom } from '../../main/chat';
import { parseRef, removeSegment } from '../../main/segments';
import { cli, E2E_WAIT, SCREENSHOTS } from '../e2e/harness';
import { joinRoom, say, textsFrom } from '../e2e/chat-steps';
import { sel } from '../e2e/selectors';
import { uniquePosixName } from '../helpers/unique';

/** Collects what would make a user distrust the window: console errors and uncaught exceptions. */
export function watchForErrors(page: Page, label: string, errors: string[]): void {
  page.on('console', (message) => { if (message.type() === 'error') errors.push(`${label} console: ${message.text()}`); });
  page.on('pageerror', (error) => { errors.push(`${label} page error: ${error.message}`); });
}

/** Runs the scenario in two loaded windows; screenshots go to test-results/screenshots/<prefix>-*.png. */
export async function runSmoke(first: Page, second: Page, prefix: string): Promise<void> {
  const room = `t-smoke-${process.pid}-${Date.now().toString(36)}`;
  const name = uniquePosixName('smoke');
  const ref = `posix:${name.slice(1)}`;
  try {
    await joinRoom(first, room, 'ann');
    await joinRoom(second, room, 'bob');
    await say(first, 'hello from window one');
    await expect.poll(() => textsFrom(second, 'ann'), { timeout: E2E_WAIT }).toEqual([expect.stringContaining('hello from window one')]);
    await say(second, 'and back from window two');
    await expect.poll(() => textsFrom(first, 'bob'), { timeout: E2E_WAIT }).toEqual([expect.stringContaining('and back from window two')]);

    await cli('create', 'posix', name.slice(1), '--size', '4096', '--excl');
    await cli('write', ref, '--offset', '0', '--text', 'smoke');
    const row = first.locator(sel.row(ref));
    await row.waitFor({ timeout: E2E_WAIT });
    await row.dblclick();
    await first.locator(sel.hexView).waitFor({ timeout: E2E_WAIT });
    await expect.poll(() => first.locator(sel.asciiCell(0)).textContent(), { timeout: E2E_WAIT }).toBe('s');

    await first.screenshot({ path: joinPath(SCREENSHOTS, `${prefix}-window-one.png`) });
    await second.screenshot({ path: joinPath(SCREENSHOTS, `${prefix}-window-two.png`) });
  } finally {
    try { removeSegment(parseRef(ref)); } catch { /* not created */ }
    try { ChatRoom.remove(room); } catch { /* already gone */ }
  }
}
