// What a person does in the chat panel, as the e2e tests and the smoke scenario do it.
import type { Page } from 'playwright-core';
import { E2E_WAIT } from './harness';
import { sel } from './selectors';

/** Types a room and a nick, presses Join, and waits for the room's tab. */
export async function joinRoom(page: Page, room: string, nick: string): Promise<void> {
  await page.locator(sel.chatRoomInput).fill(room);
  await page.locator(sel.chatNickInput).fill(nick);
  await page.locator(sel.chatJoin).click();
  await page.locator(sel.chatRoom(room)).waitFor({ timeout: E2E_WAIT });
}

/** Types a message and presses Send. */
export async function say(page: Page, text: string): Promise<void> {
  await page.locator(sel.chatInput).fill(text);
  await page.locator(sel.chatSend).click();
}

/** The texts of the messages from `nick` on the page. */
export function textsFrom(page: Page, nick: string): Promise<string[]> {
  return page.locator(sel.chatMessageFrom(nick)).allTextContents();
}
