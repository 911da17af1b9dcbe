// A script that uses the scanner, bundled with esbuild into `dir` beside the /proc walk's worker
// (maps-worker.js), so it runs as a plain `node` process (as another user, or to watch it exit).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Bundles `source` (TypeScript, imports relative to the repository root) to DIR/script.js; returns its path. */
export async function bundleScanScript(dir: string, source: string): Promise<string> {
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, source.replaceAll("from './", `from '${root}`));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  await build({
    entryPoints: { script: entry, 'maps-worker': join(root, 'main/scan/maps-worker.ts') },
    bundle: true, platform: 'node', format: 'esm', outdir: dir, logLevel: 'silent',
  });
  return join(dir, 'script.js');
}
