// The web mode's own defences, seen from Chromium: after the UI was used, another server on
// another port of the same host (another local user's, say) receives the token in no request
// of the same browser — browsers send cookies to every port, so there must be none; a
// read-only server shows itself so, with its write controls off and EROFS for a chat join;
// a page beyond the connection limit says why it was cut off while the others go on.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer, type ServeOptions } from '../../main/serve';
import { parseRef, removeSegment } from '../../main/segments';
import { uniquePosixName } from '../helpers/unique';
import { cli, E2E_WAIT, skipReason, startE2E, type E2E } from './harness';
import { sel, tid } from './selectors';

const reason = skipReason();

describe.skipIf(reason !== undefined)(`web mode defences in the browser${reason ? ` (skipped: ${reason})` : ''}`, { timeout: 120_000 }, () => {
  let e2e: E2E;
  const cleanups: (() => unknown)[] = [];
  beforeAll(async () => { e2e = await startE2E(); });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) {
      try { await cleanup(); } catch { /* already gone */ }
    }
    await e2e?.close();
  });

  async function otherServer(options: ServeOptions): Promise<RunningServer> {
    const server = await startServer({ ...options, service: { intervalMs: 250 } });
    cleanups.push(() => server.close());
    return server;
  }

  async function posixSegment(): Promise<string> {
    const name = uniquePosixName('e2eweb').slice(1);
    const ref = (await cli('create', 'posix', name, '--size', '256', '--excl')).trim();
    cleanups.push(() => removeSegment(parseRef(ref)));
    return ref;
  }

  it('sends the token to no other server on the same host after the UI was used', async () => {
    const requests: string[] = [];
    const spy: Server = createServer((request: IncomingMessage, response) => {
      requests.push(`${request.method} ${request.url} ${JSON.stringify(request.headers)}`);
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end('<!doctype html><title>another local server</title><img src="/pixel.png">');
    });
    await new Promise<void>((resolve) => spy.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => spy.close(() => resolve())));
    const spyPort = (spy.address() as AddressInfo).port;

    // Use the app: the page, its assets, the socket, a watched range in the hex view.
    const ref = await posixSegment();
    const page = await e2e.openApp();
    await page.locator(sel.row(ref)).dblclick();
    await page.locator(sel.hexCell(0)).waitFor({ timeout: E2E_WAIT });

    // Then the same browser visits another port of the same host.
    await page.goto(`http://127.0.0.1:${spyPort}/`);
    await page.goto(`http://localhost:${spyPort}/again`);
    await expect.poll(() => requests.some((r) => r.startsWith('GET /pixel.png')), { timeout: E2E_WAIT }).toBe(true);
    for (const request of requests) expect(request).not.toContain(e2e.server.token);
    expect((await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ')).not.toContain(e2e.server.token);
    await page.context().close();
  });

  it('shows a read-only server as such: write controls off, EROFS for a chat join', async () => {
    const readOnly = await otherServer({ readOnly: true });
    const ref = await posixSegment();
    const page = await e2e.openApp(readOnly.url);
    await page.locator(tid('read-only')).waitFor({ timeout: E2E_WAIT });
    expect(await page.locator(sel.createButton).isDisabled()).toBe(true);
    await page.locator(sel.row(ref)).click();
    expect(await page.locator(sel.removeButton).isDisabled()).toBe(true);
    await page.locator(sel.row(ref)).dblclick();
    await page.locator(sel.hexWritable).waitFor({ timeout: E2E_WAIT });
    expect(await page.locator(sel.hexWritable).isDisabled()).toBe(true);

    await page.locator(sel.chatRoomInput).fill('t-readonly');
    await page.locator(sel.chatNickInput).fill('me');
    await page.locator(sel.chatJoin).click();
    await expect.poll(() => page.locator(sel.dialogErrorCode).textContent(), { timeout: E2E_WAIT }).toBe('EROFS');
    expect(await page.locator(sel.dialogError).textContent()).toMatch(/serves read-only/);
    await page.context().close();
  });

  it('tells a page beyond the connection limit why it was cut off, and keeps serving the first', async () => {
    const small = await otherServer({ maxConnections: 1 });
    const first = await e2e.openApp(small.url);
    const second = await e2e.openApp(small.url);
    await expect.poll(() => second.locator(tid('disconnected')).textContent(), { timeout: E2E_WAIT })
      .toMatch(/too many connections: this server allows 1 at once/);
    // The first page still works: a new segment shows up in it.
    const ref = await posixSegment();
    await first.locator(sel.row(ref)).waitFor({ timeout: E2E_WAIT });
    expect(await first.locator(tid('disconnected')).count()).toBe(0);
    await first.context().close();
    await second.context().close();
  });
});
