import { startServer, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_WATCHED_BYTES } from '../../serve';
import { nameLookup } from '../../scan/users';
import { sudoUid, uidOfUser } from '../../serve/access';
import { tokenFromFile } from '../../serve/token-file';
import { UsageError, type Command } from '../command';
import { flag, listOption, parseByteCount, stringOption } from '../values';

export const serve: Command = {
  help: `Usage: shmscope serve [--port N] [--token-file PATH] [--read-only] [--allow-user NAME]...


Serves the shmscope UI and its API on 127.0.0.1 only, behind a random token
that is part of the printed URL: open it in a browser on this machine. For
machines without a display, or where Electron cannot run. Ctrl-C stops it.

Only processes of the user running the server may connect (under sudo, also
the user who ran sudo). Run as root, whoever has the URL acts as root.

Options:
  --port N               the port (default: any free port)
  --token-file PATH      keep the URL's token in PATH (created 0600 if missing):
                         restarted with the same --port and file, the URL stays
                         the same and open pages reconnect by themselves
  --read-only            refuse every write, create, remove and chat join
  --allow-user NAME      also serve processes of this local user (repeatable)
  --max-connections N    open connections at once (default ${DEFAULT_MAX_CONNECTIONS})
  --max-watched BYTES    bytes watched by all connections together (default ${DEFAULT_MAX_WATCHED_BYTES / 1024 / 1024}M)
  -h, --help
`,
  options: {
    port: { type: 'string' },
    'token-file': { type: 'string' },
    'read-only': { type: 'boolean' },
    'allow-user': { type: 'string', multiple: true },
    'max-connections': { type: 'string' },
    'max-watched': { type: 'string' },
  },
  async run(invocation, output) {
    const portText = stringOption(invocation, 'port');
    const port = portText === undefined ? 0 : Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: expected a number from 0 to 65535, got "${portText}"`);
    const connectionsText = stringOption(invocation, 'max-connections');
    const maxConnections = connectionsText === undefined ? DEFAULT_MAX_CONNECTIONS : Number(connectionsText);
    if (!Number.isInteger(maxConnections) || maxConnections < 1) throw new UsageError(`--max-connections: expected a whole number of at least 1, got "${connectionsText}"`);
    const watchedText = stringOption(invocation, 'max-watched');
    const maxWatchedBytes = watchedText === undefined ? DEFAULT_MAX_WATCHED_BYTES : parseByteCount('max-watched', watchedText);
    const readOnly = flag(invocation, 'read-only');
    const tokenFile = stringOption(invocation, 'token-file');
    const token = tokenFile === undefined ? undefined : tokenFromFile(tokenFile);
    const allowUids = allowedUsers(listOption(invocation, 'allow-user'));
    const invoking = sudoUid();
    if (invoking !== undefined) allowUids.push(invoking);

    const server = await startServer({ port, readOnly, ...(token === undefined ? {} : { token }), allowUids, maxConnections, maxWatchedBytes }).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === 'EADDRINUSE') {
        throw Object.assign(new Error(`127.0.0.1:${port}: port is in use; pick another with --port N (0: any free port) (EADDRINUSE)`), { code: 'EADDRINUSE' });
      }
      throw error;
    });
    if (process.geteuid?.() === 0) {
      output.err(`shmscope: warning: running as root: anyone with this URL acts as root${readOnly ? ' (reading every segment; writes are refused)' : ' and can read, write and remove every segment; consider --read-only'}\n`);
    }
    if (tokenFile !== undefined && port === 0) {
      output.err(`shmscope: note: --token-file without --port: a restart picks another port, so open pages cannot reconnect; add --port ${server.port}\n`);
    }
    const users = nameLookup();
    const who = [...new Set([process.geteuid?.() ?? -1, ...allowUids])].map((uid) => users.user(uid)).join(', ');
    // Listening for Ctrl-C before saying it stops the server: one pressed (or sent) at once still stops it cleanly.
    const stopped = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await output.out(`shmscope web mode: open ${server.url}\n(only processes of ${who} on this machine can connect, with the token in the URL${readOnly ? '; read-only' : ''}; Ctrl-C stops)\n`);
    await stopped;
    await server.close();
    return 0;
  },
};

/** --allow-user values (names or uids) → uids; an unknown name is a usage error, not silently ignored. */
function allowedUsers(names: string[]): number[] {
  return names.map((name) => {
    const uid = uidOfUser(name);
    if (uid === undefined) throw new UsageError(`--allow-user: no such user "${name}"`);
    return uid;
  });
}
