// `npm run faults [-- --short] [-- --only=kill,truncate,remove,hostile,scale]`:
// bundles the campaign (test/faults/main.ts) and the CLI it times (`shmscope ls --json`;
// same options as scripts/build.mjs, so out/main/cli.js is the same file), then runs the
// campaign, passing its exit status on. Only these two bundles: fast, and independent of
// unrelated entry points.
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
await build({
  entryPoints: {
    'faults/main': 'test/faults/main.ts', 'main/cli': 'main/cli.ts',
    // the scanner's /proc worker, beside each bundle that scans (main/scan/maps-thread.ts)
    'faults/maps-worker': 'main/scan/maps-worker.ts', 'main/maps-worker': 'main/scan/maps-worker.ts',
  },
  absWorkingDir: root,
  outdir: 'out',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
const run = spawnSync(process.execPath, ['--enable-source-maps', 'out/faults/main.js', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
