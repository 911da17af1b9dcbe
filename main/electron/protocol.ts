// The app:// protocol that serves the built renderer to windows (instead of file://, which
// would give the page the whole file system as its origin). Only app://shmscope/ exists;
// paths are resolved by the same traversal-refusing code as the web mode.
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { securityHeaders } from '../assets/csp';
import { contentType, NOT_BUILT_PAGE, resolveStatic } from '../assets/static';

export const APP_SCHEME = 'app';
export const APP_HOST = 'shmscope';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

/** True for URLs of our renderer. (Node's URL gives non-special schemes the origin "null",
 *  so compare scheme and host rather than `origin`.) */
export function isAppUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

/** What app:// may do. standard + secure give it a real, secure origin; corsEnabled is what the
 *  built index.html's `<script type="module" crossorigin>` and `<link crossorigin>` need: they
 *  are CORS-mode requests, which Chromium refuses on a custom scheme without it (VS Code's
 *  vscode-file scheme sets it too). The CSP still allows only app://shmscope. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } as const;

/** Must run before the app is ready. */
export function registerScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);
}

export async function appResponse(rendererDir: string, requestUrl: string): Promise<Response> {
  const headers = securityHeaders();
  const refuse = (status: number, text: string): Response =>
    new Response(text, { status, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' } });
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return refuse(400, 'bad URL');
  }
  if (url.host !== APP_HOST) return refuse(404, 'unknown host');
  // Electron hands us the URL as the page asked for it; the raw path keeps encoded
  // traversal visible to resolveStatic.
  const rawPath = requestUrl.slice(APP_ORIGIN.length).split(/[?#]/)[0] || '/';
  const resolved = resolveStatic(rendererDir, rawPath);
  if (!resolved.ok) {
    if (resolved.status === 404 && (rawPath === '/' || rawPath === '/index.html')) {
      return new Response(NOT_BUILT_PAGE, { status: 200, headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' } });
    }
    return refuse(resolved.status, resolved.reason);
  }
  const body = await readFile(resolved.file);
  return new Response(new Uint8Array(body), { status: 200, headers: { ...headers, 'Content-Type': contentType(resolved.file) } });
}

/** After ready: serve app:// from the renderer folder. */
export function handleAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => appResponse(rendererDir, request.url));
}
