// Issue 8 item 9: a process that maps one segment twice (read-only and read-write) shows both
// mappings with their own access, in the scanner, `shmscope show`, `ls --json`, `ls` and the service.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { scanSegments, type Mapping, type SegmentRow } from '../../main/scan/index';
import { createService } from '../../main/service';
import type { Reply, ScanResult } from '../../common/contract';
import { SegmentJanitor } from '../helpers/cleanup';
import { shmscope } from '../helpers/cli';
import { type Child, ipcmk, pyChild, stopAll } from '../helpers/python-children';
import { uniquePosixName } from '../helpers/unique';

const janitor = new SegmentJanitor();
const children: Child[] = [];
afterEach(async () => {
  await stopAll(children.splice(0));
  janitor.cleanup();
});

/** The kernel's own word: the lines of /proc/PID/maps for this shmid or /dev/shm name, as mappings. */
function kernelMappings(pid: number, match: (path: string) => boolean): Mapping[] {
  return readFileSync(`/proc/${pid}/maps`, 'latin1').split('\n').filter(Boolean).flatMap((line) => {
    const [range, perms, , , , ...path] = line.split(/ +/);
    if (!match(path.join(' '))) return [];
    const [start, end] = range!.split('-');
    return [{ start: `0x${start}`, end: `0x${end}`, access: perms![1] === 'w' ? 'rw' as const : 'ro' as const }];
  });
}

async function twiceMapped(): Promise<{ id: number; name: string; child: Child; sysv: Mapping[]; posix: Mapping[] }> {
  const id = janitor.sysv(ipcmk(8192, '0600'));
  const name = janitor.posix(uniquePosixName('twice')).slice(1);
  writeFileSync(`/dev/shm/${name}`, Buffer.alloc(4096), { mode: 0o600 });
  const child = await pyChild('twice', String(id), `/dev/shm/${name}`);
  children.push(child);
  const sysv = kernelMappings(child.pid, (path) => /^\/SYSV[0-9a-f]{8} \(deleted\)$/.test(path)); // the only SysV segment it maps
  const posix = kernelMappings(child.pid, (path) => path === `/dev/shm/${name}`);
  // What the kernel shows: two ranges each, one read-only and one read-write.
  expect(sysv.map((m) => m.access).sort()).toEqual(['ro', 'rw']);
  expect(posix.map((m) => m.access).sort()).toEqual(['ro', 'rw']);
  return { id, name, child, sysv, posix };
}

const byStart = (a: Mapping, b: Mapping) => (BigInt(a.start) < BigInt(b.start) ? -1 : 1);

function expectBothMappings(row: SegmentRow | undefined, pid: number, kernel: Mapping[]): void {
  expect(row).toBeDefined();
  expect(row!.attachers.map((a) => a.pid)).toEqual([pid]); // one process...
  expect([...row!.attachers[0]!.mappings].sort(byStart)).toEqual([...kernel].sort(byStart)); // ...with both ranges and their own access
}

describe('a process that maps one segment twice, read-only and read-write', () => {
  it('scanSegments() reports every mapping with its access', async () => {
    const { id, name, child, sysv, posix } = await twiceMapped();
    const rows = scanSegments().segments;
    const sysvRow = rows.find((r) => r.kind === 'sysv' && r.id === id);
    expectBothMappings(sysvRow, child.pid, sysv);
    expect(sysvRow!.nattch).toBe(2);
    const posixRow = rows.find((r) => r.kind === 'posix' && r.name === name);
    expectBothMappings(posixRow, child.pid, posix);
    // The first-mapping summary fields no longer claim 'rw' for a read-only range.
    for (const row of [sysvRow!, posixRow!]) {
      const a = row.attachers[0]!;
      expect(a.access).toBe(a.mappings[0]!.access);
      expect(a.start).toBe(a.mappings[0]!.start);
    }
  });

  it('`shmscope show` prints one line per mapping and "2 attachments in 1 process"; `ls --json` and `ls` agree', async () => {
    const { id, name, child, sysv, posix } = await twiceMapped();
    for (const [ref, kernel] of [[`sysv:${id}`, sysv], [`posix:${name}`, posix]] as const) {
      const shown = shmscope(['show', ref]);
      expect(shown.status, shown.stderr).toBe(0);
      expect(shown.stdout).toMatch(/^attached: +2 attachments in 1 process$/m);
      for (const m of kernel) {
        expect(shown.stdout).toMatch(new RegExp(`^ *${child.pid} +python3 +\\S+ +${m.access} +${m.start}-${m.end}$`, 'm'));
      }
      const json = JSON.parse(shmscope(['show', ref, '--json']).stdout) as SegmentRow;
      expectBothMappings(json, child.pid, kernel);
    }
    const listed = JSON.parse(shmscope(['ls', '--json']).stdout) as { segments: SegmentRow[] };
    expectBothMappings(listed.segments.find((r) => r.ref === `sysv:${id}`), child.pid, sysv);
    expectBothMappings(listed.segments.find((r) => r.ref === `posix:${name}`), child.pid, posix);
    const table = shmscope(['ls']).stdout.split('\n');
    // By the columns KIND KEY ID NAME: a bare number could also be another row's pid or size.
    for (const row of [new RegExp(`^sysv +\\S+ +${id} `), new RegExp(`^posix +- +- +${name} `)]) {
      expect(table.find((line) => row.test(line))).toMatch(new RegExp(`2 attachments in 1 process: python3\\[${child.pid}\\]x2\\(ro\\+rw\\)$`));
    }
  });

  it('the service (UI and web) reports both ranges', async () => {
    const { id, name, child, sysv, posix } = await twiceMapped();
    const service = createService({ transport: 'web', intervalMs: 60_000 });
    try {
      const client = service.connect(() => {});
      const reply = await client.call('listSegments', []) as Reply<ScanResult>;
      if (!reply.ok) throw new Error(reply.error.message);
      expectBothMappings(reply.result.segments.find((r) => r.ref === `sysv:${id}`), child.pid, sysv);
      expectBothMappings(reply.result.segments.find((r) => r.ref === `posix:${name}`), child.pid, posix);
      await client.dispose();
    } finally {
      await service.close();
    }
  });
});
