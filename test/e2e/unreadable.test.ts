// "N processes could not be read" names them. A server run as nobody (as a user without root
// would run it) cannot read root's /proc/PID/maps: a root process started here shows up in the
// list with its pid, command and the reason, on hover and on click.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOBODY } from '../helpers/cli';
import { canRunAsNobody } from '../helpers/nobody-client';
import { startServeCli, type ServeChild } from '../helpers/serve-cli';
import { E2E_WAIT, screenshot, skipReason, startE2E, type E2E } from './harness';
import { sel } from './selectors';

const reason = skipReason() ?? (canRunAsNobody ? undefined : 'needs root and setpriv to run the server as nobody');

describe.skipIf(reason !== undefined)(`unreadable processes in the browser${reason ? ` (skipped: ${reason})` : ''}`, { timeout: 120_000 }, () => {
  let e2e: E2E;
  let serve: ServeChild | undefined;
  const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
  beforeAll(async () => {
    e2e = await startE2E();
    serve = await startServeCli(['--allow-user', 'root'], process.env, ['setpriv', '--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups']);
  });
  afterAll(async () => {
    sleeper.kill();
    await serve?.stop();
    await e2e?.close();
  });

  it('lists who could not be read: pid, command and reason', async () => {
    const page = await e2e.openApp(serve!.url.href);
    const button = page.locator(sel.unreadableButton);
    await button.waitFor({ timeout: E2E_WAIT });
    expect(await button.textContent()).toMatch(/\d+ process(es)? could not be read/);
    expect(await button.getAttribute('title')).toMatch(/\d+ \S+: /); // hover names them too

    await button.click();
    const row = page.locator(sel.unreadableProcess(sleeper.pid!));
    await row.waitFor({ timeout: E2E_WAIT });
    expect(await row.getAttribute('data-reason')).toBe('EACCES');
    expect(await row.textContent()).toMatch(new RegExp(`^${sleeper.pid}sleepno permission`));
    await screenshot(page, 'unreadable-processes');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator(sel.unreadableList).count()).toBe(0);
    await page.context().close();
  });
});
