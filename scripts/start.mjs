// `npm start`: builds everything, then opens the desktop app in Electron. Where Electron
// cannot start — its binary is missing and cannot be downloaded, there is no display, or it
// dies at once (missing system libraries) — it says why and serves the same UI in the local
// web mode instead, printing the URL to open. `npm start -- --web` goes straight to web mode;
// the serve options (--port, --read-only, --allow-user, …) are passed on to it.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-path.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const say = (text) => process.stderr.write(`shmscope: ${text}\n`);

function run(command, argv, timeoutMs) {
  return spawnSync(command, argv, { cwd: root, stdio: 'inherit', timeout: timeoutMs });
}

const built = run(process.execPath, [fileURLToPath(new URL('./build.mjs', import.meta.url))]);
if (built.status !== 0) {
  say('the build failed (see above)');
  process.exit(built.status ?? 1);
}

/** The reason Electron cannot be used here, or its binary. */
function findElectron() {
  if (args.includes('--web') || process.env.SHMSCOPE_WEB === '1') return { reason: 'web mode was asked for' };
  // The desktop app has no read-only mode: never ignore the request and open a writable one.
  if (args.includes('--read-only')) return { reason: 'read-only was asked for, which only the web mode offers' };
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  let found = electronBinary(root);
  if (found.path) return found;
  // npm may have skipped electron's download script (npm 11 asks before running install
  // scripts): try the download once now.
  say(`${found.reason}; downloading it…`);
  const download = run(process.execPath, ['node_modules/electron/install.js'], 180_000);
  found = electronBinary(root);
  if (found.path) return found;
  return { reason: `the Electron binary could not be downloaded (install.js exited with ${download.status ?? download.signal ?? download.error?.message})` };
}

function webMode(reason) {
  say(`not starting the desktop app: ${reason}.`);
  say('starting the local web mode instead (same UI in your browser):');
  const server = spawn(process.execPath, ['out/main/cli.js', 'serve', ...serveArgs()], { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
  server.on('exit', (code) => process.exit(code ?? 0));
}

/** The arguments meant for `shmscope serve` (everything but --web), which checks them itself. */
function serveArgs() {
  return args.filter((a) => a !== '--web');
}

const electron = findElectron();
if (!electron.path) {
  webMode(electron.reason);
} else {
  say(`starting the desktop app with ${electron.source}`);
  const started = Date.now();
  let stderrTail = '';
  const app = spawn(electron.path, ['.'], { cwd: root, stdio: ['inherit', 'inherit', 'pipe'] });
  app.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    stderrTail = (stderrTail + chunk.toString()).slice(-2000);
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.kill(signal));
  app.on('error', (error) => webMode(`Electron could not be run (${error.message})`));
  app.on('exit', (code, signal) => {
    // A crash within seconds is a start-up failure (libraries, GPU, sandbox), not a user quitting.
    if (code !== 0 && Date.now() - started < 10_000) {
      const last = stderrTail.trim().split('\n').at(-1) ?? '';
      if (stderrTail.includes('SUID sandbox')) {
        // Chromium's sandbox helper must be setuid root; npm cannot do that. Never fall back
        // to --no-sandbox silently: tell the user how to fix it instead.
        say(`Electron's sandbox helper is not set up; to fix: sudo chown root ${electron.path.replace(/electron$/, 'chrome-sandbox')} && sudo chmod 4755 ${electron.path.replace(/electron$/, 'chrome-sandbox')}`);
      }
      webMode(`Electron exited at start-up with ${signal ?? `code ${code}`}${last ? ` (${last})` : ''}`);
    } else {
      process.exit(code ?? 0);
    }
  });
}
