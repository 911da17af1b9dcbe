// The real desktop app, where a real Electron binary is present (Playwright's _electron):
// the page has no Node (no require/process), no <webview>, the app:// URL, and
// one round trip through the preload bridge. Elsewhere — no binary (it cannot be
// downloaded here), or no display — the suite is reported as skipped with the reason.
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronBinary } from '../../scripts/electron-path.mjs';
import type { AppInfo } from '../../common/contract';

const root = fileURLToPath(new URL('../..', import.meta.url));
const found = electronBinary(root);
const reason = found.path === undefined ? found.reason
  : !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY ? 'no display (DISPLAY/WAYLAND_DISPLAY unset)' : undefined;

interface PageFacts {
  require: string;
  process: string;
  apiKeys: string[];
  info: AppInfo;
  errorCode: unknown;
}

describe.skipIf(reason !== undefined)(`Electron app${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let app: ElectronApplication;
  beforeAll(async () => {
    app = await _electron.launch({ executablePath: found.path!, args: ['.'], cwd: root });
  });
  afterAll(async () => { await app?.close(); });

  it('opens a hardened window on app:// and answers through the bridge', async () => {
    const window = await app.firstWindow();
    await window.waitForSelector('[data-testid="segments-table"]');
    expect(window.url()).toBe('app://shmscope/index.html');
    const facts = await window.evaluate(async (): Promise<PageFacts> => {
      const page = globalThis as unknown as {
        require?: unknown; process?: unknown;
        shmscope: Record<string, unknown> & { info(): Promise<AppInfo>; readRange(ref: string, offset: number, length: number): Promise<unknown> };
      };
      const errorCode = await page.shmscope.readRange('bogus', 0, 1).then(() => 'resolved', (e: { code?: unknown }) => e.code);
      return { require: typeof page.require, process: typeof page.process, apiKeys: Object.keys(page.shmscope), info: await page.shmscope.info(), errorCode };
    });
    expect(facts.require).toBe('undefined');
    expect(facts.process).toBe('undefined');
    // webviewTag: false leaves <webview> an unknown element. (A string, so this Node-typed
    // file needs no DOM types.)
    expect(await window.evaluate("document.createElement('webview') instanceof HTMLUnknownElement")).toBe(true);
    expect(facts.apiKeys).toContain('listSegments');
    expect(facts.apiKeys).not.toContain('invoke');
    expect(facts.info.transport).toBe('electron');
    expect(facts.errorCode).toBe('EINVAL'); // the code survives the contextBridge
  });
});
