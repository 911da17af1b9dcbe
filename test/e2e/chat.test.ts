// Chat in Chromium against the web mode: two pages join one room and see each other's
// presence and messages; a message sent by the CLI (another process) reaches both pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatRoom } from '../../main/chat';
import { cli, E2E_WAIT, screenshot, skipReason, startE2E, type E2E } from './harness';
import { joinRoom, say, textsFrom } from './chat-steps';
import { sel } from './selectors';

const reason = skipReason();

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
    await joinRoom(ann, room, 'ann');
    await joinRoom(bob, room, 'bob');

    // Presence: each sees the other.
    await ann.locator(sel.chatParticipant('bob')).waitFor({ timeout: E2E_WAIT });
    await bob.locator(sel.chatParticipant('ann')).waitFor({ timeout: E2E_WAIT });

    await say(ann, 'hello from ann');
    await expect.poll(() => textsFrom(bob, 'ann'), { timeout: E2E_WAIT }).toEqual([expect.stringContaining('hello from ann')]);
    await say(bob, 'hi ann, bob here');
    await expect.poll(() => textsFrom(ann, 'bob'), { timeout: E2E_WAIT }).toEqual([expect.stringContaining('hi ann, bob here')]);
    // Own messages are marked as such.
    expect(await ann.locator(sel.chatMessageFrom('ann')).getAttribute('class')).toMatch(/\bown\b/);
    expect(await bob.locator(sel.chatMessageFrom('ann')).getAttribute('class')).not.toMatch(/\bown\b/);

    await cli('chat', room, '--nick', 'term', '--send', 'hello from the terminal');
    for (const page of [ann, bob]) {
      await expect.poll(() => textsFrom(page, 'term'), { timeout: E2E_WAIT }).toEqual([expect.stringContaining('hello from the terminal')]);
    }
    await screenshot(ann, 'chat');

    // Closing a page leaves the room: the other sees bob go.
    await bob.context().close();
    await expect.poll(() => ann.locator(sel.chatParticipant('bob')).count(), { timeout: E2E_WAIT }).toBe(0);
    await ann.context().close();
  });
});
