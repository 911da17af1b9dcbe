// `npm run dist -- --dir` packages exactly what the app loads, with the fuses flipped, checked
// without downloading Electron: electron-builder is pointed (ELECTRON_OVERRIDE_DIST_PATH) at a
// stand-in Electron directory whose "binary" carries the fuse wire as Electron 45 lays it out
// (sentinel, version 1, length 8, one byte per fuse, '0' off / '1' on). A real Electron
// directory given in ELECTRON_OVERRIDE_DIST_PATH is used instead when the run has one.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addonPath, builder } from '../../electron.config';

const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as {
  listPackage(archive: string, options: { isPack: boolean }): string[];
  statFile(archive: string, filename: string): { unpacked?: boolean; files?: object };
};

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'shmscope-dist-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function standInElectron(): string {
  const dist = join(work, 'electron-dist');
  mkdirSync(dist);
  writeFileSync(join(dist, 'electron'), `#!/bin/sh\necho v45.4.1\n# ${SENTINEL}\x01\x0811111111\n`);
  chmodSync(join(dist, 'electron'), 0o755);
  writeFileSync(join(dist, 'version'), '45.4.1');
  return dist;
}

/** The fuse wire after the sentinel: one char per fuse. */
function fuseWire(binary: string): string {
  const bytes = readFileSync(binary);
  const at = bytes.indexOf(SENTINEL) + SENTINEL.length;
  return bytes.subarray(at + 2, at + 2 + bytes[at + 1]!).toString('latin1');
}

describe('npm run dist -- --dir', () => {
  const out = join(work, 'out');
  const appDir = join(out, 'linux-unpacked');
  const archive = join(appDir, 'resources', 'app.asar');
  const realElectron = process.env.ELECTRON_OVERRIDE_DIST_PATH;

  beforeAll(() => {
    execFileSync(process.execPath, ['scripts/dist.mjs', '--dir', '--output', out], {
      cwd: root, env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: realElectron ?? standInElectron() }, stdio: 'pipe',
    });
  }, 120_000);

  it('puts exactly the bundles, the renderer, package.json and the addon in app.asar', () => {
    const files = asar.listPackage(archive, { isPack: false }).map((f) => f.slice(1))
      .filter((f) => asar.statFile(archive, f).files === undefined)  // directories have files
      .sort();
    const renderer = files.filter((f) => f.startsWith('out/renderer/'));
    expect(renderer).toContain('out/renderer/index.html');
    const cliChunks = files.filter((f) => /^out\/main\/cli-chunk-[^/]+\.js$/.test(f));
    expect(cliChunks).not.toEqual([]);  // the CLI's per-command code (electron.config.ts cliEntry)
    expect(files.filter((f) => !f.startsWith('out/renderer/'))).toEqual(
      [addonPath, 'out/main/cli.js', ...cliChunks, 'out/main/electron.js', 'out/main/maps-worker.js', 'out/preload/index.cjs', 'package.json'].sort());
    expect(files.some((f) => f.startsWith('node_modules/') || f.endsWith('.map') || f.endsWith('.ts'))).toBe(false);
  });

  it('leaves the addon unpacked beside the archive, byte for byte the built one', () => {
    expect(asar.statFile(archive, addonPath).unpacked).toBe(true);
    const unpacked = join(appDir, 'resources', 'app.asar.unpacked', addonPath);
    expect(existsSync(unpacked)).toBe(true);
    expect(readFileSync(unpacked).equals(readFileSync(join(root, addonPath)))).toBe(true);
  });

  it('flips the fuses the configuration asks for in the packaged binary', () => {
    const fuses = builder.electronFuses!;
    const expected = [
      fuses.runAsNode, fuses.enableCookieEncryption, fuses.enableNodeOptionsEnvironmentVariable,
      fuses.enableNodeCliInspectArguments, fuses.enableEmbeddedAsarIntegrityValidation, fuses.onlyLoadAppFromAsar,
      fuses.loadBrowserProcessSpecificV8Snapshot, fuses.grantFileProtocolExtraPrivileges,
    ].map((on) => (on ? '1' : '0')).join('');
    expect(expected).toBe('01001100');
    expect(fuseWire(join(appDir, builder.executableName!)).slice(0, 8)).toBe(expected);
  });
});
