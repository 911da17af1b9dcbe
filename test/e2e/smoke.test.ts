// The smoke scenario of `npm run smoke:electron`, run here in Chromium against the web mode:
// the steps and selectors it relies on are proven even where no Electron binary exists.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSmoke, watchForErrors } from '../smoke/scenario';
import { SCREENSHOTS, skipReason, startE2E, type E2E } from './harness';

const reason = skipReason();

describe.skipIf(reason !== undefined)(`smoke scenario in the browser${reason ? ` (skipped: ${reason})` : ''}`, { timeout: 120_000 }, () => {
  let e2e: E2E;
  beforeAll(async () => { e2e = await startE2E(); mkdirSync(SCREENSHOTS, { recursive: true }); });
  afterAll(async () => { await e2e?.close(); });

  it('two windows chat both ways and one shows a segment in hex, with no console error', async () => {
    const errors: string[] = [];
    const first = await e2e.openApp();
    const second = await e2e.openApp();
    watchForErrors(first, 'window one', errors);
    watchForErrors(second, 'window two', errors);
    await runSmoke(first, second, 'smoke-web');
    expect(errors).toEqual([]);
    await first.context().close();
    await second.context().close();
  });
});
