// Which local users may use the web mode. The token alone is not enough when the server runs
// as root: anyone who sees the URL (a shell history, a screen, a process list of the browser)
// would act as root. So a connection is served only when its peer process runs as the
// server's own user or as a user it was told to allow (--allow-user; under sudo, SUDO_UID).
import { execFileSync } from 'node:child_process';
import type { Socket } from 'node:net';
import { nameLookup } from '../scan/users';
import { peerUid } from './peer';

export type PeerVerdict = { ok: true } | { ok: false; reason: string };

export function judgePeer(socket: Socket, allowedUids: ReadonlySet<number>): PeerVerdict {
  const { localAddress, localPort, remoteAddress, remotePort } = socket;
  if (localAddress === undefined || localPort === undefined || remoteAddress === undefined || remotePort === undefined) {
    return { ok: false, reason: 'the connection closed before its user could be told' };
  }
  const uid = peerUid({ address: localAddress, port: localPort }, { address: remoteAddress, port: remotePort });
  if (uid === undefined) return { ok: false, reason: 'cannot tell which local user this connection comes from; refused' };
  if (allowedUids.has(uid)) return { ok: true };
  const users = nameLookup();
  const self = process.geteuid?.() ?? -1;
  const name = users.user(uid);
  return {
    ok: false,
    reason: `connections from user ${name} (uid ${uid}) are refused: this server runs as ${users.user(self)} (uid ${self}) `
      + `and serves only its own user; to allow ${name}, restart it with --allow-user ${name}`,
  };
}

/** Under sudo, the user who ran it (allowed by default: it is their browser that connects). */
export function sudoUid(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const sudo = env['SUDO_UID'];
  return process.geteuid?.() === 0 && sudo !== undefined && /^\d+$/.test(sudo) ? Number(sudo) : undefined;
}

/** A user name (or numeric uid) → uid, through the system's user database (NSS, not just /etc/passwd). */
export function uidOfUser(name: string): number | undefined {
  if (/^\d+$/.test(name)) return Number(name);
  try {
    const out = execFileSync('id', ['-u', '--', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return /^\d+$/.test(out) ? Number(out) : undefined;
  } catch {
    return undefined;
  }
}
