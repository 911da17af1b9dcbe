// THE description of how shmscope is built and packaged: the bundle entries (CLI, Electron main,
// preload, renderer) that scripts/build.mjs builds, and the electron-builder configuration that
// `npm run dist` (scripts/dist.mjs) packages. Plain, erasable TypeScript so Node 24 loads it as is.
import type { Configuration } from 'electron-builder';

/** esbuild entry points, ESM for Node and Electron main: out/<name>.js. */
export const nodeEntries: Record<string, string> = {
  'bench/scan': 'bench/scan.ts',
  'bench/chat': 'bench/chat.ts',
  'bench/hex': 'bench/hex.ts',
  'bench/chat-frames': 'bench/chat-frames.ts',
  'main/electron': 'main/electron/index.ts',
  // The /proc walk's worker thread, beside each bundle that scans (main/scan/maps-thread.ts).
  'main/maps-worker': 'main/scan/maps-worker.ts',
  'bench/maps-worker': 'main/scan/maps-worker.ts',
};

/** The CLI, split: out/main/cli.js loads each command's code (out/main/cli-chunk-*.js) only when
 *  that command runs, with the Node built-ins it imports, so `shmscope ls` never loads the web
 *  server, WebSocket or chat code (start-up: bench/scan.ts). Chunks sit beside cli.js because
 *  the scanner finds its worker (maps-worker.js) and the addon relative to its own file. */
export const cliEntry = { name: 'main/cli', source: 'main/cli.ts', chunks: 'main/cli-chunk-[hash]' };

/** The sandboxed preload: ONE CommonJS file with everything inlined: out/<name>.cjs. */
export const preloadEntries: Record<string, string> = { 'preload/index': 'preload/index.ts' };

/** The renderer: Vite with this config, into out/renderer/. */
export const rendererViteConfig = 'vite.renderer.config.ts';

/** The native addon as node-gyp builds it. */
export const addonPath = 'native/build/Release/shmscope.node';

export const builder: Configuration = {
  appId: 'dev.shmscope.app',
  productName: 'shmscope',
  executableName: 'shmscope',
  copyright: 'Copyright © shmscope contributors',
  directories: { output: 'dist', buildResources: 'build' },
  // Only what the app runs: the bundles, the addon and package.json. The bundles are
  // self-contained (ws is inlined; node-addon-api is build-time headers), so no node_modules.
  files: [
    '!node_modules/**',
    'package.json',
    'out/main/electron.js',
    'out/main/cli.js',
    'out/main/cli-chunk-*.js',
    'out/main/maps-worker.js',
    'out/preload/index.cjs',
    'out/renderer/**',
    addonPath,
    '!**/*.map',
  ],
  // A .node file cannot be dlopen()ed from inside the asar archive; Electron finds the
  // unpacked copy in app.asar.unpacked by itself.
  asar: true,
  asarUnpack: ['**/*.node'],
  // The addon is Node-API (ABI-stable across Node and Electron) and is built by our own
  // `install` script, so there is nothing for electron-builder to rebuild.
  npmRebuild: false,
  nodeGypRebuild: false,
  // Security fuses flipped in the packaged binary (see the README's "Packaging" section).
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false,
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Development',
    synopsis: 'See and talk through Linux shared memory',
    description:
      'Lists every System V and POSIX shared memory segment with the processes attached to it, '
      + 'shows a live hex view of any segment, and chats through shared memory with other windows, '
      + 'app instances, the shmscope CLI and classic C programs.',
    maintainer: 'shmscope contributors <shmscope@users.noreply.github.com>',
  },
  deb: {
    depends: ['libgtk-3-0', 'libnss3', 'libxss1', 'libxtst6', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0'],
  },
};
