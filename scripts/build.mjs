// Builds everything `npm start`, the CLI and the tests run, into out/:
//  - Node entry points (CLI, benchmarks) and the Electron main process: esbuild, ESM,
//    dependencies bundled, the native addon found at run time by main/native.ts.
//  - The preload: ONE CommonJS file with everything inlined, because a sandboxed preload can
//    neither load ESM nor require anything from node_modules ('electron' is provided).
//  - The renderer (when renderer/index.html exists): vite with vite.renderer.config.ts.
// The entries come from electron.config.ts, the one description of the build.
// esbuild rather than electron-vite: two extra entries here are all Electron needs, and
// esbuild already builds the CLI, so there is one tool and one config for Node-side code.
import { existsSync, globSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import { cliEntry, nodeEntries, preloadEntries, rendererViteConfig } from '../electron.config.ts';

const common = { bundle: true, platform: 'node', target: 'node22', sourcemap: true, logLevel: 'warning' };
const esm = {
  ...common,
  outdir: 'out',
  format: 'esm',
  // Self-contained bundles (ws included): the CLI runs from a copy with only the addon
  // beside it. ws's optional native accelerators stay out; it works without them.
  // playwright-core: only bench:hex drives a browser, from the checkout's node_modules.
  external: ['electron', 'bufferutil', 'utf-8-validate', 'playwright-core'],
  // ws is CommonJS and requires Node built-ins; an ESM bundle needs a real `require` for that.
  banner: { js: "import { createRequire as __shmscopeRequire } from 'node:module'; const require = __shmscopeRequire(import.meta.url);" },
};

// Chunk names carry a hash: drop the previous build's, so only this build's are packaged.
for (const file of globSync('out/main/cli-chunk-*')) rmSync(file);

await Promise.all([
  build({ ...esm, entryPoints: nodeEntries }),
  build({ ...esm, entryPoints: { [cliEntry.name]: cliEntry.source }, splitting: true, chunkNames: cliEntry.chunks }),
  build({
    ...common,
    entryPoints: preloadEntries,
    outdir: 'out',
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    external: ['electron'],
  }),
]);

if (existsSync('renderer/index.html') && !process.argv.includes('--no-renderer')) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: rendererViteConfig, logLevel: 'warn' });
}
