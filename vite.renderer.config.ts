// Builds the Svelte renderer (renderer/index.html) into out/renderer. Served by Electron's
// app:// protocol and by the web mode's HTTP server, so asset URLs are relative (base './')
// and nothing is fetched from the network. The output has no inline scripts (strict CSP).
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [svelte({ configFile: false })],
  build: {
    outDir: fileURLToPath(new URL('./out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    // Keep every module a file: inlined data: URLs would need a looser CSP.
    assetsInlineLimit: 0,
    // One module preload polyfill would be an inline script; Chromium needs none.
    modulePreload: { polyfill: false },
    sourcemap: true,
    reportCompressedSize: false,
  },
  server: { host: '127.0.0.1', strictPort: false },
});
