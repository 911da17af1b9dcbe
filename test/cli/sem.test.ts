// Issue 9 item 2: `shmscope sem` lists POSIX named semaphores (value read from the file, the
// processes that map them) and System V sets (values, waiters, last pid as `ipcs -s -i` shows),
// and looking changes nothing.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeSemaphore, readPosixSemaphore } from '../../main/scan/sem-posix';
import { scanSemaphores } from '../../main/scan/semaphores';
import { readSysvSemaphores } from '../../main/scan/sem-sysv';
import { nameLookup } from '../../main/scan/users';
import { createService } from '../../main/service';
import type { PosixSemaphoreRow, Reply, SemaphoreList, SysvSemaphoreRow } from '../../common/contract';
import type { Holder } from '../helpers/children';
import { shmscope, shmscopeAsNobody } from '../helpers/cli';
import { stopAll } from '../helpers/python-children';
import {
  createSemSet, holdPosixSemaphore, ipcsSemaphores, mapPosixSemaphore, semGetValue, semopBlocked, semopNow,
} from '../helpers/semaphores';
import { uniquePosixName, uniqueSysvKey } from '../helpers/unique';

const children: Holder[] = [];
const files: string[] = [];
const sets: number[] = [];
afterEach(async () => {
  for (const id of sets.splice(0)) spawnSync('ipcrm', ['-s', String(id)], { stdio: 'ignore' }); // wakes blocked semops (EIDRM)
  await stopAll(children.splice(0));
  for (const file of files.splice(0)) rmSync(file, { force: true });
});

/** A POSIX semaphore name for sem_open ("/shmscope-test-…") and its file, cleaned up after the test. */
function semName(tag: string): { name: string; file: string } {
  const name = uniquePosixName(tag);
  const file = `/dev/shm/sem.${name.slice(1)}`;
  files.push(file);
  return { name, file };
}

/** glibc's nwaiters word (bytes 4..7), read straight from the file: evidence a sem_wait is blocked. */
const nwaiters = (file: string): number => readFileSync(file).readUInt32LE(4);

function semJson(): SemaphoreList {
  const run = shmscope(['sem', '--json']);
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as SemaphoreList;
}

const posixRow = (list: SemaphoreList, name: string) =>
  list.semaphores.find((s): s is PosixSemaphoreRow => s.kind === 'posix' && s.name === name.slice(1));
const sysvRow = (list: SemaphoreList, id: number) =>
  list.semaphores.find((s): s is SysvSemaphoreRow => s.kind === 'sysv' && s.id === id);

describe('shmscope sem: POSIX named semaphores', () => {
  it('shows each value, the blocked waiters and the processes mapping it, and reading changes nothing', async () => {
    const five = semName('five');
    const zero = semName('zero');
    const holder = await holdPosixSemaphore(five.name, 5);
    children.push(holder);
    const other = await mapPosixSemaphore(five.name);
    children.push(other);
    const waiter = await holdPosixSemaphore(zero.name, 0, 1);
    children.push(waiter);
    await vi.waitFor(() => expect(nwaiters(zero.file)).toBe(1), { timeout: 10_000 }); // the thread is in sem_wait
    const before = [readFileSync(five.file), readFileSync(zero.file)];

    const list = semJson();
    const row = posixRow(list, five.name);
    expect(row).toMatchObject({ kind: 'posix', ref: `sem:posix:${five.name.slice(1)}`, value: 5, waiters: 0, valueError: null, size: 32, perms: '0600', owner: 'root' });
    expect(row!.attachers.map((a) => a.pid).sort()).toEqual([holder.pid, other.pid].sort());
    expect(row!.attachers.every((a) => a.access === 'rw')).toBe(true);
    expect(posixRow(list, zero.name)).toMatchObject({ value: 0, waiters: 1 });
    expect(posixRow(list, zero.name)!.attachers.map((a) => a.pid)).toEqual([waiter.pid]);

    // Nothing changed: same bytes, same sem_getvalue, the waiter still blocked (glibc still counts it).
    expect([readFileSync(five.file), readFileSync(zero.file)]).toEqual(before);
    expect(semGetValue(five.name)).toBe(5);
    expect(semGetValue(zero.name)).toBe(0);
    expect(nwaiters(zero.file)).toBe(1);

    const text = shmscope(['sem']);
    expect(text.status, text.stderr).toBe(0);
    const line = text.stdout.split('\n').find((l) => l.includes(five.name.slice(1)))!;
    expect(line).toMatch(/^posix\s/);
    expect(line).toContain(`[${holder.pid}]`);
    expect(line).toMatch(/\s5\s+0\s/);
  });

  it('skips a FIFO and a symlink named sem.* without opening them, and refuses a file of an unknown size', async () => {
    const fifo = semName('fifo');
    const link = semName('link');
    const odd = semName('odd');
    const real = semName('real');
    children.push(await holdPosixSemaphore(real.name, 3));
    expect(spawnSync('mkfifo', ['-m', '0666', fifo.file]).status).toBe(0); // no writer: an open without O_NONBLOCK would hang
    symlinkSync(real.file, link.file);
    writeFileSync(odd.file, Buffer.alloc(16), { mode: 0o600 });

    const list = semJson(); // returns at all: nothing blocked on the FIFO
    expect(posixRow(list, fifo.name)).toBeUndefined();
    expect(posixRow(list, link.name)).toBeUndefined();
    expect(posixRow(list, real.name)).toMatchObject({ value: 3 });
    expect(posixRow(list, odd.name)).toMatchObject({ value: null, waiters: null, size: 16, valueError: { code: 'ELAYOUT' } });
    expect(posixRow(list, odd.name)!.valueError!.message).toContain('16 bytes');
    const text = shmscope(['sem']);
    expect(text.stdout).toContain(`${odd.name.slice(1)}: value not read: /dev/shm/sem.${odd.name.slice(1)}: 16 bytes`);
  });

  it('refuses a FIFO or symlink swapped in after the listing, without blocking', async () => {
    const fifo = semName('swap-fifo');
    const link = semName('swap-link');
    const real = semName('swap-real');
    children.push(await holdPosixSemaphore(real.name, 2));
    expect(spawnSync('mkfifo', [fifo.file]).status).toBe(0);
    symlinkSync(real.file, link.file);
    const st = statSync(real.file); // what the listing saw: a regular file
    expect(readPosixSemaphore(fifo.file, st)).toMatchObject({ ok: false, code: 'ENOTREG' });
    expect(readPosixSemaphore(link.file, st)).toMatchObject({ ok: false, code: 'ELOOP' });
    expect(readPosixSemaphore(real.file, st)).toEqual({ ok: true, value: 2, waiters: 0 });
  });

  it('knows only the glibc x86-64 layout', () => {
    const bytes = Buffer.alloc(32);
    bytes.writeUInt32LE(9, 0);
    bytes.writeUInt32LE(128, 8);
    expect(decodeSemaphore(bytes, 'x64')).toEqual({ ok: true, value: 9, waiters: 0 });
    expect(decodeSemaphore(bytes, 'arm64')).toMatchObject({ ok: false, code: 'ELAYOUT' });
    expect(decodeSemaphore(bytes.subarray(0, 16), 'x64')).toMatchObject({ ok: false, code: 'ELAYOUT' });
    bytes.writeUInt32LE(7, 8);
    expect(decodeSemaphore(bytes, 'x64')).toMatchObject({ ok: false, code: 'ELAYOUT' });
  });
});

