// The local web mode (`shmscope serve`, and `npm start` without Electron): the built
// renderer over HTTP and the contract over a WebSocket, on 127.0.0.1 only, behind a random
// per-run token in the path and a check of the peer's local user. Endpoints: GET /t/TOKEN/
// (and the renderer's assets below it), WS /t/TOKEN/ws — see common/contract.ts.
import { createReadStream } from 'node:fs';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { createService, type ServiceOptions } from '../service';
import { defaultChat } from '../service/chat-backend';
import { MAX_RANGE } from '../../common/contract';
import { judgePeer, type PeerVerdict } from './access';
import { securityHeaders } from '../assets/csp';
import { check, tokenPath } from './guard';
import { contentType, defaultRendererDir, NOT_BUILT_PAGE, resolveStatic } from '../assets/static';
import { serveSocket } from './socket';
import { newToken, TOKEN_PATTERN } from './token-file';

/** Open sockets (browser tabs, scripts) at once. */
export const DEFAULT_MAX_CONNECTIONS = 16;
/** Bytes watched by all sockets together: 64 ranges of the largest size. */
export const DEFAULT_MAX_WATCHED_BYTES = 64 * MAX_RANGE;

export interface ServeOptions {
  /** 0 or absent: any free port. */
  port?: number;
  /** Only loopback: the token and the peer's local user are all the authentication there is. */
  host?: '127.0.0.1';
  /** Defaults to out/renderer of this package. */
  rendererDir?: string;
  /** Passed to the service (tests shorten the interval, swap chat). */
  service?: Partial<Omit<ServiceOptions, 'transport' | 'readOnly' | 'maxWatchedBytes'>>;
  /** Local users (uids) served besides the server's own user, which always is. */
  allowUids?: readonly number[];
  /** Refuse every write, create, remove and chat join (EROFS). */
  readOnly?: boolean;
  /** Default DEFAULT_MAX_CONNECTIONS; a socket beyond it is closed at once with code 1013 and why. */
  maxConnections?: number;
  /** Default DEFAULT_MAX_WATCHED_BYTES; a watch beyond it fails with ENOBUFS. */
  maxWatchedBytes?: number;
  /** The URL's token (default: a new random one); with the same port, a restarted server keeps its URL. */
  token?: string;
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
  const token = options.token ?? newToken();
  if (!TOKEN_PATTERN.test(token)) throw new Error('the token must be 32 to 128 characters of A-Z a-z 0-9 _ -');
  const chat = options.service?.chat ?? await defaultChat();
  const service = createService({
    transport: 'web', ...options.service, ...(chat ? { chat } : {}),
    readOnly: options.readOnly ?? false,
    maxWatchedBytes: options.maxWatchedBytes ?? DEFAULT_MAX_WATCHED_BYTES,
  });
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const allowedUids = new Set([process.geteuid?.() ?? -1, ...(options.allowUids ?? [])]);
  let port = 0;

  // Judged once, as the connection is accepted, while the peer's socket surely still exists
  // (this listener runs before any of the connection's bytes are parsed).
  const peers = new WeakMap<Socket, PeerVerdict>();
  const peerOf = (socket: Socket): PeerVerdict => peers.get(socket) ?? { ok: false, reason: 'connection not checked' };

  const server = createServer((request, response) => {
    handleHttp(request, response, { port, token, rendererDir, peer: peerOf(request.socket) });
  });
  server.on('connection', (socket: Socket) => { peers.set(socket, judgePeer(socket, allowedUids)); });

  // Each frame carries at most one range (base64 grows it by 4/3) plus a little JSON.
  const wss = new WebSocketServer({ noServer: true, maxPayload: Math.ceil(MAX_RANGE * 1.4) + 4096 });
  let sessions = 0;
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, text: string): void => {
      const body = `${status} ${STATUS_CODES[status]}: ${text}\n`;
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    const peer = peerOf(request.socket);
    if (!peer.ok) return refuse(403, peer.reason);
    const verdict = check(request, { port, token });
    if (!verdict.ok) return refuse(verdict.status, verdict.reason);
    if (verdict.path !== '/ws') return refuse(404, 'not found');
    wss.handleUpgrade(request, socket, head, (ws) => {
      if (sessions >= maxConnections) {
        // Accepted only to say why in the close frame, which a browser can read (an HTTP
        // refusal of the upgrade reaches a page as a bare failure). Max 123 bytes.
        ws.close(1013, `too many connections: this server allows ${maxConnections} at once; close another tab`);
        return;
      }
      sessions++;
      ws.once('close', () => { sessions--; });
      serveSocket(ws, service);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => { server.off('error', reject); resolve(); });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${port}${tokenPath(token)}`,
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

interface HttpConfig { port: number; token: string; rendererDir: string; peer: PeerVerdict }

function handleHttp(request: IncomingMessage, response: ServerResponse, config: HttpConfig): void {
  const connect = [`ws://127.0.0.1:${config.port}`, `ws://localhost:${config.port}`];
  const headers = securityHeaders(connect);
  const refuse = (status: number, text: string): void => {
    response.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(`${status} ${STATUS_CODES[status]}: ${text}\n`);
  };
  // Another local user first: it learns nothing about Host, Origin or token checks.
  if (!config.peer.ok) return refuse(403, config.peer.reason);
  const verdict = check(request, config);
  if (!verdict.ok) return refuse(verdict.status, verdict.reason);
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'only GET and HEAD');
  if (verdict.path === '') {
    // /t/TOKEN without its slash: the page's relative asset URLs need the slash.
    response.writeHead(308, { ...headers, Location: tokenPath(config.token) });
    response.end();
    return;
  }
  // The raw path, not URL's normalized one: a request that tries "..", however spelled, is
  // refused outright rather than silently resolved to some other file.
  const resolved = resolveStatic(config.rendererDir, verdict.path);
  if (!resolved.ok) {
    if (verdict.path === '/' && resolved.status === 404) {
      response.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
      response.end(NOT_BUILT_PAGE);
      return;
    }
    return refuse(resolved.status, resolved.reason);
  }
  response.writeHead(200, { ...headers, 'Content-Type': contentType(resolved.file) });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(resolved.file).on('error', () => response.destroy()).pipe(response);
}
