// Finds an Electron to run without loading the electron package (its index.js downloads on
// require). In order:
//   1. ELECTRON_OVERRIDE_DIST_PATH: an unpacked Electron the user points at;
//   2. the electron package's own binary, when its download has happened;
//   3. a system Electron of the major version the app is built for: `electronNN` or `electron`
//      on PATH (Arch and NixOS ship these), never npm's node_modules/.bin wrapper.
// Returns { path, source } (source says which, for `npm start` to print) or { reason }.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, join, sep } from 'node:path';

/** The Electron major version this checkout needs, from the installed package or package.json. */
export function requiredElectronMajor(root = process.cwd()) {
  for (const file of [join(root, 'node_modules', 'electron', 'package.json'), join(root, 'package.json')]) {
    try {
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      const version = file.endsWith(join('electron', 'package.json')) ? pkg.version : pkg.devDependencies?.electron;
      const major = /(\d+)\./.exec(String(version ?? ''))?.[1];
      if (major) return Number(major);
    } catch { /* not installed: try the next */ }
  }
  return undefined;
}

function isExecutable(file) {
  try { accessSync(file, constants.X_OK); return true; } catch { return false; }
}

/** The major version an Electron binary reports (`electron --version` prints vNN.x.y), or undefined. */
function binaryMajor(file) {
  const result = spawnSync(file, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const major = /^v?(\d+)\./.exec((result.stdout ?? '').trim())?.[1];
  return major === undefined ? undefined : Number(major);
}

/** `electronNN` then `electron` on PATH, skipping npm's wrappers in node_modules. */
function systemElectron(major, pathList = process.env.PATH ?? '') {
  const names = [`electron${major}`, 'electron'];
  const seen = [];
  for (const name of names) {
    for (const dir of pathList.split(delimiter).filter(Boolean)) {
      const candidate = join(dir, name);
      if (!isExecutable(candidate)) continue;
      let real;
      try { real = realpathSync(candidate); } catch { continue; }
      if (real.split(sep).includes('node_modules')) continue;
      const found = binaryMajor(candidate);
      if (found === major) return { path: candidate, source: `the system Electron ${candidate} (v${found})` };
      seen.push(`${candidate} is ${found === undefined ? 'not a working Electron' : `Electron ${found}`}`);
    }
  }
  return { seen };
}

export function electronBinary(root = process.cwd(), env = process.env) {
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const pkg = join(root, 'node_modules', 'electron');
  const relative = existsSync(join(pkg, 'path.txt')) ? readFileSync(join(pkg, 'path.txt'), 'utf8').trim() : 'electron';
  if (override) {
    const binary = join(override, relative);
    if (isExecutable(binary)) return { path: binary, source: `ELECTRON_OVERRIDE_DIST_PATH (${binary})` };
    return { reason: `ELECTRON_OVERRIDE_DIST_PATH is set but ${binary} is not an executable` };
  }
  const packaged = join(pkg, 'dist', relative);
  if (isExecutable(packaged)) return { path: packaged, source: `the electron package's binary (${packaged})` };
  const major = requiredElectronMajor(root);
  if (major === undefined) return { reason: 'the electron package is not installed (run npm install)' };
  const system = systemElectron(major, env.PATH);
  if (system.path) return system;
  const others = system.seen.length ? `; ${system.seen.join('; ')}` : '';
  return { reason: `the Electron binary is not downloaded (${packaged} is missing) and no Electron ${major} is on PATH (electron${major} or electron)${others}` };
}
