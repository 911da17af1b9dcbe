// Snapshot files against a hostile local user (issue 10, item 4). shmscope runs as root here:
// a symlink another user plants where root saves a snapshot is never followed; a snapshot file is
// untrusted input, so a damaged or forged one is refused with the file and the reason named, and
// nothing is written into the segment; load never reads through a symlink or from a FIFO/device.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SegmentJanitor } from '../helpers/cleanup';
import { NOBODY, shmscope } from '../helpers/cli';

const janitor = new SegmentJanitor();
afterEach(() => janitor.cleanup());
// A sticky, world-writable directory like /tmp, where the hostile user can plant names.
const dir = mkdtempSync(join(tmpdir(), 'shmscope-hostile-snap-'));
chmodSync(dir, 0o1777);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function asNobody(...command: string[]): void {
  const result = spawnSync('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', ...command], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
}

function ok(args: string[]): string {
  const result = shmscope(args);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

function path(name: string): string {
  return join(dir, `${name}-${randomBytes(3).toString('hex')}`);
}

function makeSegment(): string {
  const ref = janitor.ref(ok(['create', 'sysv', '--private', '--size', '64', '--mode', '0600']));
  ok(['write', ref, '--offset', '0', '--text', 'original bytes']);
  return ref;
}

describe('snap never follows a symlink planted at its output', () => {
  it('refuses a link to an existing file, and to a file that does not exist yet; --force replaces the link itself', () => {
    const ref = makeSegment();
    const victim = path('victim');
    writeFileSync(victim, 'root\'s file\n');
    const link = path('out.snap');
    asNobody('ln', '-s', victim, link);
    const refused = shmscope(['snap', ref, '-o', link]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(`shmscope snap: ${link}: already exists — pass --force to replace it (EEXIST)\n`);
    expect(readFileSync(victim, 'utf8')).toBe('root\'s file\n');
    expect(readlinkSync(link)).toBe(victim);

    const dangling = path('dangling.snap');
    const wouldCreate = path('created-through-link');
    asNobody('ln', '-s', wouldCreate, dangling);
    expect(shmscope(['snap', ref, '-o', dangling]).status).toBe(1);
    expect(existsSync(wouldCreate)).toBe(false);

    expect(ok(['snap', ref, '-o', link, '--force'])).toBe(`saved 64 bytes of ${ref} to ${link}\n`);
    const replaced = lstatSync(link);
    expect(replaced.isFile()).toBe(true);
    expect([replaced.uid, replaced.mode & 0o777]).toEqual([0, 0o600]);
    expect(readFileSync(victim, 'utf8')).toBe('root\'s file\n');
    expect(ok(['diff', link, ref])).toBe('');
  });
});

describe('load and diff of untrusted files', () => {
  // One segment for every case (the file-level janitor empties itself after each test).
  const shared = new SegmentJanitor();
  let ref: string;
  let good: Buffer;
  beforeAll(() => {
    ref = shared.ref(ok(['create', 'sysv', '--private', '--size', '64', '--mode', '0600']));
    const file = path('good.snap');
    ok(['snap', ref, '-o', file]);
    good = readFileSync(file);
  });
  afterAll(() => shared.cleanup());

  const lines = (): [string, string, Buffer] => {
    const first = good.indexOf(0x0a) + 1;
    const second = good.indexOf(0x0a, first) + 1;
    return [good.subarray(0, first).toString('latin1'), good.subarray(first, second - 1).toString('utf8'), good.subarray(second)];
  };
  /** The good snapshot with its metadata changed (and the checksum made to match its data). */
  const withHeader = (change: (fields: Record<string, unknown>) => void, data = lines()[2]): Buffer => {
    const [magic, header] = lines();
    const fields = JSON.parse(header) as Record<string, unknown>;
    fields.sha256 = createHash('sha256').update(data).digest('hex');
    change(fields);
    return Buffer.concat([Buffer.from(`${magic}${JSON.stringify(fields)}\n`), data]);
  };

  const cases: [string, () => Buffer, string, string][] = [
    ['cut inside the data', () => good.subarray(0, good.length - 10), 'the metadata says 64 bytes of data, the file holds 54', 'ETRUNCATED'],
    ['cut inside the metadata line', () => good.subarray(0, 40), 'the file ends inside its metadata line', 'ETRUNCATED'],
    ['cut inside the first line', () => good.subarray(0, 18), 'the file ends inside its first line', 'ETRUNCATED'],
    ['another format version', () => Buffer.concat([Buffer.from('shmscope-snapshot/2\n'), good.subarray(20)]), 'format version "2" is not one this shmscope reads (it reads 1)', 'ENOTSUP'],
    ['a changed data byte', () => Buffer.concat([good.subarray(0, good.length - 1), Buffer.from([good.at(-1)! ^ 1])]), 'its bytes do not match the checksum in its metadata (the file was changed or damaged)', 'EINVAL'],
    ['bytes after the data', () => Buffer.concat([good, Buffer.from('xx')]), '2 bytes follow the 64 bytes of data the metadata announces', 'EINVAL'],
    ['a size past 2^53', () => withHeader((f) => { f.size = Number.MAX_SAFE_INTEGER; }), `size ${Number.MAX_SAFE_INTEGER} is too large`, 'EINVAL'],
    ['a size that promises more than the file', () => withHeader((f) => { f.size = 2 ** 40; }), `the metadata says ${2 ** 40} bytes of data, the file holds 64`, 'ETRUNCATED'],
    ['a negative size', () => withHeader((f) => { f.size = -1; }), 'metadata field "size" is not a byte count', 'EINVAL'],
    ['a size as text', () => withHeader((f) => { f.size = '64'; }), 'metadata field "size" is not a byte count', 'EINVAL'],
    ['no checksum', () => withHeader((f) => { delete f.sha256; }), 'metadata field "sha256" is missing or malformed', 'EINVAL'],
    ['a kind that does not match the ref', () => withHeader((f) => { f.kind = 'posix'; }), 'metadata field "ref" is missing or malformed', 'EINVAL'],
    ['a JSON array', () => Buffer.concat([Buffer.from(`${lines()[0]}[]\n`), lines()[2]]), 'the metadata line is not a JSON object', 'EINVAL'],
    ['metadata that is not JSON', () => Buffer.concat([Buffer.from(`${lines()[0]}{"ref":\n`), lines()[2]]), 'the metadata line is not JSON in UTF-8', 'EINVAL'],
    ['metadata that is not UTF-8', () => Buffer.concat([Buffer.from(lines()[0]), Buffer.from([0x7b, 0xff, 0x7d, 0x0a]), lines()[2]]), 'the metadata line is not JSON in UTF-8', 'EINVAL'],
    ['a metadata line over 64 KiB', () => withHeader((f) => { f.padding = 'x'.repeat(70_000); }), 'the metadata line is longer than 65536 bytes', 'EINVAL'],
  ];

  it.each(cases)('refuses a snapshot with %s, names the file and the reason, writes nothing', (_what, make, reason, code) => {
    const before = ok(['dump', ref]);
    const file = path('bad.snap');
    writeFileSync(file, make());
    const loaded = shmscope(['load', ref, file, '--force']);
    expect(loaded.status).toBe(1);
    expect(loaded.stderr).toBe(`shmscope load: ${file}: not a valid shmscope snapshot: ${reason} (${code})\n`);
    expect(ok(['dump', ref])).toBe(before);
    const diffed = shmscope(['diff', file, ref]);
    expect(diffed.status).toBe(2);
    expect(diffed.stderr).toBe(`shmscope diff: ${file}: not a valid shmscope snapshot: ${reason} (${code})\n`);
  });

  it('a good snapshot still loads (the cases above differ from it only as described)', () => {
    const file = path('good-again.snap');
    writeFileSync(file, withHeader(() => undefined));
    expect(shmscope(['load', ref, file]).status).toBe(0);
  });

  it('load refuses a symlink planted as FILE (it could point at /etc/shadow), a hard link, and a FIFO (it would block)', () => {
    const secret = path('secret');
    writeFileSync(secret, Buffer.alloc(64, 0x53), { mode: 0o600 });
    const link = path('planted.snap');
    asNobody('ln', '-s', secret, link);
    const before = ok(['dump', ref]);
    const refused = shmscope(['load', ref, link]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(`shmscope load: ${link}: is a symbolic link — refusing to follow it (give the file it points to) (ELOOP)\n`);
    // A hard link needs no permission on the file when fs.protected_hardlinks is 0; root makes it here.
    const hardLink = path('hard.snap');
    linkSync(secret, hardLink);
    const linked = shmscope(['load', ref, hardLink]);
    expect(linked.status).toBe(1);
    expect(linked.stderr).toBe(`shmscope load: ${hardLink}: has 2 hard links — refusing to read it (another user may have linked in a file only root can read; copy it first) (EMLINK)\n`);
    const fifo = path('fifo');
    asNobody('mkfifo', fifo);
    const blocked = shmscope(['load', ref, fifo]);
    expect(blocked.status).toBe(1);
    expect(blocked.stderr).toBe(`shmscope load: ${fifo}: is not a regular file — refusing to read it (ENOTREG)\n`);
    expect(ok(['dump', ref])).toBe(before);
  });
});
