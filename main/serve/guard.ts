// Who may talk to the web mode: only pages from this very server (Host and Origin are
// 127.0.0.1:PORT or localhost:PORT, which defeats DNS rebinding and cross-site pages) that
// know this run's random token. The token is the first path segment (/t/TOKEN/…) and never
// a cookie: browsers send a host's cookies to all its ports, so any other local server the
// browser visits would receive it. Applied to HTTP requests and WebSocket upgrades alike.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface GuardConfig {
  port: number;
  token: string;
}

/** `path` is what follows /t/TOKEN ("/", "/assets/x.js", "/ws"; "" when the slash is missing). */
export type Verdict = { ok: true; path: string } | { ok: false; status: 403 | 404; reason: string };

/** The path every page, asset and the socket live under. */
export function tokenPath(token: string): string {
  return `/t/${token}/`;
}

function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/** Constant time whatever the lengths: compares digests, not the strings. */
function sameToken(given: string, token: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}

export function check(request: IncomingMessage, config: GuardConfig): Verdict {
  const host = request.headers.host;
  if (!host || !allowedHosts(config.port).includes(host.toLowerCase())) {
    return { ok: false, status: 403, reason: `Host ${JSON.stringify(host ?? '')} is not this server` };
  }
  const origin = request.headers.origin;
  // Browsers send Origin on WebSocket handshakes and cross-origin requests; a non-browser
  // client may omit it, and is then held to the token alone.
  if (origin !== undefined && !allowedHosts(config.port).map((h) => `http://${h}`).includes(origin.toLowerCase())) {
    return { ok: false, status: 403, reason: `Origin ${JSON.stringify(origin)} is not this server` };
  }
  // The raw path: a wrong token and a path outside /t/ get the same answer, which says nothing.
  const pathname = (request.url ?? '').split('?')[0]!;
  const match = /^\/t\/([^/]*)(\/.*)?$/s.exec(pathname);
  if (!match || !sameToken(match[1]!, config.token)) {
    return { ok: false, status: 404, reason: 'open the URL shmscope printed' };
  }
  return { ok: true, path: match[2] ?? '' };
}
