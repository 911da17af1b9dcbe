import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Loading the real 'electron' package starts a binary download: tests get a fake.
    alias: { electron: fileURLToPath(new URL('./test/fakes/electron.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests share the machine's IPC namespace; unique names keep them apart.
    pool: 'forks',
    projects: [
      // Node-side tests: everything except the renderer's.
      // globalSetup: the run fails if a test left a test segment behind (test/setup/leaks.ts).
      { extends: true, test: { name: 'node', exclude: [...configDefaults.exclude, 'test/renderer/**'], globalSetup: ['test/setup/leaks.ts'] } },
      // Svelte component tests: compiled by the svelte plugin, run in happy-dom, and resolved with
      // the 'browser' condition so `mount` is Svelte's client runtime, not its server one.
      // Not `extends: true`: that would merge the root's include and run every test here too.
      {
        plugins: [svelte({ configFile: false })],
        resolve: { conditions: ['browser'] },
        test: { name: 'renderer', include: ['test/renderer/**/*.test.ts'], environment: 'happy-dom' },
      },
    ],
  },
});
