// Resource bounds of the web mode, per server: beyond its connection limit a socket is closed
// at once with code 1013 and a reason the page can show, and watched ranges of all sockets
// together stay under one byte budget (ENOBUFS past it). Either way the server keeps serving
// the sockets it has, and a freed slot or budget is usable again.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_WATCHED_BYTES, startServer, type RunningServer } from '../../main/serve';
import { createSegment, parseRef, removeSegment } from '../../main/segments';
import { connectWebSocket, wsUrlFromPage, type SocketLike, type WsApi } from '../../renderer/lib/ws-client';
import { uniquePosixName } from '../helpers/unique';

let root: string;
let server: RunningServer;
let ref: string;
const open: WsApi[] = [];

const connect = async (): Promise<WsApi> => {
  const api = await connectWebSocket(wsUrlFromPage(server.url), (url) => new WebSocket(url) as unknown as SocketLike);
  open.push(api);
  return api;
};

/** A socket closed on the client's side may still count on the server's for a moment. */
const connectOnceFree = async (): Promise<WsApi> => {
  let connected: WsApi | undefined;
  await expect.poll(async () => {
    connected = await connect();
    return connected.api.info().then(() => 'served', (e: { code: string }) => e.code);
  }).toBe('served');
  return connected!;
};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'shmscope-weblimits-'));
  mkdirSync(join(root, 'renderer'), { recursive: true });
  writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html><title>shmscope</title>');
  server = await startServer({
    rendererDir: join(root, 'renderer'),
    maxConnections: 2,
    maxWatchedBytes: 8192,
    service: { intervalMs: 60_000, chat: async () => { throw new Error('no chat here'); } },
  });
  const name = uniquePosixName('limits');
  ref = createSegment({ kind: 'posix', name, size: 4096, mode: 0o600, exclusive: true }).ref;
});
afterEach(async () => {
  for (const c of open.splice(0)) {
    c.close();
    await c.closed;
  }
});
afterAll(async () => {
  await server?.close();
  if (ref) removeSegment(parseRef(ref));
  rmSync(root, { recursive: true, force: true });
});

describe('web mode resource bounds', () => {
  it('has sensible defaults', () => {
    expect(DEFAULT_MAX_CONNECTIONS).toBe(16);
    expect(DEFAULT_MAX_WATCHED_BYTES).toBe(64 * 1024 * 1024);
  });

  it('closes a socket beyond the connection limit with a clear reason, and keeps serving the others', async () => {
    const [a, b] = [await connect(), await connect()];
    const extra = await connect();
    expect(await extra.closed).toMatch(/^too many connections: this server allows 2 at once/);
    await expect(extra.api.info()).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect((await a.api.info()).transport).toBe('web');
    expect((await b.api.info()).transport).toBe('web');
    // A freed slot can be taken again.
    b.close();
    await b.closed;
    const again = await connectOnceFree();
    expect((await again.api.info()).transport).toBe('web');
  });

  it('refuses watches past the budget of all sockets together with ENOBUFS, and frees it on unwatch and on close', async () => {
    const [a, b] = [await connect(), await connect()];
    const first = await a.api.watchRange(ref, 0, 4096);
    await a.api.watchRange(ref, 0, 4096);
    // b has no watch of its own: the limit is the server's, not per socket.
    await expect(b.api.watchRange(ref, 0, 1)).rejects.toMatchObject({
      code: 'ENOBUFS',
      message: expect.stringMatching(/watchRange: refused: .* this server's limit of 8192 bytes watched by all windows together \(8192 bytes in use\)/),
    });
    // Still served: reads go on, only the watch was refused.
    expect((await b.api.readRange(ref, 0, 16)).data).toHaveLength(16);
    await a.api.unwatch(first.watchId);
    await b.api.watchRange(ref, 0, 4096);
    await expect(b.api.watchRange(ref, 0, 1)).rejects.toMatchObject({ code: 'ENOBUFS' });
    // Closing a socket gives back what it watched.
    a.close();
    await a.closed;
    const c = await connectOnceFree();
    await expect.poll(() => c.api.watchRange(ref, 0, 4096).then(() => 'ok', (e: { code: string }) => e.code)).toBe('ok');
  });
});
