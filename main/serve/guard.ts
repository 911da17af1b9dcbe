// Who may talk to the web mode: only pages from this very server (Host and Origin are
// 127.0.0.1:PORT or localhost:PORT, which defeats DNS rebinding and cross-site pages) that
// know this run's random token (from the printed URL, or the cookie set when that URL was
// opened). Applied to HTTP requests and WebSocket upgrades alike.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface GuardConfig {
  port: number;
  token: string;
}

export type Verdict = { ok: true; tokenInQuery: boolean } | { ok: false; reason: string };

export function cookieName(port: number): string {
  // Cookies ignore ports; naming it by port keeps two servers on one machine apart.
  return `shmscope_${port}`;
}

function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function check(request: IncomingMessage, config: GuardConfig): Verdict {
  const host = request.headers.host;
  if (!host || !allowedHosts(config.port).includes(host.toLowerCase())) {
    return { ok: false, reason: `Host ${JSON.stringify(host ?? '')} is not this server` };
  }
  const origin = request.headers.origin;
  // Browsers send Origin on WebSocket handshakes and cross-origin requests; a non-browser
  // client may omit it, and is then held to the token alone.
  if (origin !== undefined && !allowedHosts(config.port).map((h) => `http://${h}`).includes(origin.toLowerCase())) {
    return { ok: false, reason: `Origin ${JSON.stringify(origin)} is not this server` };
  }
  const url = new URL(request.url ?? '/', `http://${host}`);
  const queryToken = url.searchParams.get('token') ?? undefined;
  if (sameToken(queryToken, config.token)) return { ok: true, tokenInQuery: true };
  if (sameToken(cookieValue(request.headers.cookie, cookieName(config.port)), config.token)) return { ok: true, tokenInQuery: false };
  return { ok: false, reason: queryToken === undefined ? 'token missing (open the URL shmscope printed)' : 'wrong token' };
}
