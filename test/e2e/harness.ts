// End-to-end harness: Debian's Chromium driven by playwright-core against the real web
// mode (startServer) serving the built renderer. No browser is downloaded: without
// /usr/bin/chromium the suites are skipped with the reason, except in CI, where a missing
// browser is an error (CI installs Debian's chromium and the tests are mandatory).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer, type ServeOptions } from '../../main/serve';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = process.env.SHMSCOPE_CHROMIUM ?? '/usr/bin/chromium';
export const RENDERER_INDEX = join(root, 'out', 'renderer', 'index.html');
export const SCREENSHOTS = join(root, 'test-results', 'screenshots');
const CLI = join(root, 'out', 'main', 'cli.js');
/** How long a UI expectation may take: generous, because `npm test` runs these beside CPU-heavy suites. */
export const E2E_WAIT = 20_000;

/** Why the browser tests cannot run here, or undefined when they can. */
export function skipReason(): string | undefined {
  if (!existsSync(CHROMIUM)) {
    const reason = `${CHROMIUM} not found (apt-get install chromium)`;
    if (process.env.CI) throw new Error(`end-to-end tests are mandatory in CI: ${reason}`);
    return reason;
  }
  return undefined;
}

export interface E2E {
  server: RunningServer;
  browser: Browser;
  /** A new page (own browser context, so own cookies) showing the app, loaded; `url`: another server's. */
  openApp(url?: string): Promise<Page>;
  close(): Promise<void>;
}

export async function startE2E(options: ServeOptions = {}): Promise<E2E> {
  if (!existsSync(RENDERER_INDEX)) throw new Error(`${RENDERER_INDEX} is missing: run \`npm run build\` first`);
  const server = await startServer({ ...options, service: { intervalMs: 250, ...options.service } });
  // playwright gives every launch a fresh temporary profile (it refuses --user-data-dir in args).
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  return {
    server,
    browser,
    async openApp(url = server.url) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      page.on('pageerror', (error) => { process.stderr.write(`[page error] ${error.message}\n`); });
      await page.goto(url);
      await page.waitForSelector('[data-testid="segments-table"]', { timeout: E2E_WAIT });
      return page;
    },
    async close() {
      await browser.close().catch(() => {});
      await server.close();
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

const run = promisify(execFile);

/** Runs the built CLI (`shmscope ARGS…`) as a separate process. */
export async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args], { timeout: 20_000 });
  return stdout;
}
