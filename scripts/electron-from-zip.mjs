// `node scripts/electron-from-zip.mjs electron-vNN.x.y-linux-x64.zip`: installs the Electron
// binary from a zip fetched on another machine, for machines that cannot reach GitHub.
// The electron package's installer (@electron/get) looks for the zip in its cache at
// <cache>/<sha256 of the release directory URL>/<file name>; we put it there in a cache of our
// own (electron_config_cache) and run the installer, which then checks it against the package's
// checksums and unpacks it without a download.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const zip = process.argv[2];
const { version } = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8'));
const expected = `electron-v${version}-linux-${process.arch}.zip`;
if (!zip || basename(zip) !== expected) {
  process.stderr.write(`usage: node scripts/electron-from-zip.mjs ${expected}\n(the zip from https://github.com/electron/electron/releases/tag/v${version})\n`);
  process.exit(2);
}
const releaseDir = `https://github.com/electron/electron/releases/download/v${version}`;
const cache = join(root, 'node_modules', '.cache', 'electron');
const dir = join(cache, createHash('sha256').update(releaseDir).digest('hex'));
mkdirSync(dir, { recursive: true });
copyFileSync(resolve(zip), join(dir, expected));
const install = spawnSync(process.execPath, [join(root, 'node_modules', 'electron', 'install.js')], {
  stdio: 'inherit', env: { ...process.env, electron_config_cache: cache },
});
process.exit(install.status ?? 1);
