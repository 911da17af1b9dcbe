// Where the bundles are, relative to this file once bundled into out/main/electron.js
// (inside the asar when packaged; Electron reads from it transparently).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..');

export const preloadPath = join(outDir, 'preload', 'index.cjs');
export const rendererDir = join(outDir, 'renderer');
