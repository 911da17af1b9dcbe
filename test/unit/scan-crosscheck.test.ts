// The scanner next to the standard tools (lsipc, ipcs, find) on the same segments, and run as an
// unprivileged user to see how unreadable processes are counted.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type Limits, scanLimits, scanSegments, type ScanResult, type SysvRow } from '../../main/scan/index';
import { type Child, ipcmk, pyChild, removeSysv, stopAll } from '../helpers/python-children';
import { bundleScanScript } from '../helpers/scan-bundle';

const children: Child[] = [];
const sysvIds: number[] = [];
afterEach(async () => {
  await stopAll(children.splice(0));
  for (const id of sysvIds.splice(0)) removeSysv(id);
});

function newSysv(size: number, mode: string): number {
  const id = ipcmk(size, mode);
  sysvIds.push(id);
  return id;
}

async function child(...args: string[]): Promise<Child> {
  const c = await pyChild(...args);
  children.push(c);
  return c;
}

/** lsipc's JSON has one array under a name that depends on the version (or "" when empty). */
function lsipcRows(args: string[]): Array<Record<string, string | null>> {
  const json = JSON.parse(execFileSync('lsipc', args, { encoding: 'utf8' })) as Record<string, Array<Record<string, string | null>>>;
  return Object.values(json)[0] ?? [];
}

