// `npm run dist [-- --dir] [-- --output DIR]`: packages the built app with electron-builder,
// configured by electron.config.ts. Linux AppImage and .deb, or with --dir an unpacked
// directory only; into dist/ unless --output names another directory.
// electron-builder fetches the Electron runtime unless ELECTRON_OVERRIDE_DIST_PATH names an
// unpacked Electron already on this machine (then it is used as is, with no download).
import { build, Platform } from 'electron-builder';
import { builder } from '../electron.config.ts';

const dirOnly = process.argv.includes('--dir');
const outputAt = process.argv.indexOf('--output');
const config = { ...builder };
if (outputAt > 0 && process.argv[outputAt + 1]) config.directories = { ...builder.directories, output: process.argv[outputAt + 1] };
if (process.env.ELECTRON_OVERRIDE_DIST_PATH) config.electronDist = process.env.ELECTRON_OVERRIDE_DIST_PATH;

const artifacts = await build({
  targets: Platform.LINUX.createTarget(dirOnly ? ['dir'] : builder.linux?.target ?? ['dir']),
  config,
});
for (const artifact of artifacts) process.stdout.write(`${artifact}\n`);