describe('shmscope sem: System V semaphore sets', () => {
  it('shows values, waiters and last pids as ipcs -s -i does, and leaves a blocked waiter blocked', async () => {
    const key = uniqueSysvKey();
    const { id, pid: creator } = createSemSet(key, [0, 5, 7]);
    sets.push(id);
    const poster = semopNow(id, 2, 1); // 7 → 8, last pid of semaphore 2
    const decrementer = await semopBlocked(id, 0, -1); // waits for semaphore 0 to increase
    children.push(decrementer);
    const zeroWaiter = await semopBlocked(id, 1, 0); // waits for semaphore 1 to become zero
    children.push(zeroWaiter);
    await vi.waitFor(() => {
      const [s0, s1] = ipcsSemaphores(id);
      expect([s0![1], s1![2]]).toEqual([1, 1]); // both are in the kernel's wait queues
    }, { timeout: 10_000 });

    const list = semJson();
    const row = sysvRow(list, id)!;
    expect(row).toMatchObject({
      kind: 'sysv', ref: `sem:sysv:${id}`, key: `0x${key.toString(16).padStart(8, '0')}`, nsems: 3, perms: '0600', owner: 'root',
      values: [0, 5, 8], waiting: [1, 0, 0], waitingForZero: [0, 1, 0], lastPids: [creator, creator, poster], valueError: null,
    });
    // The same figures as util-linux's ipcs, semaphore by semaphore.
    const ipcs = ipcsSemaphores(id);
    expect(row.values!.map((value, i) => [value, row.waiting![i], row.waitingForZero![i], row.lastPids![i]])).toEqual(ipcs);

    // Reading changed nothing: the waiters are still blocked, the values as they were.
    expect(ipcsSemaphores(id)).toEqual(ipcs);
    const text = shmscope(['sem']);
    const line = text.stdout.split('\n').find((l) => l.startsWith('sysv') && l.includes(row.key))!;
    expect(line).toContain(' 0,5,8 ');
    expect(line).toContain(` ${creator},${creator},${poster}`);
  });

  it('lists a set it may not read with the reason (as nobody)', () => {
    const { id } = createSemSet(uniqueSysvKey(), [4]);
    sets.push(id);
    const run = shmscopeAsNobody(['sem', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const row = sysvRow(JSON.parse(run.stdout) as SemaphoreList, id);
    expect(row).toMatchObject({ values: null, lastPids: null, valueError: { code: 'EACCES' } });
  });

  it('reads at most a budget of semaphores per listing, and lists the sets past it without values (E2BIG)', () => {
    const first = createSemSet(uniqueSysvKey(), [1, 2]);
    sets.push(first.id);
    const second = createSemSet(uniqueSysvKey(), [3, 4]);
    sets.push(second.id);
    // Only our two sets, in id order, against a budget of 3 semaphores: the second does not fit.
    const budget = readSysvSemaphores(nameLookup(), Number.MAX_SAFE_INTEGER)
      .filter((r) => r.id < first.id).reduce((n, r) => n + r.nsems, 0) + 3;
    const rows = readSysvSemaphores(nameLookup(), budget);
    expect(rows.find((r) => r.id === first.id)).toMatchObject({ values: [1, 2], valueError: null });
    expect(rows.find((r) => r.id === second.id)).toMatchObject({ values: null, valueError: { code: 'E2BIG' } });
  });

  it('the service answers listSemaphores with the same rows', async () => {
    const { id } = createSemSet(uniqueSysvKey(), [1, 2]);
    sets.push(id);
    const service = createService({ transport: 'web' });
    try {
      const client = service.connect(() => undefined);
      const reply = await client.call('listSemaphores', []) as Reply<SemaphoreList>;
      expect(reply.ok).toBe(true);
      if (reply.ok) expect(sysvRow(reply.result, id)).toMatchObject({ values: [1, 2], waiting: [0, 0] });
      expect(sysvRow(scanSemaphores(), id)).toMatchObject({ values: [1, 2] });
    } finally {
      await service.close();
    }
  });
});
