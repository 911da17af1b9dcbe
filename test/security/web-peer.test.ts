// The web mode serves only its own local user: a process of another user (nobody, via
// setpriv) that has the full URL, token and all, is refused over HTTP (IPv4 and an IPv6
// socket to ::ffff:127.0.0.1) and over the WebSocket, with a reason naming the user and
// the way to allow it; with allowUids it is served. The table lookup itself is checked
// against the kernel's view of real sockets.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../main/serve';
import { peerUid } from '../../main/serve/peer';
import { wsUrlFromPage } from '../../renderer/lib/ws-client';
import { NOBODY } from '../helpers/cli';
import { canRunAsNobody, webClientAsNobody } from '../helpers/nobody-client';

let root: string;
const servers: RunningServer[] = [];

async function serve(allowUids?: number[]): Promise<RunningServer> {
  const server = await startServer({
    rendererDir: join(root, 'renderer'),
    ...(allowUids ? { allowUids } : {}),
    service: { intervalMs: 60_000, chat: async () => { throw new Error('no chat here'); } },
  });
  servers.push(server);
  return server;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'shmscope-webpeer-'));
  mkdirSync(join(root, 'renderer'), { recursive: true });
  writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html><title>shmscope</title>');
});
afterAll(async () => {
  for (const s of servers) await s.close();
  rmSync(root, { recursive: true, force: true });
});

describe('peerUid reads the kernel socket table', () => {
  it('finds the uid of a live client socket over IPv4 and IPv6-mapped, and none once it is closed', async () => {
    const sockets: Socket[] = [];
    const server: Server = createServer((s) => { sockets.push(s); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      for (const host of ['127.0.0.1', '::ffff:127.0.0.1']) {
        const client = connect({ host, port });
        await new Promise<void>((resolve, reject) => { client.once('connect', resolve); client.once('error', reject); });
        const local = { address: '127.0.0.1', port };
        const peer = { address: '127.0.0.1', port: client.localPort! };
        expect(peerUid(local, peer), host).toBe(process.geteuid!());
        // Closed, its row lingers (FIN_WAIT, TIME_WAIT) with no socket behind it: unknown, not root.
        client.destroy();
        await expect.poll(() => peerUid(local, peer), { timeout: 10_000 }).toBeUndefined();
      }
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });
});

describe.skipIf(!canRunAsNobody)('web mode refuses other local users', { timeout: 60_000 }, () => {
  it('refuses a process of user nobody that has the full URL, over HTTP and WebSocket', async () => {
    const server = await serve();
    const mine = await fetch(server.url);
    expect(mine.status).toBe(200);

    const got = await webClientAsNobody(server.url, wsUrlFromPage(server.url));
    expect(got.uid).toBe(NOBODY);
    for (const answer of [got.http, got.http6]) {
      expect(answer).toMatchObject({ status: 403 });
      const body = 'body' in answer ? answer.body : '';
      expect(body).toMatch(/user nobody \(uid 65534\) are refused/);
      expect(body).toMatch(/--allow-user nobody/);
      expect(body).not.toContain('<title>');
    }
    expect(got.ws.opened).toBe(false);
  });

  it('serves user nobody when allowed, over IPv4, IPv6-mapped and WebSocket', async () => {
    const server = await serve([NOBODY]);
    const got = await webClientAsNobody(server.url, wsUrlFromPage(server.url));
    expect(got.http).toMatchObject({ status: 200 });
    expect(got.http6).toMatchObject({ status: 200 });
    expect(got.ws).toMatchObject({ opened: true, reply: { id: 1, ok: true, result: { transport: 'web' } } });
  });
});
