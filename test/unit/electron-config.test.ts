// electron.config.ts is the one build and packaging description: electron-builder's own schema
// accepts it, and every file it packages exists after `npm run build` (npm test builds first).
import { existsSync, globSync } from 'node:fs';
import { DebugLogger } from 'builder-util';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { describe, expect, it } from 'vitest';
import { addonPath, builder, nodeEntries, preloadEntries } from '../../electron.config';

describe('electron.config.ts', () => {
  it('passes electron-builder\'s schema validation', async () => {
    await expect(validateConfiguration(builder, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('a misspelt option is refused by the same validation (the check can fail)', async () => {
    const broken = { ...builder, asarUnpak: ['**/*.node'] } as typeof builder;
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/asarUnpak/);
  });

  it('every packaged file pattern matches files of the real build', () => {
    const patterns = (builder.files as string[]).filter((p) => !p.startsWith('!'));
    for (const pattern of patterns) expect(globSync(pattern), pattern).not.toEqual([]);
  });

  it('packages the Electron main, the preload and the addon that the build entries produce', () => {
    const files = builder.files as string[];
    const electronMain = Object.keys(nodeEntries).find((name) => nodeEntries[name]!.startsWith('main/electron/'));
    expect(files).toContain(`out/${electronMain}.js`);
    for (const name of Object.keys(preloadEntries)) expect(files).toContain(`out/${name}.cjs`);
    expect(files).toContain(addonPath);
    expect(existsSync(addonPath)).toBe(true);
  });
});
