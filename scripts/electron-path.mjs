// Finds the Electron binary the way node_modules/electron/index.js does, without loading
// that module (it downloads on require). Returns { path } or { reason } when missing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function electronBinary(root = process.cwd()) {
  const pkg = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkg, 'package.json'))) return { reason: 'the electron package is not installed (run npm install)' };
  const pathFile = join(pkg, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkg, 'dist');
  const binary = join(dist, relative);
  if (!existsSync(binary)) return { reason: `the Electron binary is not downloaded (${binary} is missing)` };
  return { path: binary };
}
