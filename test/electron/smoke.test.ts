// `npm run smoke:electron`: the real desktop app, for whoever has a display and an Electron
// binary. Launches it through Playwright's _electron, opens a second window from the File menu,
// runs the smoke scenario (test/smoke/scenario.ts) across both, screenshots into test-results/,
// and fails on any renderer console error or CSP violation. In `npm test` it is skipped with its
// reason where there is no binary or display; under `npm run smoke:electron`
// (SHMSCOPE_SMOKE=1) that is an error instead, so the command never passes by doing nothing.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronBinary } from '../../scripts/electron-path.mjs';
import { SCREENSHOTS } from '../e2e/harness';
import { sel } from '../e2e/selectors';
import { runSmoke, watchForErrors } from '../smoke/scenario';

const root = fileURLToPath(new URL('../..', import.meta.url));
const found = electronBinary(root);
const reason = found.path === undefined ? found.reason
  : !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY ? 'no display (DISPLAY/WAYLAND_DISPLAY unset)' : undefined;
if (reason !== undefined && process.env.SHMSCOPE_SMOKE === '1') throw new Error(`smoke:electron cannot run: ${reason}`);

describe.skipIf(reason !== undefined)(`Electron smoke${reason ? ` (skipped: ${reason})` : ''}`, { timeout: 180_000 }, () => {
  let app: ElectronApplication;
  const errors: string[] = [];
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    process.stderr.write(`smoke: running ${found.source}\n`);
    app = await _electron.launch({ executablePath: found.path!, args: ['.'], cwd: root });
  });
  afterAll(async () => { await app?.close(); });

  it('two windows chat both ways, a hex view opens, and no renderer reports an error', async () => {
    const first = await app.firstWindow();
    watchForErrors(first, 'window one', errors);
    await first.waitForSelector(sel.table);
    // File → New Window, as a person would (the first item of the first menu).
    const opened = app.waitForEvent('window');
    await app.evaluate(({ Menu }) => { Menu.getApplicationMenu()?.items[0]?.submenu?.items[0]?.click(); });
    const second = await opened;
    watchForErrors(second, 'window two', errors);
    await second.waitForSelector(sel.table);
    await runSmoke(first, second, 'smoke-electron');
    expect(errors).toEqual([]);
  });
});
