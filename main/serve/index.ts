// The local web mode (`shmscope serve`, and `npm start` without Electron): the built
// renderer over HTTP and the contract over a WebSocket, on 127.0.0.1 only, behind a random
// per-run token. Endpoints: GET / (and the renderer's assets), WS /ws — see preload/api.ts.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { createService, type ServiceOptions } from '../service';
import { defaultChat } from '../service/chat-backend';
import { MAX_RANGE } from '../../preload/api';
import { securityHeaders } from './csp';
import { check, cookieName } from './guard';
import { contentType, defaultRendererDir, NOT_BUILT_PAGE, resolveStatic } from './static';
import { serveSocket } from './socket';

export interface ServeOptions {
  /** 0 or absent: any free port. */
  port?: number;
  /** Only loopback: the web mode has no other authentication than the token. */
  host?: '127.0.0.1';
  /** Defaults to out/renderer of this package. */
  rendererDir?: string;
  /** Passed to the service (tests shorten the interval, swap chat). */
  service?: Partial<Omit<ServiceOptions, 'transport'>>;
}

export interface RunningServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error('the web mode binds 127.0.0.1 only');
  const rendererDir = options.rendererDir ?? defaultRendererDir();
  const token = randomBytes(24).toString('base64url');
  const chat = options.service?.chat ?? await defaultChat();
  const service = createService({ transport: 'web', ...options.service, ...(chat ? { chat } : {}) });
  let port = 0;

  const server = createServer((request, response) => {
    handleHttp(request, response, { port, token, rendererDir });
  });
  // Each frame carries at most one range (base64 grows it by 4/3) plus a little JSON.
  const wss = new WebSocketServer({ noServer: true, maxPayload: Math.ceil(MAX_RANGE * 1.4) + 4096 });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const verdict = check(request, { port, token });
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (!verdict.ok || path !== '/ws') {
      socket.end(`HTTP/1.1 ${verdict.ok ? '404 Not Found' : '403 Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => serveSocket(ws, service));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => { server.off('error', reject); resolve(); });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${port}/?token=${token}`,
    token,
    port,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await service.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function handleHttp(request: IncomingMessage, response: ServerResponse, config: { port: number; token: string; rendererDir: string }): void {
  const connect = [`ws://127.0.0.1:${config.port}`, `ws://localhost:${config.port}`];
  const headers = securityHeaders(connect);
  const refuse = (status: number, text: string): void => {
    response.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(`${text}\n`);
  };
  const verdict = check(request, config);
  if (!verdict.ok) return refuse(403, `403 Forbidden: ${verdict.reason}`);
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, '405 Method Not Allowed');
  // The raw path, not URL's normalized one: a request that tries "..", however spelled, is
  // refused outright rather than silently resolved to some other file.
  const pathname = (request.url ?? '/').split('?')[0]!;
  const resolved = resolveStatic(config.rendererDir, pathname);
  if (!resolved.ok) {
    if (pathname === '/' && resolved.status === 404) {
      response.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
      response.end(NOT_BUILT_PAGE);
      return;
    }
    return refuse(resolved.status, `${resolved.status}: ${resolved.reason}`);
  }
  const extra: Record<string, string> = {};
  if (verdict.tokenInQuery) {
    // Lets the page's assets and socket in without repeating the token in every URL.
    extra['Set-Cookie'] = `${cookieName(config.port)}=${config.token}; HttpOnly; SameSite=Strict; Path=/`;
  }
  response.writeHead(200, { ...headers, ...extra, 'Content-Type': contentType(resolved.file) });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(resolved.file).on('error', () => response.destroy()).pipe(response);
}
