import { startServer } from '../../serve';
import { UsageError, type Command } from '../command';
import { stringOption } from '../values';

export const serve: Command = {
  name: 'serve',
  summary: 'the app\'s UI in your browser (local web mode, 127.0.0.1 only)',
  help: `Usage: shmscope serve [--port N]

Serves the shmscope UI and its API on 127.0.0.1 only, behind a random token
that is part of the printed URL: open it in a browser on this machine. For
machines without a display, or where Electron cannot run. Ctrl-C stops it.

Options:
  --port N    the port (default: any free port)
  -h, --help
`,
  options: { port: { type: 'string' } },
  async run(invocation, output) {
    const portText = stringOption(invocation, 'port');
    const port = portText === undefined ? 0 : Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: expected a number from 0 to 65535, got "${portText}"`);
    const server = await startServer({ port }).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === 'EADDRINUSE') {
        throw Object.assign(new Error(`127.0.0.1:${port}: port is in use; pick another with --port N (0: any free port) (EADDRINUSE)`), { code: 'EADDRINUSE' });
      }
      throw error;
    });
    await output.out(`shmscope web mode: open ${server.url}\n(only this machine can connect; the token in the URL is required; Ctrl-C stops)\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    return 0;
  },
};
