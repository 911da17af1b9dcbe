// Builds everything `npm start`, the CLI and the tests run, into out/:
//  - Node entry points (CLI, benchmarks) and the Electron main process: esbuild, ESM,
//    dependencies bundled, the native addon found at run time by main/native.ts.
//  - The preload: ONE CommonJS file with everything inlined, because a sandboxed preload can
//    neither load ESM nor require anything from node_modules ('electron' is provided).
//  - The renderer (when renderer/index.html exists): vite with vite.renderer.config.ts.
// esbuild rather than electron-vite: two extra entries here are all Electron needs, and
// esbuild already builds the CLI, so there is one tool and one config for Node-side code.
import { existsSync } from 'node:fs';
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };

await Promise.all([
  build({
    ...common,
    entryPoints: {
      'main/cli': 'main/cli.ts', 'bench/scan': 'bench/scan.ts', 'bench/chat': 'bench/chat.ts',
      'main/electron': 'main/electron/index.ts',
      // The /proc walk's worker thread, beside each bundle that scans (main/scan/maps-thread.ts).
      'main/maps-worker': 'main/scan/maps-worker.ts', 'bench/maps-worker': 'main/scan/maps-worker.ts',
    },
    outdir: 'out',
    format: 'esm',
    // Self-contained bundles (ws included): the CLI runs from a copy with only the addon
    // beside it. ws's optional native accelerators stay out; it works without them.
    external: ['electron', 'bufferutil', 'utf-8-validate'],
    // ws is CommonJS and requires Node built-ins; an ESM bundle needs a real `require` for that.
    banner: { js: "import { createRequire as __shmscopeRequire } from 'node:module'; const require = __shmscopeRequire(import.meta.url);" },
  }),
  build({
    ...common,
    entryPoints: { 'preload/index': 'preload/index.ts' },
    outdir: 'out',
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    external: ['electron'],
  }),
]);

if (existsSync('renderer/index.html') && !process.argv.includes('--no-renderer')) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: 'vite.renderer.config.ts', logLevel: 'warn' });
}
