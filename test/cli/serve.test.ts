// `shmscope serve`: the web mode started from the command line, as a user would.
import { describe, expect, it } from 'vitest';
import { startServeCli } from '../helpers/serve-cli';

describe('shmscope serve', () => {
  it('prints a 127.0.0.1 URL with the token in its path, serves the UI only with the token, and stops on Ctrl-C', async () => {
    const serve = await startServeCli();
    try {
      const page = await fetch(serve.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');
      expect((await fetch(new URL('/', serve.url))).status).toBe(404);
      expect((await fetch(new URL('/t/wrong/', serve.url))).status).toBe(404);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });
});
