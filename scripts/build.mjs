// Bundles the Node-side entry points (CLI, benchmarks) with esbuild into out/.
// The native addon stays external: main/native.ts finds it at run time.
import { build } from 'esbuild';

await build({
  entryPoints: { 'main/cli': 'main/cli.ts', 'bench/scan': 'bench/scan.ts' },
  outdir: 'out',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
});
