// The web mode's gate beyond what test/unit/serve.test.ts covers: the listening socket is
// 127.0.0.1 only (another interface of this machine, and IPv6 loopback, get no answer), and
// the token, Host and Origin checks hold for near-miss spellings (a token prefix, a token
// with a suffix, the token in a query, cookie or header instead of the path, Host without
// port or with a look-alike name, Origin "null" or https), for HTTP/1.0 requests without
// Host, and on every response (CSP on refusals too; never a cookie).
import { connect, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../main/serve';
import { expectStrictCsp } from '../helpers/csp';

let server: RunningServer;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'shmscope-websec-'));
  mkdirSync(join(root, 'renderer'), { recursive: true });
  writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html><title>shmscope</title>');
  server = await startServer({ rendererDir: join(root, 'renderer'), service: { intervalMs: 60_000, chat: async () => { throw new Error('no chat here'); } } });
});
afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

/** Sends a raw request and returns the status line and headers (the server closes or answers). */
function raw(request: string, host = '127.0.0.1'): Promise<{ status: number; head: string }> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(server.port, host);
    let data = '';
    socket.on('data', (d: Buffer) => { data += d.toString('latin1'); });
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(data)?.[1] ?? 0), head: data.split('\r\n\r\n')[0] ?? '' }));
    socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
    // Not end(): a half-closed client may be dropped before a streamed answer; Connection: close ends it.
    socket.write(request);
  });
}
const get = (path: string, headers: Record<string, string>): Promise<{ status: number; head: string }> =>
  raw(`GET ${path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}Connection: close\r\n\r\n`);

/** Does a TCP connection to host:port succeed? (Refused or unreachable: false.) */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

const otherAddresses = Object.values(networkInterfaces()).flat()
  .filter((a): a is NonNullable<typeof a> => a !== undefined && !a.internal)
  .map((a) => (a.family === 'IPv6' && a.address.startsWith('fe80') ? `${a.address}%${Object.entries(networkInterfaces()).find(([, l]) => l?.includes(a))?.[0]}` : a.address));

describe('web mode listens on loopback only', () => {
  it('is reachable on 127.0.0.1', async () => {
    expect(await reachable('127.0.0.1', server.port)).toBe(true);
  });

  it('is not reachable on IPv6 loopback (::1) nor on other 127/8 addresses', async () => {
    expect(await reachable('::1', server.port)).toBe(false);
    expect(await reachable('127.0.0.2', server.port)).toBe(false);
  });

  it.skipIf(otherAddresses.length === 0)(`is not reachable on this machine's other interfaces (${otherAddresses.join(', ') || 'none: skipped'})`, async () => {
    for (const address of otherAddresses) expect(await reachable(address, server.port), address).toBe(false);
  });

  it('refuses to start on any other address', async () => {
    await expect(startServer({ host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow(/127\.0\.0\.1 only/);
  });
});

describe('web mode request gate: near misses', () => {
  const host = (): string => `127.0.0.1:${server.port}`;
  const tokenUrl = (t: string): string => `/t/${encodeURIComponent(t)}/`;

  it('refuses tokens that are almost right, or carried anywhere but the path', async () => {
    const t = server.token;
    for (const wrong of ['', t.slice(0, -1), `${t}x`, t.toUpperCase() === t ? t.toLowerCase() : t.toUpperCase(), ` ${t}`, `${t}\0`, `${t}/..`]) {
      expect((await get(tokenUrl(wrong), { Host: host() })).status, JSON.stringify(wrong)).toBe(404);
    }
    expect((await get(`/T/${t}/`, { Host: host() })).status).toBe(404);
    expect((await get(`//t/${t}/`, { Host: host() })).status).toBe(404);
    expect((await get(`/x/../t/${t}/`, { Host: host() })).status).toBe(404);
    expect((await get(`/?token=${t}`, { Host: host() })).status).toBe(404);
    expect((await get('/', { Host: host(), Cookie: `shmscope_${server.port}=${t}` })).status).toBe(404);
    expect((await get('/', { Host: host(), Authorization: `Bearer ${t}` })).status).toBe(404);
    const ok = await get(tokenUrl(t), { Host: host() });
    expect(ok.status).toBe(200);
    expect(ok.head).not.toMatch(/set-cookie/i);
  });

  it('refuses Host spellings that are not exactly this server', async () => {
    const p = server.port;
    for (const h of ['127.0.0.1', 'localhost', `127.0.0.1:${p}.evil.example`, `evil.example:${p}`, `[::1]:${p}`, `0.0.0.0:${p}`, `127.0.0.2:${p}`, `localhost.:${p}`, `2130706433:${p}`]) {
      expect((await get(tokenUrl(server.token), { Host: h })).status, h).toBe(403);
    }
    // HTTP/1.0 without any Host header.
    expect((await raw(`GET ${tokenUrl(server.token)} HTTP/1.0\r\n\r\n`)).status).toBe(403);
  });

  it('refuses Origins that are not this server', async () => {
    const p = server.port;
    for (const o of ['null', `https://127.0.0.1:${p}`, `http://127.0.0.1:${p}.evil.example`, 'http://127.0.0.1', `http://127.0.0.1:${p + 1}`, `file://`, `app://shmscope`, `http://evil.example:${p}`]) {
      expect((await get(tokenUrl(server.token), { Host: `127.0.0.1:${p}`, Origin: o })).status, o).toBe(403);
    }
  });

  it('puts the strict CSP on refusals too, and never sets a cookie', async () => {
    const refused = await get('/', { Host: `127.0.0.1:${server.port}` });
    expect(refused.status).toBe(404);
    const csp = /^content-security-policy: (.*)$/im.exec(refused.head)?.[1] ?? null;
    expectStrictCsp(csp, [`ws://127.0.0.1:${server.port}`, `ws://localhost:${server.port}`]);
    expect(refused.head).not.toMatch(/set-cookie/i);
  });

  it('refuses WebSocket upgrades from a foreign Origin, with near-miss tokens, and with the token as a cookie', async () => {
    const open = (url: string, headers: Record<string, string>): Promise<number | 'open'> => new Promise((resolve) => {
      const ws = new WebSocket(url, { headers });
      ws.on('open', () => { ws.close(); resolve('open'); });
      ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(0));
    });
    const base = `ws://127.0.0.1:${server.port}/t/${server.token}/ws`;
    expect(await open(base, { Origin: 'http://evil.example' })).toBe(403);
    expect(await open(`ws://127.0.0.1:${server.port}/t/${server.token.slice(1)}/ws`, {})).toBe(404);
    expect(await open(`ws://127.0.0.1:${server.port}/ws`, { Cookie: `shmscope_${server.port}=${server.token}` })).toBe(404);
    expect(await open(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, {})).toBe(404);
    expect(await open(base, { Origin: `http://127.0.0.1:${server.port}` })).toBe('open');
  });
});
