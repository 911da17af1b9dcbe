// Issue 9 item 3 (CLI): `shmscope ps PID` lists every segment a process maps, with its own
// mappings and the other processes on each, against what /proc/PID/maps says.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SegmentJanitor } from '../helpers/cleanup';
import { shmscope } from '../helpers/cli';
import { type Child, ipcmk, pyChild, stopAll } from '../helpers/python-children';
import { holdPosixSemaphore } from '../helpers/semaphores';
import { uniquePosixName } from '../helpers/unique';

const janitor = new SegmentJanitor();
const children: Child[] = [];
afterEach(async () => {
  await stopAll(children.splice(0));
  janitor.cleanup();
});

interface Peer { pid: number; command: string; access: string; mappings: unknown[] }
interface Shared { kind: string; ref: string; name: string | null; mappings: { access: string }[]; holdsFd: boolean; others: Peer[] }
interface Report { pid: number; command: string; user: string; segments: Shared[] }

function ps(pid: number): Report {
  const run = shmscope(['ps', String(pid), '--json']);
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Report;
}

/** How many lines of the process's maps name this path (the kernel's count of its mappings). */
const mapsLines = (pid: number, match: (path: string) => boolean): number =>
  readFileSync(`/proc/${pid}/maps`, 'latin1').split('\n').filter((line) => match(line.split(/ +/).slice(5).join(' '))).length;

describe('shmscope ps PID', () => {
  it('lists the two segments a python child maps, its access, and who else maps each', async () => {
    const id = janitor.sysv(ipcmk(8192, '0600'));
    const name = janitor.posix(uniquePosixName('ps')).slice(1);
    writeFileSync(`/dev/shm/${name}`, Buffer.alloc(4096), { mode: 0o600 });
    const both = await pyChild('twice', String(id), `/dev/shm/${name}`); // each mapped twice: ro and rw
    children.push(both);
    const reader = await pyChild('posix', `/dev/shm/${name}`, 'ro', '1'); // shares the POSIX one only
    children.push(reader);

    const report = ps(both.pid);
    expect(report).toMatchObject({ pid: both.pid, command: 'python3', user: 'root' });
    const refs = report.segments.map((s) => s.ref).sort();
    expect(refs).toEqual([`posix:${name}`, `sysv:${id}`].sort());
    const sysv = report.segments.find((s) => s.ref === `sysv:${id}`)!;
    const posix = report.segments.find((s) => s.ref === `posix:${name}`)!;
    expect(sysv.mappings.map((m) => m.access).sort()).toEqual(['ro', 'rw']);
    expect(posix.mappings.map((m) => m.access).sort()).toEqual(['ro', 'rw']);
    expect(sysv.mappings.length).toBe(mapsLines(both.pid, (p) => /^\/SYSV[0-9a-f]{8} \(deleted\)$/.test(p)));
    expect(posix.mappings.length).toBe(mapsLines(both.pid, (p) => p === `/dev/shm/${name}`));
    expect(sysv.others).toEqual([]);
    expect(posix.others).toEqual([expect.objectContaining({ pid: reader.pid, command: 'python3', access: 'ro' })]);

    // From the other side: the reader maps the POSIX object only, shared with the first child (rw).
    const other = ps(reader.pid);
    expect(other.segments.map((s) => s.ref)).toEqual([`posix:${name}`]);
    expect(other.segments[0]!.others).toEqual([expect.objectContaining({ pid: both.pid, access: 'rw' })]);

    const text = shmscope(['ps', String(both.pid)]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout.split('\n')[0]).toBe(`python3[${both.pid}] (root): 2 segments`);
    const posixLine = text.stdout.split('\n').find((l) => l.includes(`posix:${name}`))!;
    expect(posixLine).toContain(`python3[${reader.pid}]:ro`);
  });

  it('lists the POSIX semaphores a process maps', async () => {
    const name = uniquePosixName('ps-sem');
    janitor.posix(`sem.${name.slice(1)}`);
    const holder = await holdPosixSemaphore(name, 1);
    children.push(holder);
    expect(ps(holder.pid).segments).toEqual([
      expect.objectContaining({ kind: 'posix-sem', ref: `sem:posix:${name.slice(1)}`, others: [], mappings: [expect.objectContaining({ access: 'rw' })] }),
    ]);
  });

  it('says so for a process that does not exist, and refuses what is not a pid', () => {
    const missing = shmscope(['ps', '4194304']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('pid 4194304: no such process (ESRCH)');
    const bad = shmscope(['ps', '12x']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('expected a process id, got "12x"');
  });
});
