// `serve --token-file PATH`: the URL's token kept in a file, so a restarted server (same --port)
// has the same URL and open pages reconnect by themselves. The file is a credential: it must be
// a regular file of ours that no one else may read, opened without following a symlink and
// without blocking on a FIFO another user planted; a missing file is created 0600, exclusively.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { errorCode, ShmscopeError } from '../errors';

/** What startServer accepts as a token (what randomBytes(24).base64url gives is 32 chars). */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,128}$/;

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function tokenFromFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return createTokenFile(path);
    if (errorCode(error) === 'ELOOP') throw new ShmscopeError(path, 'token file is a symbolic link; refusing it', 'ELOOP');
    throw new ShmscopeError(path, `cannot open token file: ${(error as Error).message}`, errorCode(error) ?? 'EIO');
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new ShmscopeError(path, 'token file is not a regular file', 'EINVAL');
    const euid = process.geteuid?.() ?? -1;
    if (stat.uid !== euid) throw new ShmscopeError(path, `token file belongs to uid ${stat.uid}, not to us (uid ${euid}); refusing it`, 'EPERM');
    if ((stat.mode & 0o077) !== 0) throw new ShmscopeError(path, `token file is readable by others (mode ${(stat.mode & 0o777).toString(8)}); chmod 600 it`, 'EPERM');
    const buffer = Buffer.alloc(256);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    const token = buffer.subarray(0, length).toString('utf8').trim();
    if (!TOKEN_PATTERN.test(token)) throw new ShmscopeError(path, 'token file does not hold a token (32 to 128 characters of A-Z a-z 0-9 _ -)', 'EINVAL');
    return token;
  } finally {
    closeSync(fd);
  }
}

function createTokenFile(path: string): string {
  const token = newToken();
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    throw new ShmscopeError(path, `cannot create token file: ${(error as Error).message}`, errorCode(error) ?? 'EIO');
  }
  try {
    writeSync(fd, `${token}\n`);
  } finally {
    closeSync(fd);
  }
  return token;
}
