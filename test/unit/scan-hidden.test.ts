// Issue 8 item 10: objects that were hidden from the listing. A POSIX name that is not valid
// UTF-8 is listed, escaped as refs spell it; an object unlinked while mapped is listed as deleted,
// with the processes that still map it.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { scanSegments, type PosixRow } from '../../main/scan/index';
import { escapePosixName } from '../../main/segments/posix-name';
import { SegmentJanitor } from '../helpers/cleanup';
import { shmscope } from '../helpers/cli';
import { type Child, pyChild, stopAll } from '../helpers/python-children';
import { uniquePosixName } from '../helpers/unique';

const janitor = new SegmentJanitor();
const children: Child[] = [];
const rawNames: Buffer[] = [];
afterEach(async () => {
  await stopAll(children.splice(0));
  janitor.cleanup();
  for (const name of rawNames.splice(0)) rmSync(Buffer.concat([Buffer.from('/dev/shm/'), name]), { force: true });
});

const posixRows = (): PosixRow[] => scanSegments().segments.filter((r): r is PosixRow => r.kind === 'posix');

describe('a POSIX name that is not valid UTF-8', () => {
  it('is listed, named with the escape refs use (posix:...\\xff...)', () => {
    const base = uniquePosixName('bytes').slice(1);
    const name = Buffer.concat([Buffer.from(`${base}-`), Buffer.from([0xff, 0xfe]), Buffer.from('-\\-é')]);
    rawNames.push(name);
    // Created by another program from a bytes path, the way such names come to exist.
    execFileSync('python3', ['-c', 'import os,sys; fd = os.open(b"/dev/shm/" + bytes.fromhex(sys.argv[1]), os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600); os.ftruncate(fd, 4096)', name.toString('hex')]);
    const escaped = `${base}-\\xff\\xfe-\\\\-é`;
    expect(escapePosixName(name)).toBe(escaped);
    const row = posixRows().find((r) => r.name === escaped);
    expect(row).toMatchObject({ ref: `posix:${escaped}`, size: 4096, perms: '0600', nattch: 0 });
    expect(row!.deleted).toBeUndefined();
    const listed = JSON.parse(shmscope(['ls', '--json']).stdout) as { segments: PosixRow[] };
    expect(listed.segments.map((r) => r.ref)).toContain(`posix:${escaped}`);
  });
});

describe('a POSIX object unlinked while still mapped', () => {
  it('is listed with status deleted and the process that maps it', async () => {
    const name = janitor.posix(uniquePosixName('unlinked')).slice(1);
    writeFileSync(`/dev/shm/${name}`, Buffer.alloc(3 * 4096), { mode: 0o640 });
    const { dev, ino } = statSync(`/dev/shm/${name}`);
    const holder = await pyChild('posix', `/dev/shm/${name}`, 'ro', '1');
    children.push(holder);
    rmSync(`/dev/shm/${name}`); // shm_unlink: the name is gone, the memory lives on while mapped
    expect(readFileSync(`/proc/${holder.pid}/maps`, 'latin1')).toContain(`/dev/shm/${name} (deleted)`);

    const row = posixRows().find((r) => r.deleted === true && r.name === name);
    const devText = `${(Number(BigInt(dev) >> 8n) & 0xfff).toString(16).padStart(2, '0')}:${(dev & 0xff).toString(16).padStart(2, '0')}`;
    expect(row).toMatchObject({ ref: `posix-deleted:${devText}:${ino}`, size: 3 * 4096, nattch: 1 });
    expect(row!.attachers.map((a) => [a.pid, a.command, a.access])).toEqual([[holder.pid, 'python3', 'ro']]);
    if (process.getuid!() === 0) expect(row).toMatchObject({ perms: '0640', uid: 0, owner: 'root' }); // through /proc/PID/map_files

    const table = shmscope(['ls']).stdout.split('\n').find((line) => line.includes(` ${name} `));
    expect(table).toMatch(new RegExp(`\\bdeleted +.*\\bpython3\\[${holder.pid}\\]\\((ro|rw|ro\\+rw)\\)$`));  // ATTACHED last, with access
    const shown = shmscope(['show', row!.ref]);
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^status: +deleted/m);
    expect(shown.stdout).toMatch(new RegExp(`^ *${holder.pid} +python3 +\\S+ +ro `, 'm'));

    // posix:NAME names what is in /dev/shm now: not the unlinked object.
    expect(shmscope(['show', `posix:${name}`]).status).not.toBe(0);

    await holder.stop();
    expect(posixRows().find((r) => r.ref === row!.ref)).toBeUndefined(); // gone with its last mapping
    const gone = shmscope(['show', row!.ref]);
    expect(gone.status).not.toBe(0);
    expect(gone.stderr).toContain(`${row!.ref}: no such segment`);
  });
});
