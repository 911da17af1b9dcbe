#!/usr/bin/env node
// The installed command: runs the bundled CLI (build it with `npm run build`).
import { existsSync, lstatSync, mkdirSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * V8's compile cache for the bundle (start-up; see bench/scan.ts). Not Node's default
 * $TMPDIR/node-compile-cache: shmscope often runs as root, and a directory another user can
 * create or write would let them feed it code. So: the caller's own home (from passwd, not
 * $HOME, which sudo may keep), a directory we own that no one else may write; else no cache.
 * NODE_COMPILE_CACHE, when set, is the caller's explicit choice and Node honours it itself.
 */
function privateCacheDir() {
  try {
    const dir = join(userInfo().homedir, '.cache', 'shmscope', 'compile-cache');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    return stat.isDirectory() && stat.uid === process.geteuid() && (stat.mode & 0o022) === 0 ? dir : undefined;
  } catch {
    return undefined; // no home, read-only home: run without the cache
  }
}

if (process.env.NODE_COMPILE_CACHE === undefined) {
  const dir = privateCacheDir();
  if (dir !== undefined) enableCompileCache(dir);
}

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('shmscope: the CLI is not built yet; run `npm run build` in the checkout first\n');
  process.exit(1);
}
await import(cli);
