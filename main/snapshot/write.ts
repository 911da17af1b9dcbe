// Saving a segment's bytes as a snapshot file, atomically and without trusting the directory:
// shmscope often runs as root, and the target directory (/tmp) may be writable by a hostile user.
//  - The bytes go to a new temporary file beside the target, created O_CREAT|O_EXCL|O_NOFOLLOW
//    with mode 0600 (segments hold other users' secrets), so nothing planted there is opened.
//  - Without --force, link(2) gives it the target's name: link never replaces anything (a file or
//    a symlink planted meanwhile makes it fail with EEXIST). With --force, rename(2) replaces the
//    name itself; a symlink there is replaced, never followed.
// Readers see the old file or the whole new one, never a part.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, linkSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import { errorCode, ShmscopeError } from '../errors';
import { native } from '../native';
import { formatKey, type Segment } from '../segments';
import { CHUNK_BYTES, fileError } from './file';
import { encodeHeader, type SnapshotHeader } from './format';

/** Saves `segment` to `file`; refuses an existing `file` unless `force`. Returns the metadata written. */
export function writeSnapshot(segment: Segment, file: string, force: boolean): SnapshotHeader {
  if (!force && exists(file)) throw new ShmscopeError(file, 'already exists — pass --force to replace it', 'EEXIST');
  const temp = join(dirname(file), `.shmscope-snap-${randomBytes(8).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    throw fileError(file, `create a temporary file in ${dirname(file)}`, error);
  }
  let placed = false;
  try {
    const header = writeContents(fd, temp, segment);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    place(temp, file, force);
    placed = true;
    return header;
  } finally {
    if (fd >= 0) closeSync(fd);
    if (!placed) unlinkQuietly(temp);
  }
}

/** Header (with a placeholder checksum), data in chunks, then the real checksum over the placeholder. */
function writeContents(fd: number, temp: string, segment: Segment): SnapshotHeader {
  const header: SnapshotHeader = {
    ref: segment.ref,
    kind: segment.kind,
    key: /^sysv:[0-9]+$/.test(segment.ref) ? sysvKey(segment.ref) : null,
    name: segment.ref.startsWith('posix:') ? `/${segment.ref.slice('posix:'.length)}` : null,
    size: segment.size,
    time: new Date().toISOString(),
    shmscope: pkg.version,
    sha256: '0'.repeat(64),
  };
  const head = encodeHeader(header);
  writeAll(fd, temp, head, 0);
  const hash = createHash('sha256');
  for (let at = 0; at < header.size; at += CHUNK_BYTES) {
    const chunk = segment.read(at, Math.min(CHUNK_BYTES, header.size - at));
    hash.update(chunk);
    writeAll(fd, temp, chunk, head.length + at);
  }
  header.sha256 = hash.digest('hex');
  // sha256 is the last field: its 64 hex digits end 3 bytes before the end of the header ('"}\n').
  writeAll(fd, temp, Buffer.from(header.sha256, 'latin1'), head.length - 3 - 64);
  return header;
}

function sysvKey(ref: string): string {
  return formatKey(native().sysvStat(Number(ref.slice('sysv:'.length))).key);
}

function writeAll(fd: number, file: string, data: Buffer, position: number): void {
  try {
    for (let done = 0; done < data.length;) done += writeSync(fd, data, done, data.length - done, position + done);
  } catch (error) {
    throw fileError(file, 'write', error);
  }
}

function place(temp: string, file: string, force: boolean): void {
  try {
    if (force) {
      renameSync(temp, file);
      return;
    }
    linkSync(temp, file);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') throw new ShmscopeError(file, 'already exists — pass --force to replace it', code);
    if (code === 'EPERM' || code === 'ENOTSUP') throw new ShmscopeError(file, 'cannot save without replacing: this file system has no hard links (--force saves with rename)', code);
    throw fileError(file, `save as ${basename(file)}`, error);
  }
  unlinkQuietly(temp);
}

function exists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw fileError(file, 'look at', error);
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone (renamed into place, or never created): nothing to clean.
  }
}
