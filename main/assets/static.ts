// Maps a request path to a file of the built renderer, for the web mode and for Electron's
// app:// protocol alike. Anything that could step outside the renderer folder (.., encoded
// slashes or backslashes, NUL, symlinks pointing out) is refused rather than cleaned up.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentType(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type Resolved = { ok: true; file: string } | { ok: false; status: 403 | 404; reason: string };

/** `pathname` is the raw (still percent-encoded) path of the URL, e.g. "/assets/index.js". */
export function resolveStatic(root: string, pathname: string): Resolved {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { ok: false, status: 403, reason: 'malformed path' };
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) {
    return { ok: false, status: 403, reason: 'path refused' };
  }
  const parts = decoded.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '..' || p === '.')) return { ok: false, status: 403, reason: 'path traversal refused' };
  const relative = parts.length === 0 ? 'index.html' : parts.join('/');
  const realRoot = safeRealpath(root);
  if (!realRoot) return { ok: false, status: 404, reason: 'renderer not built' };
  const candidate = join(realRoot, relative);
  const real = safeRealpath(candidate);
  if (!real) return { ok: false, status: 404, reason: 'not found' };
  if (real !== realRoot && !real.startsWith(realRoot + sep)) return { ok: false, status: 403, reason: 'path leaves the renderer folder' };
  if (!statSync(real).isFile()) return { ok: false, status: 404, reason: 'not a file' };
  return { ok: true, file: real };
}

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** out/renderer of the package this code runs from (sources in main/, bundles in out/). */
export function defaultRendererDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'out', 'renderer');
    const parent = dirname(dir);
    if (parent === dir) return join(process.cwd(), 'out', 'renderer');
    dir = parent;
  }
}

/** The page shown when the renderer has not been built, instead of a bare 404. */
export const NOT_BUILT_PAGE = `<!doctype html><meta charset="utf-8"><title>shmscope</title>
<p>The shmscope renderer is not built yet. Run <code>npm run build</code> in the checkout and reload.</p>`;
