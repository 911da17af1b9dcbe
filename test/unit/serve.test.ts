// The web mode over real HTTP and WebSocket on 127.0.0.1: the token (in the path, never a
// cookie), Host and Origin are enforced for pages and upgrades alike, traversal is refused,
// and the contract answers over the socket through the same client the renderer uses.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../main/serve';
import { createSegment, parseRef, removeSegment } from '../../main/segments';
import { methodNames, type ScanResult } from '../../common/contract';
import { connectWebSocket, wsUrlFromPage, type SocketLike } from '../../renderer/lib/ws-client';

let server: RunningServer;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'shmscope-serve-'));
  mkdirSync(join(root, 'renderer', 'assets'), { recursive: true });
  writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html><title>shmscope</title>');
  writeFileSync(join(root, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'do not serve');
  symlinkSync(join(root, 'secret.txt'), join(root, 'renderer', 'assets', 'link.txt'));
  server = await startServer({ rendererDir: join(root, 'renderer'), service: { intervalMs: 100 } });
});

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

interface Got { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** Raw request, so paths like /../x reach the server unnormalized. */
function get(path: string, headers: Record<string, string> = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'GET', headers: { Host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const withToken = (path: string): string => `/t/${server.token}${path}`;

describe('web mode HTTP', () => {
  it('prints a loopback URL carrying the token in its path', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/t/${server.token}/`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the renderer and its assets under the token path, with CSP, and sets no cookie', async () => {
    const page = await get(withToken('/'));
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>shmscope</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['set-cookie']).toBeUndefined();
    const asset = await get(withToken('/assets/app.js'));
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    // Without the slash, relative asset URLs would miss the token: redirected to it.
    const bare = await get(withToken(''));
    expect(bare.status).toBe(308);
    expect(bare.headers.location).toBe(withToken('/'));
  });

  it('answers a missing or wrong token with the same 404 as any unknown path', async () => {
    const answers = await Promise.all(['/', '/?token=nope', `/?token=${server.token}`, '/t/nope/', '/t/nope/assets/app.js', '/assets/app.js', '/t/', `/t/${server.token.slice(1)}/`]
      .map((path) => get(path)));
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.body).toBe(answers[0]!.body);
    }
    expect(answers[0]!.body).not.toContain(server.token);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin', async () => {
    expect((await get(withToken('/'), { Host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get(withToken('/'), { Host: '127.0.0.1:1' })).status).toBe(403);
    expect((await get(withToken('/'), { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(withToken('/'), { Host: `localhost:${server.port}`, Origin: `http://localhost:${server.port}` })).status).toBe(200);
  });

  it('refuses path traversal in every spelling', async () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets%2f..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%00']) {
      const got = await get(withToken(path));
      expect(got.status, path).toBe(403);
      expect(got.body).not.toContain('do not serve');
    }
    expect((await get(withToken('/nothing.js'))).status).toBe(404);
    // A symlink inside the folder that points out of it is refused too.
    const link = await get(withToken('/assets/link.txt'));
    expect(link.status).toBe(403);
    expect(link.body).not.toContain('do not serve');
  });
});

function rawSocket(url: string, headers: Record<string, string> = {}): Promise<{ opened: boolean; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => { ws.close(); resolve({ opened: true }); });
    ws.on('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode }));
    ws.on('error', () => resolve({ opened: false }));
  });
}

describe('web mode WebSocket', () => {
  const wsUrl = (): string => wsUrlFromPage(server.url);

  it('refuses upgrades without the token, or from a foreign Origin or Host', async () => {
    const base = `ws://127.0.0.1:${server.port}/ws`;
    expect(await rawSocket(base)).toEqual({ opened: false, status: 404 });
    expect(await rawSocket(`${base}?token=${server.token}`)).toEqual({ opened: false, status: 404 });
    expect(await rawSocket(`ws://127.0.0.1:${server.port}/t/wrong/ws`)).toEqual({ opened: false, status: 404 });
    expect(wsUrl()).toBe(`ws://127.0.0.1:${server.port}/t/${server.token}/ws`);
    expect(await rawSocket(wsUrl(), { Origin: 'http://evil.example' })).toEqual({ opened: false, status: 403 });
    expect(await rawSocket(wsUrl(), { Host: 'evil.example' })).toEqual({ opened: false, status: 403 });
    expect(await rawSocket(wsUrl(), { Origin: `http://127.0.0.1:${server.port}` })).toEqual({ opened: true });
  });

  it('serves every method of the contract through the shared client', async () => {
    const { api, close } = await connectWebSocket(wsUrl(), (url) => new WebSocket(url) as unknown as SocketLike);
    try {
      const info = await api.info();
      expect(info.transport).toBe('web');
      const list = await api.listSegments();
      expect(Array.isArray(list.segments)).toBe(true);
      // Every method is routed: called with no arguments it fails validation (EINVAL) or
      // runs, but never reports ENOSYS "no such method".
      for (const name of methodNames) {
        const call = api[name] as () => Promise<unknown>;
        const outcome = await call().then(() => 'ok', (e: { code?: string; message: string }) => `${e.code}: ${e.message}`);
        expect(outcome, name).not.toMatch(/no such method/);
      }
      await expect(api.readRange('posix:../x', 0, 1)).rejects.toMatchObject({ code: 'EINVAL' });
    } finally {
      close();
    }
  });

  it('pushes segmentsChanged events to the client', async () => {
    const { api, close } = await connectWebSocket(wsUrl(), (url) => new WebSocket(url) as unknown as SocketLike);
    // The first list may have arrived before this listener: a new segment makes the next one.
    const changed = new Promise<ScanResult>((resolve) => { api.onSegmentsChanged(resolve); });
    const { ref } = createSegment({ kind: 'sysv', identity: { by: 'private' }, size: 4096, mode: 0o600, exclusive: true });
    try {
      const list = await changed;
      expect(list).toHaveProperty('segments');
    } finally {
      removeSegment(parseRef(ref));
      close();
    }
  });

  it('rejects a connect with a wrong token with a clear error', async () => {
    const failure = connectWebSocket(`ws://127.0.0.1:${server.port}/t/bad/ws`, (url) => new WebSocket(url) as unknown as SocketLike);
    await expect(failure).rejects.toThrow(/cannot connect|refused/);
    await expect(failure).rejects.not.toThrow(/bad/);
  });
});
