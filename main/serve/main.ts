// `node out/main/serve.js [--port N]`: the web mode on its own, used by `npm start` when
// Electron cannot start. (`shmscope serve` does the same through the CLI.)
import { startServer } from './index';

function portFromArgs(argv: readonly string[]): number | undefined {
  const i = argv.indexOf('--port');
  if (i < 0) return undefined;
  const port = Number(argv[i + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`shmscope: --port takes a number from 0 to 65535, got ${JSON.stringify(argv[i + 1] ?? '')}\n`);
    process.exit(2);
  }
  return port;
}

const port = portFromArgs(process.argv.slice(2));
const server = await startServer({ port }).catch((error: unknown) => {
  const code = (error as { code?: unknown }).code;
  const why = code === 'EADDRINUSE' ? `port ${port} is in use; pick another with --port N (0: any free port)` : String(error);
  process.stderr.write(`shmscope: cannot start the web mode: ${why}\n`);
  process.exit(1);
});
process.stdout.write(`shmscope web mode: open ${server.url}\n(only this machine can connect; the token in the URL is required; Ctrl-C stops)\n`);
const stop = (): void => { void server.close().then(() => process.exit(0)); };
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
