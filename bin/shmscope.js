#!/usr/bin/env node
// The installed command: runs the bundled CLI (build it with `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('shmscope: the CLI is not built yet; run `npm run build` in the checkout first\n');
  process.exit(1);
}
await import(cli);