describe('cross-check with lsipc', () => {
  it('SysV rows agree with lsipc -m on key, id, size, perms, nattch, owner, cpid, lpid, status', async () => {
    const plain = newSysv(4096, '0640');
    const big = newSysv(3 * 65536 + 5, '0604');
    const attached = newSysv(8192, '0666');
    const removed = newSysv(4096, '0600');
    await child('sysv', String(attached), 'rw', '1');
    await child('sysv', String(attached), 'ro', '1');
    await child('sysv', String(removed), 'ro', '1');
    execFileSync('ipcrm', ['-m', String(removed)]);

    const ours = new Map(scanSegments().segments.filter((r): r is SysvRow => r.kind === 'sysv').map((r) => [r.id, r]));
    const theirs = new Map(lsipcRows(['-m', '--json', '-b', '-P', '-o', 'KEY,ID,PERMS,OWNER,SIZE,NATTCH,STATUS,CPID,LPID'])
      .map((r) => [Number(r.id), r]));
    for (const id of [plain, big, attached, removed]) {
      const row = ours.get(id)!;
      const ls = theirs.get(id)!;
      expect(row, `sysv:${id}`).toBeDefined();
      expect(ls, `lsipc id ${id}`).toBeDefined();
      expect({
        key: row.key, id: String(row.id), size: String(row.size), perms: row.perms, nattch: String(row.nattch),
        owner: row.owner, cpid: String(row.cpid), lpid: String(row.lpid), dest: row.dest,
      }).toEqual({
        key: ls.key, id: ls.id, size: ls.size, perms: ls.perms, nattch: ls.nattch,
        owner: ls.owner, cpid: ls.cpid, lpid: ls.lpid, dest: (ls.status ?? '').includes('dest'),
      });
    }
    expect(ours.get(attached)!.attachers).toHaveLength(2);
    expect(ours.get(removed)!.attachers).toHaveLength(1);
  });

  // Other test files create segments at the same time: compare only when the tool's numbers did not
  // change around our scan.
  function stable<T>(tool: () => T, ours: () => Limits): { before: T; limits: Limits } {
    for (let attempt = 0; ; attempt++) {
      const before = tool();
      const limits = ours();
      const after = tool();
      if (JSON.stringify(before) === JSON.stringify(after) || attempt === 20) return { before, limits };
    }
  }

  it('limits and use agree with lsipc -g and ipcs -mu', () => {
    const id = newSysv(3 * 4096 + 1, '0600'); // 4 pages in use
    expect(id).toBeGreaterThanOrEqual(0);
    const read = () => new Map(lsipcRows(['-g', '--json', '-b']).map((r) => [r.resource, r]));
    const { before: ls, limits } = stable(() => [...read()], scanLimits);
    const g = new Map(ls);
    expect(limits.shmmni).toBe(Number(g.get('SHMMNI')!.limit));
    expect(limits.segments).toBe(Number(g.get('SHMMNI')!.used));
    // lsipc --json prints these as JSON numbers, which JSON.parse rounds: take its raw digits.
    const raw = new Map(execFileSync('lsipc', ['-g', '-b', '--raw', '--noheadings', '-o', 'RESOURCE,LIMIT'], { encoding: 'utf8' })
      .trim().split('\n').map((line) => line.split(' ') as [string, string]));
    expect(String(limits.shmall)).toBe(raw.get('SHMALL'));
    expect(String(limits.shmmax)).toBe(raw.get('SHMMAX'));
    // lsipc's SHMALL "used" is floor(sum of sizes / page size); the kernel (SHM_INFO shm_tot, which
    // shmall limits) counts whole pages per segment, as ipcs -u does: compare with that.
    const ipcsUse = () => execFileSync('ipcs', ['-mu'], { encoding: 'utf8' });
    const { before: u, limits: use } = stable(ipcsUse, scanLimits);
    expect(use.segments).toBe(Number(/segments allocated\s+(\d+)/.exec(u)![1]));
    expect(use.pagesInUse).toBe(Number(/pages allocated\s+(\d+)/.exec(u)![1]));
    expect(use.segments).toBeGreaterThanOrEqual(1);
    expect(use.pagesInUse).toBeGreaterThanOrEqual(4);
  });

  it('limits agree with ipcs -lm and page size with getconf; POSIX totals with find', () => {
    const ipcs = execFileSync('ipcs', ['-lm'], { encoding: 'utf8' });
    const field = (label: string) => BigInt(new RegExp(`${label}\\s*=\\s*(\\d+)`).exec(ipcs)![1]!);
    const limits = scanLimits();
    expect(BigInt(limits.shmmni)).toBe(field('max number of segments'));
    expect(BigInt(limits.shmmax) / 1024n).toBe(field('max seg size \\(kbytes\\)'));
    expect(limits.pageSize).toBe(Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' })));

    const find = () => execFileSync('find', ['/dev/shm', '-maxdepth', '1', '-type', 'f', '!', '-name', 'sem.*', '-printf', '%s\\n'], { encoding: 'utf8' })
      .split('\n').filter(Boolean).map(Number);
    const { before: sizes, limits: posix } = stable(find, scanLimits);
    expect(posix.posixObjects).toBe(sizes.length);
    expect(posix.posixBytes).toBe(sizes.reduce((a, b) => a + b, 0));
  });
});

describe('as an unprivileged user', () => {
  const canDropPrivileges = process.getuid!() === 0 && spawnSync('setpriv', ['--version']).status === 0;

  it.runIf(canDropPrivileges)("counts other users' processes as unreadable and never guesses their attachments", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shmscope-scan-'));
    try {
      chmodSync(dir, 0o755);
      const script = await bundleScanScript(dir, "import { scanSegments } from './main/scan/index'; process.stdout.write(JSON.stringify(scanSegments()));");
      for (const file of readdirSync(dir)) chmodSync(join(dir, file), 0o644);

      const id = newSysv(4096, '0644');
      const holder = await child('sysv', String(id), 'rw', '1'); // a root process: its maps are closed to nobody

      const run = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, script], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as ScanResult;
      const row = result.segments.find((r): r is SysvRow => r.kind === 'sysv' && r.id === id)!;

      // The kernel still lists the segment with its attach count, but /proc/PID/maps of another
      // user's process fails with EACCES (ptrace access mode check): counted, not guessed.
      expect(row.nattch).toBe(1);
      expect(row.attachers).toEqual([]);
      expect(result.unreadableProcesses).toBeGreaterThan(0);
      expect(row.unreadableProcesses).toBe(result.unreadableProcesses);
      // ... and named: pid, command and why.
      expect(result.unreadable, JSON.stringify(result.unreadable.filter((u) => u.pid === holder.pid))).toContainEqual({ pid: holder.pid, command: 'python3', reason: 'EACCES' });
      expect(result.unreadable.length).toBe(result.unreadableProcesses);
      expect(result.scannedProcesses).toBeGreaterThanOrEqual(1); // at least itself

      // As root the same segment is fully accounted for.
      const asRoot = scanSegments().segments.find((r): r is SysvRow => r.kind === 'sysv' && r.id === id)!;
      expect(asRoot.attachers.map((a) => a.pid)).toEqual([holder.pid]);
      expect(asRoot.unreadableProcesses).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
