// Screenshots for the README (docs/screenshots/, copied from test-results/screenshots/): two
// windows side by side in one chat room, one showing a segment's details with its attachers,
// the other a live hex view; a long message wraps inside the message column.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatRoom } from '../../main/chat';
import { parseRef, removeSegment } from '../../main/segments';
import { spawnAttacher, type Holder } from '../helpers/children';
import { uniquePosixName, uniqueSysvKey } from '../helpers/unique';
import { cli, E2E_WAIT, SCREENSHOTS, screenshot, skipReason, startE2E, type E2E } from './harness';
import { joinRoom, say } from './chat-steps';
import { sel } from './selectors';

const reason = skipReason();

/** Sends and waits until the message is on the page (the screenshots need it there). */
async function sayAndSee(page: Page, text: string): Promise<void> {
  await say(page, text);
  await page.locator(`${sel.chatMessage}:has-text(${JSON.stringify(text.split('\n')[0])})`).first().waitFor({ timeout: E2E_WAIT });
}

describe.skipIf(reason !== undefined)(`looks${reason ? ` (skipped: ${reason})` : ''}`, { timeout: 180_000 }, () => {
  let e2e: E2E;
  const cleanups: (() => unknown)[] = [];
  const room = `t-looks-${process.pid}-${Date.now().toString(36)}`;
  beforeAll(async () => { e2e = await startE2E(); });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) {
      try { await cleanup(); } catch { /* already gone */ }
    }
    await e2e?.close();
    try { ChatRoom.remove(room); } catch { /* already gone */ }
  });

  it('two windows side by side in one room', async () => {
    const key = uniqueSysvKey();
    const sysv = (await cli('create', 'sysv', '--key', `0x${key.toString(16)}`, '--size', '65536', '--mode', '0640', '--excl')).trim();
    cleanups.push(() => removeSegment(parseRef(sysv)));
    const attachers: Holder[] = [await spawnAttacher('sysv', Number(sysv.slice(5)), 'rw'), await spawnAttacher('sysv', Number(sysv.slice(5)), 'ro')];
    for (const a of attachers) cleanups.push(() => a.stop());
    const name = uniquePosixName('looks').slice(1);
    const posix = (await cli('create', 'posix', name, '--size', '8192', '--mode', '0644', '--excl')).trim();
    cleanups.push(() => removeSegment(parseRef(posix)));
    await cli('write', posix, '--offset', '0', '--text', 'shmscope');
    await cli('write', posix, '--offset', '9', '--text', 'hello, shared memory! 0123456789 abcdefghijklmnopqrstuvwxyz');
    await cli('write', posix, '--offset', '64', '--hex', 'de ad be ef 00 01 02 03 ca fe ba be 7f 45 4c 46');

    const size = { width: 1100, height: 760 };
    const ann = await e2e.openApp();
    const bob = await e2e.openApp();
    for (const page of [ann, bob]) await page.setViewportSize(size);
    await joinRoom(ann, room, 'ann');
    await joinRoom(bob, room, 'bob');
    await ann.locator(sel.chatParticipant('bob')).waitFor({ timeout: E2E_WAIT });
    await sayAndSee(ann, 'bob, can you see the counter segment? two processes have it attached');
    await sayAndSee(bob, 'yes: one rw, one ro');
    await sayAndSee(bob, 'and I am watching the POSIX one in hex');
    await cli('chat', room, '--nick', 'term', '--send', 'hello from the terminal: a long line that wraps inside the message column, under its own first word and never under the time column');
    await sayAndSee(ann, 'multi-line works too:\n  first\n  second');
    await expect.poll(() => bob.locator(sel.chatMessageFrom('term')).count(), { timeout: E2E_WAIT }).toBe(1);

    await ann.locator(sel.row(sysv)).click();
    await ann.locator(sel.attacherRow(attachers[0]!.pid)).waitFor({ timeout: E2E_WAIT });
    // bob gives the hex view more room: the chat splitter, by keyboard, to its narrowest.
    await bob.locator(sel.splitterChat).focus();
    await bob.keyboard.press('Home');
    await bob.locator(sel.row(posix)).dblclick();
    await expect.poll(() => bob.locator(sel.asciiCell(0)).textContent(), { timeout: E2E_WAIT }).toBe('s');
    await ann.mouse.move(0, 0);
    await bob.mouse.move(0, 0);

    await screenshot(ann, 'window-ann');
    await screenshot(bob, 'window-bob');
    // One image of both: a blank page (no CSP of ours) shows the two screenshots side by side.
    const both = await e2e.browser.newPage({ viewport: { width: size.width * 2 + 8, height: size.height } });
    const data = (file: string): string => `data:image/png;base64,${readFileSync(join(SCREENSHOTS, file)).toString('base64')}`;
    await both.setContent(`<body style="margin:0;display:flex;gap:8px;background:#888"><img src="${data('window-ann.png')}"><img src="${data('window-bob.png')}"></body>`);
    await both.waitForFunction('[...document.images].every((i) => i.complete && i.naturalWidth > 0)');
    await screenshot(both, 'two-windows-one-room');
    await both.close();
    await ann.context().close();
    await bob.context().close();
  });
});
