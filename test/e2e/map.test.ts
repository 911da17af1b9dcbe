// Issue 9 items 2 and 3 in Chromium against the web mode (its strict CSP): the map view draws
// real processes (python children) and the segments they attach, with ro / rw / ro+rw edges;
// clicking a segment node selects its row, clicking a process node narrows the table to its
// segments. Screenshots of the map and of the semaphore rows (a POSIX semaphore and a SysV set
// with a blocked waiter) for the README: docs/screenshots/map-view.png and semaphores.png.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRef, removeSegment } from '../../main/segments';
import type { Holder } from '../helpers/children';
import { expectStrictCsp } from '../helpers/csp';
import { pyChild } from '../helpers/python-children';
import { createSemSet, holdPosixSemaphore, semopBlocked } from '../helpers/semaphores';
import { uniquePosixName, uniqueSysvKey } from '../helpers/unique';
import { cli, E2E_WAIT, screenshot, skipReason, startE2E, type E2E } from './harness';
import { sel } from './selectors';

const reason = skipReason();

describe.skipIf(reason !== undefined)(`the map and the semaphores in the browser${reason ? ` (skipped: ${reason})` : ''}`, { timeout: 180_000 }, () => {
  let e2e: E2E;
  const cleanups: (() => unknown)[] = [];
  beforeAll(async () => { e2e = await startE2E(); });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) {
      try { await cleanup(); } catch { /* already gone */ }
    }
    await e2e?.close();
  });
  const hold = (holder: Holder): Holder => { cleanups.push(() => holder.stop()); return holder; };

  it('shows a process and its segments; a segment node selects its row, a process node narrows the table', async () => {
    const key = uniqueSysvKey();
    const sysv = (await cli('create', 'sysv', '--key', `0x${key.toString(16)}`, '--size', '8192', '--mode', '0640', '--excl')).trim();
    cleanups.push(() => removeSegment(parseRef(sysv)));
    const name = uniquePosixName('map').slice(1);
    const posix = (await cli('create', 'posix', name, '--size', '16384', '--mode', '0600', '--excl')).trim();
    cleanups.push(() => removeSegment(parseRef(posix)));
    // One process maps both, each twice (read-only, then read-write); another reads the SysV one.
    const both = hold(await pyChild('twice', sysv.slice(5), `/dev/shm/${name}`));
    const reader = hold(await pyChild('sysv', sysv.slice(5), 'ro', '1'));

    const page = await e2e.openApp();
    const csp = (await page.request.get(e2e.server.url)).headers()['content-security-policy'] ?? null;
    const port = e2e.server.port;
    expectStrictCsp(csp, [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]);
    const violations: string[] = [];
    page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text()); });

    // Select the SysV segment in the table: the map is built around the selection first, so
    // the process that maps it and that process's other segment are on it however busy the machine is.
    await page.locator(sel.row(sysv)).click();
    await page.locator(sel.splitterTable).focus();
    await page.keyboard.press('End'); // the table pane (where the map goes) as tall as it gets
    await page.locator(sel.mapButton).click();
    await page.locator(sel.mapView).waitFor({ timeout: E2E_WAIT });
    const segNode = (ref: string): string => sel.mapNode(`seg:${ref}`);
    const pidNode = (pid: number): string => sel.mapNode(`pid:${pid}`);
    await page.locator(pidNode(both.pid)).waitFor({ timeout: E2E_WAIT });
    await page.locator(segNode(posix)).waitFor({ timeout: E2E_WAIT });
    expect(await page.locator(segNode(sysv)).getAttribute('aria-pressed')).toBe('true');
    const access = (pid: number, ref: string) => page.locator(sel.mapEdge(`pid:${pid}`, `seg:${ref}`)).getAttribute('data-access', { timeout: E2E_WAIT });
    expect(await access(both.pid, sysv)).toBe('ro+rw');
    expect(await access(both.pid, posix)).toBe('ro+rw');
    expect(await access(reader.pid, sysv)).toBe('ro');
    expect(await page.locator(pidNode(both.pid)).textContent()).toContain('python3');

    await page.locator(segNode(posix)).click();
    await page.locator(`${sel.details}[data-ref="${posix}"]`).waitFor({ timeout: E2E_WAIT });
    await expect.poll(() => page.locator(segNode(posix)).getAttribute('aria-pressed')).toBe('true');
    // Live: a process that maps the segment now appears with the next scan.
    const writer = hold(await pyChild('posix', `/dev/shm/${name}`, 'rw', '1'));
    expect(await access(writer.pid, posix)).toBe('rw');
    // Only the selection's neighbourhood: the test's processes and segments, without the rest of the machine.
    await page.locator(sel.mapNear).check();
    await expect.poll(() => page.locator(sel.mapView).getAttribute('data-segments')).toBe('2');
    await page.mouse.move(0, 0);
    await screenshot(page, 'map-view');
    expect(violations).toEqual([]);

    await page.locator(sel.mapButton).click();
    const row = page.locator(sel.row(posix));
    await row.waitFor({ timeout: E2E_WAIT });
    expect(await row.getAttribute('aria-selected')).toBe('true');

    // A process node narrows the table to the segments that process maps.
    await page.locator(sel.mapButton).click();
    await page.locator(pidNode(reader.pid)).click();
    await page.locator(sel.mapClearPid).waitFor({ timeout: E2E_WAIT });
    await page.locator(sel.mapButton).click();
    await expect.poll(() => page.locator(sel.filter).inputValue()).toBe(`pid:${reader.pid}`);
    await expect.poll(() => page.locator('[data-testid="segment-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ref'))), { timeout: E2E_WAIT }).toEqual([sysv]);
    await page.context().close();
  });

  it('shows POSIX and System V semaphores with their values (screenshot)', async () => {
    const name = uniquePosixName('sem');
    cleanups.push(() => rmSync(`/dev/shm/sem.${name.slice(1)}`, { force: true }));
    hold(await holdPosixSemaphore(name, 3));
    const set = createSemSet(uniqueSysvKey(), [0, 5, 8]);
    cleanups.push(() => spawnSync('ipcrm', ['-s', String(set.id)], { stdio: 'ignore' })); // also wakes the waiter
    hold(await semopBlocked(set.id, 0, -1));

    const page = await e2e.openApp();
    await page.locator(sel.semaphoresButton).click();
    const cell = (ref: string, column: string) => page.locator(`${sel.semaphoreRow(ref)} td[data-column="${column}"]`);
    await expect.poll(() => cell(`sem:posix:${name.slice(1)}`, 'value').textContent(), { timeout: E2E_WAIT }).toBe('3');
    await expect.poll(() => cell(`sem:sysv:${set.id}`, 'value').textContent(), { timeout: E2E_WAIT }).toBe('0, 5, 8');
    await expect.poll(() => cell(`sem:sysv:${set.id}`, 'waiting').textContent(), { timeout: E2E_WAIT }).toBe('1, 0, 0');
    await page.mouse.move(0, 0);
    await screenshot(page, 'semaphores');
    await page.context().close();
  });
});
