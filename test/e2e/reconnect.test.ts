// After the web server restarts, an open page reconnects by itself: while the server is down it
// says so and its write controls are off; once a server with the same port and token (serve
// --port N --token-file F) is back, it lists segments again, follows live changes, and its chat
// room is joined again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatRoom } from '../../main/chat';
import { startServer, type RunningServer } from '../../main/serve';
import { parseRef, removeSegment } from '../../main/segments';
import { uniquePosixName } from '../helpers/unique';
import { cli, E2E_WAIT, skipReason, startE2E, type E2E } from './harness';
import { sel } from './selectors';

const reason = skipReason();

describe.skipIf(reason !== undefined)(`reconnect in the browser${reason ? ` (skipped: ${reason})` : ''}`, { timeout: 120_000 }, () => {
  let e2e: E2E;
  const cleanups: (() => unknown)[] = [];
  const room = `t-reconnect-${process.pid}-${Date.now().toString(36)}`;
  beforeAll(async () => { e2e = await startE2E(); });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) {
      try { await cleanup(); } catch { /* already gone */ }
    }
    await e2e?.close();
    try { ChatRoom.remove(room); } catch { /* already gone */ }
  });

  async function server(options: { port?: number; token?: string } = {}): Promise<RunningServer> {
    const s = await startServer({ ...options, service: { intervalMs: 250 } });
    cleanups.push(() => s.close());
    return s;
  }

  it('says it is reconnecting, turns writes off, and comes back by itself after a restart', async () => {
    const first = await server();
    const page = await e2e.openApp(first.url);
    await page.locator(sel.chatRoomInput).fill(room);
    await page.locator(sel.chatNickInput).fill('ann');
    await page.locator(sel.chatJoin).click();
    await page.locator(sel.chatRoom(room)).waitFor({ timeout: E2E_WAIT });

    await first.close();
    await expect.poll(() => page.locator(sel.disconnected).textContent(), { timeout: E2E_WAIT }).toMatch(/Reconnecting/);
    expect(await page.locator(sel.createButton).isDisabled()).toBe(true);
    expect(await page.locator(sel.chatSend).isDisabled()).toBe(true);

    await server({ port: first.port, token: first.token });
    await expect.poll(() => page.locator(sel.disconnected).count(), { timeout: E2E_WAIT }).toBe(0);
    expect(await page.locator(sel.status).textContent()).toMatch(/Reconnected/);
    expect(await page.locator(sel.createButton).isDisabled()).toBe(false);

    // The new connection is live: a segment made elsewhere shows up.
    const name = uniquePosixName('reconnect').slice(1);
    const ref = (await cli('create', 'posix', name, '--size', '64', '--excl')).trim();
    cleanups.push(() => removeSegment(parseRef(ref)));
    await page.locator(sel.row(ref)).waitFor({ timeout: E2E_WAIT });

    // The room was joined again on the new server: a message sent now comes back through it.
    await expect.poll(() => page.locator('[data-testid="chat-notice"]').allTextContents(), { timeout: E2E_WAIT })
      .toContainEqual(expect.stringContaining(`reconnected to ${room}`));
    await page.locator(sel.chatInput).fill('after the restart');
    await page.locator(sel.chatSend).click();
    await expect.poll(() => page.locator(sel.chatMessageFrom('ann')).allTextContents(), { timeout: E2E_WAIT })
      .toContainEqual(expect.stringContaining('after the restart'));
    await page.context().close();
  });
});
