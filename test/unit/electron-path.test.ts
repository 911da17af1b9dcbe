// `npm start` finds an Electron that is already on the machine, in order: the override, the
// package's downloaded binary, then a system Electron of the right major on PATH; never npm's
// downloading wrapper. Fake Electron binaries are shell scripts that print a version.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { electronBinary, requiredElectronMajor } from '../../scripts/electron-path.mjs';

const base = mkdtempSync(join(tmpdir(), 'shmscope-electron-path-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function fakeElectron(dir: string, name: string, version: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n[ "$1" = --version ] && echo v${version}\n`);
  chmodSync(file, 0o755);
  return file;
}

/** A checkout whose electron package (major 45) has not downloaded its binary. */
function checkout(name: string): string {
  const root = join(base, name);
  mkdirSync(join(root, 'node_modules', 'electron'), { recursive: true });
  writeFileSync(join(root, 'node_modules', 'electron', 'package.json'), JSON.stringify({ name: 'electron', version: '45.4.1' }));
  writeFileSync(join(root, 'node_modules', 'electron', 'path.txt'), 'electron');
  return root;
}

describe('finding an Electron to run', () => {
  it('reads the major version the app needs from the installed package', () => {
    expect(requiredElectronMajor(checkout('major'))).toBe(45);
  });

  it('prefers ELECTRON_OVERRIDE_DIST_PATH, and says so', () => {
    const root = checkout('override');
    const dist = join(base, 'override-dist');
    const binary = fakeElectron(dist, 'electron', '45.0.0');
    expect(electronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: dist, PATH: '' })).toEqual({ path: binary, source: `ELECTRON_OVERRIDE_DIST_PATH (${binary})` });
    expect(electronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: join(base, 'nowhere'), PATH: '' }).reason).toMatch(/ELECTRON_OVERRIDE_DIST_PATH is set but .* is not an executable/);
  });

  it('then the package\'s own downloaded binary', () => {
    const root = checkout('packaged');
    const binary = fakeElectron(join(root, 'node_modules', 'electron', 'dist'), 'electron', '45.4.1');
    const bin = join(base, 'packaged-bin');
    fakeElectron(bin, 'electron45', '45.1.0');
    expect(electronBinary(root, { PATH: bin }).path).toBe(binary);
  });

  it('then electronNN of the same major on PATH, before a plain electron', () => {
    const root = checkout('system');
    const bin = join(base, 'system-bin');
    fakeElectron(bin, 'electron', '45.2.0');
    const versioned = fakeElectron(bin, 'electron45', '45.1.0');
    const found = electronBinary(root, { PATH: bin });
    expect(found.path).toBe(versioned);
    expect(found.source).toContain('system Electron');
  });

  it('takes a plain electron only when its major matches, and explains what it saw otherwise', () => {
    const root = checkout('mismatch');
    const old = join(base, 'old-bin');
    fakeElectron(old, 'electron', '30.0.0');
    const found = electronBinary(root, { PATH: old });
    expect(found.path).toBeUndefined();
    expect(found.reason).toContain('no Electron 45 is on PATH');
    expect(found.reason).toContain(`${join(old, 'electron')} is Electron 30`);
    const good = join(base, 'good-bin');
    const plain = fakeElectron(good, 'electron', '45.3.0');
    expect(electronBinary(root, { PATH: `${old}:${good}` }).path).toBe(plain);
  });

  it('never runs npm\'s node_modules/.bin/electron wrapper (it would start a download)', () => {
    const root = checkout('wrapper');
    const wrapperDir = join(root, 'node_modules', '.bin');
    fakeElectron(wrapperDir, 'electron', '45.4.1');
    expect(electronBinary(root, { PATH: wrapperDir }).path).toBeUndefined();
  });
});
