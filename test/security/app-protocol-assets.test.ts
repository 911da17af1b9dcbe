// Every file the renderer build emits is served over app:// with the MIME type the browser
// needs (module scripts are refused with any other), the strict CSP and nosniff; and the built
// index.html asks only for assets that exist, same-origin. Runs on the real build (npm test
// builds first).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appResponse, APP_ORIGIN } from '../../main/electron/protocol';
import { expectStrictCsp } from '../helpers/csp';

const rendererDir = join(import.meta.dirname, '..', '..', 'out', 'renderer');

function builtFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(rendererDir, join(entry.parentPath, entry.name)));
}

const expectedType: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

describe('app:// serves the real renderer build', () => {
  const files = builtFiles(rendererDir);

  it('has a build with a page, a script and a stylesheet', () => {
    expect(files).toContain('index.html');
    expect(files.some((f) => f.endsWith('.js'))).toBe(true);
    expect(files.some((f) => f.endsWith('.css'))).toBe(true);
  });

  it('serves every emitted file byte for byte with its MIME type, the CSP and nosniff', async () => {
    for (const file of files) {
      const response = await appResponse(rendererDir, `${APP_ORIGIN}/${file}`);
      expect(response.status, file).toBe(200);
      const extension = file.slice(file.lastIndexOf('.'));
      expect(response.headers.get('content-type'), file).toBe(expectedType[extension] ?? expect.any(String));
      expectStrictCsp(response.headers.get('content-security-policy'));
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(join(rendererDir, file))), file).toBe(true);
    }
  });

  it('index.html loads only same-origin assets that the build emitted', () => {
    const html = readFileSync(join(rendererDir, 'index.html'), 'utf8');
    // data:, is the empty favicon (no request at all).
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((url) => url !== 'data:,');
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) {
      const resolved = new URL(url, `${APP_ORIGIN}/index.html`);
      // Node gives non-special schemes the origin "null": compare scheme and host.
      expect(`${resolved.protocol}//${resolved.host}`, url).toBe(APP_ORIGIN);
      expect(files, url).toContain(resolved.pathname.slice(1));
    }
  });
});
