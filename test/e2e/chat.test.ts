// Chat in Chromium against the web mode: two pages join one room and see each other's
// presence and messages; a message sent by the CLI (another process) reaches both pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ChatRoom } from '../../main/chat';
import { cli, E2E_WAIT, screenshot, skipReason, startE2E, type E2E } from './harness';
import { sel } from './selectors';

const reason = skipReason();

async function join(page: Page, room: string, nick: string): Promise<void> {
  await page.locator(sel.chatRoomInput).fill(room);
  await page.locator(sel.chatNickInput).fill(nick);
  await page.locator(sel.chatJoin).click();
  await page.locator(sel.chatRoom(room)).waitFor({ timeout: E2E_WAIT });
}

async function say(page: Page, text: string): Promise<void> {
  await page.locator(sel.chatInput).fill(text);
  await page.locator(sel.chatSend).click();
}

const texts = (page: Page, nick: string) => page.locator(sel.chatMessageFrom(nick)).allTextContents();

describe.skipIf(reason !== undefined)(`chat in the browser${reason ? ` (skipped: ${reason})` : ''}`, { timeout: 120_000 }, () => {
  let e2e: E2E;
  const room = `e2e-${process.pid}-${Date.now().toString(36)}`;
  beforeAll(async () => { e2e = await startE2E(); });
  afterAll(async () => {
    await e2e?.close();
    try { ChatRoom.remove(room); } catch { /* already gone */ }
  });

  it('two pages meet in a room; the CLI reaches both', async () => {
    const ann = await e2e.openApp();
    const bob = await e2e.openApp();
    await join(ann, room, 'ann');
    await join(bob, room, 'bob');

    // Presence: each sees the other.
    await ann.locator(sel.chatParticipant('bob')).waitFor({ timeout: E2E_WAIT });
    await bob.locator(sel.chatParticipant('ann')).waitFor({ timeout: E2E_WAIT });

    await say(ann, 'hello from ann');
    await expect.poll(() => texts(bob, 'ann'), { timeout: E2E_WAIT }).toEqual([expect.stringContaining('hello from ann')]);
    await say(bob, 'hi ann, bob here');
    await expect.poll(() => texts(ann, 'bob'), { timeout: E2E_WAIT }).toEqual([expect.stringContaining('hi ann, bob here')]);
    // Own messages are marked as such.
    expect(await ann.locator(sel.chatMessageFrom('ann')).getAttribute('class')).toMatch(/\bown\b/);
    expect(await bob.locator(sel.chatMessageFrom('ann')).getAttribute('class')).not.toMatch(/\bown\b/);

    await cli('chat', room, '--nick', 'term', '--send', 'hello from the terminal');
    for (const page of [ann, bob]) {
      await expect.poll(() => texts(page, 'term'), { timeout: E2E_WAIT }).toEqual([expect.stringContaining('hello from the terminal')]);
    }
    await screenshot(ann, 'chat');

    // Closing a page leaves the room: the other sees bob go.
    await bob.context().close();
    await expect.poll(() => ann.locator(sel.chatParticipant('bob')).count(), { timeout: E2E_WAIT }).toBe(0);
    await ann.context().close();
  });
});
