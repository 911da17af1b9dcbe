// `shmscope serve` options that decide who may do what: run as root it warns that the URL
// grants root; --read-only refuses writes over the socket; --allow-user NAME (and, under
// sudo, SUDO_UID) lets another local user's processes in, which are refused otherwise.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectWebSocket, wsUrlFromPage, type SocketLike } from '../../renderer/lib/ws-client';
import { shmscope } from '../helpers/cli';
import { uniquePosixName } from '../helpers/unique';
import { canRunAsNobody, webClientAsNobody } from '../helpers/nobody-client';
import { startServeCli, type ServeChild } from '../helpers/serve-cli';

const asRoot = process.geteuid?.() === 0;
let running: ServeChild | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function apiOf(child: ServeChild): Promise<Awaited<ReturnType<typeof connectWebSocket>>> {
  return connectWebSocket(wsUrlFromPage(child.url.href), (url) => new WebSocket(url) as unknown as SocketLike);
}

describe('shmscope serve: who may do what', { timeout: 60_000 }, () => {
  it.skipIf(!asRoot)('warns, as root, that anyone with the URL acts as root', async () => {
    const child = running = await startServeCli();
    // stderr and stdout are separate pipes: the warning may be read after the URL.
    await expect.poll(() => child.stderr).toMatch(/^shmscope: warning: running as root: anyone with this URL acts as root.*--read-only/m);
  });

  it('--read-only: info says so and every write, create, remove and chat join is refused with EROFS', async () => {
    const child = running = await startServeCli(['--read-only']);
    if (asRoot) await expect.poll(() => child.stderr).toMatch(/anyone with this URL acts as root \(reading every segment; writes are refused\)/);
    const { api, close } = await apiOf(running);
    // Never created: each call is refused before it touches anything.
    const name = uniquePosixName('ro').slice(1);
    try {
      expect(await api.info()).toMatchObject({ readOnly: true, transport: 'web' });
      await expect(api.writeRange(`posix:${name}`, 0, new Uint8Array([1]))).rejects.toMatchObject({ code: 'EROFS', message: expect.stringMatching(/writeRange: refused: this shmscope serves read-only/) });
      await expect(api.createSegment({ kind: 'posix', name, size: 16, mode: 0o600, exclusive: true })).rejects.toMatchObject({ code: 'EROFS' });
      await expect(api.removeSegment(`posix:${name}`)).rejects.toMatchObject({ code: 'EROFS' });
      await expect(api.chatJoin('t-ro', 'me')).rejects.toMatchObject({ code: 'EROFS' });
      expect((await api.listSegments()).segments).toBeInstanceOf(Array);
    } finally {
      close();
    }
  });

  it.skipIf(!canRunAsNobody)('--allow-user nobody lets that user in', async () => {
    running = await startServeCli(['--allow-user', 'nobody']);
    expect(running.stdout).toMatch(/only processes of root, nobody on this machine can connect/);
    const got = await webClientAsNobody(running.url.href, wsUrlFromPage(running.url.href));
    expect(got.http).toMatchObject({ status: 200 });
    expect(got.ws.opened).toBe(true);
  });

  it.skipIf(!canRunAsNobody)('under sudo the invoking user (SUDO_UID) is let in; without it, refused', async () => {
    running = await startServeCli([], { ...process.env, SUDO_UID: '65534' });
    expect((await webClientAsNobody(running.url.href, wsUrlFromPage(running.url.href))).http).toMatchObject({ status: 200 });
    await running.stop();
    running = await startServeCli([], { ...process.env, SUDO_UID: undefined });
    expect((await webClientAsNobody(running.url.href, wsUrlFromPage(running.url.href))).http).toMatchObject({ status: 403 });
  });

  it('refuses an unknown --allow-user and bad limits as usage errors', () => {
    const unknown = shmscope(['serve', '--allow-user', 'no-such-user-shmscope']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/--allow-user: no such user "no-such-user-shmscope"/);
    const connections = shmscope(['serve', '--max-connections', '0']);
    expect(connections.status).toBe(2);
    expect(connections.stderr).toMatch(/--max-connections/);
    expect(shmscope(['serve', '--max-watched', 'lots']).status).toBe(2);
  });
});
