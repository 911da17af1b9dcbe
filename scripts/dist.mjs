// `npm run dist [-- --dir]`: packages the built app with electron-builder, configured by
// electron.config.ts. Linux AppImage and .deb, or with --dir an unpacked directory only.
// electron-builder fetches the Electron runtime unless ELECTRON_OVERRIDE_DIST_PATH names an
// unpacked Electron already on this machine (then it is used as is, with no download).
import { build, Platform } from 'electron-builder';
import { builder } from '../electron.config.ts';

const dirOnly = process.argv.includes('--dir');
const config = { ...builder };
if (process.env.ELECTRON_OVERRIDE_DIST_PATH) config.electronDist = process.env.ELECTRON_OVERRIDE_DIST_PATH;

const artifacts = await build({
  targets: Platform.LINUX.createTarget(dirOnly ? ['dir'] : builder.linux?.target ?? ['dir']),
  config,
});
for (const artifact of artifacts) process.stdout.write(`${artifact}\n`);
