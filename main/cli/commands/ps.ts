import { ShmscopeError } from '../../errors';
import { safeJson, visible } from '../../format/terminal';
import { scanSegments, type Attacher, type Mapping, type ScanResult, type SegmentRow } from '../../scan';
import { processInfo } from '../../scan/maps';
import { scanSemaphores } from '../../scan/semaphores';
import { nameLookup } from '../../scan/users';
import type { PosixSemaphoreRow, SemaphoreList } from '../../../common/scan-types';
import { UsageError, type Command } from '../command';
import { flag, onePositional } from '../values';
import { humanSize, plural } from '../../../common/columns';
import { renderTable, type Column } from '../table';

/** Another process on the same segment. */
interface Peer { pid: number; command: string; user: string; access: 'ro' | 'rw' | 'fd'; mappings: Mapping[] }

/** One segment (or POSIX semaphore) the process maps or holds. */
interface Shared {
  kind: string;
  ref: string;
  key: string | null;
  name: string | null;
  size: number;
  perms: string;
  owner: string;
  /** This process's mappings of it; empty when it only holds an open fd. */
  mappings: Mapping[];
  /** It holds the object as an open fd without mapping it. */
  holdsFd: boolean;
  others: Peer[];
}

interface ProcessReport { pid: number; command: string; uid: number; user: string; segments: Shared[] }

type Row = SegmentRow | PosixSemaphoreRow;

/** pids that hold the row's object only as an open fd, for the kinds whose rows carry `holders`. */
function holderPids(row: Row): number[] {
  if (!('holders' in row) || !Array.isArray(row.holders)) return [];
  return row.holders.flatMap((h: unknown) => {
    if (typeof h === 'number') return [h];
    if (typeof h === 'object' && h !== null && 'pid' in h && typeof h.pid === 'number') return [h.pid];
    return [];
  });
}

function peer(a: Attacher): Peer {
  const writable = a.mappings.some((m) => m.access === 'rw');
  return { pid: a.pid, command: a.command, user: a.user, access: writable ? 'rw' : 'ro', mappings: a.mappings };
}

function shared(row: Row, kind: string, name: string | null, key: string | null, pid: number, holderPeer: (pid: number) => Peer): Shared | null {
  const mine = row.attachers.find((a) => a.pid === pid);
  const holders = holderPids(row);
  const holds = mine === undefined && holders.includes(pid);
  if (mine === undefined && !holds) return null;
  const others = row.attachers.filter((a) => a.pid !== pid).map(peer);
  for (const holder of holders) if (holder !== pid && !others.some((o) => o.pid === holder)) others.push(holderPeer(holder));
  return {
    kind, ref: row.ref, key, name, size: row.size, perms: row.perms, owner: row.owner,
    mappings: mine?.mappings ?? [], holdsFd: holds, others,
  };
}

/** What `pid` maps or holds, from one scan of segments and one of semaphores. */
export function processSegments(pid: number, scan: ScanResult = scanSegments(), semaphores: SemaphoreList = scanSemaphores()): ProcessReport {
  const info = processInfo(pid);
  if (info === null) throw new ShmscopeError(`pid ${pid}`, 'no such process', 'ESRCH');
  const unreadable = scan.unreadable.find((p) => p.pid === pid);
  if (unreadable !== undefined) {
    const code = unreadable.reason === 'timeout' ? 'ETIMEDOUT' : unreadable.reason;
    throw new ShmscopeError(`pid ${pid}`, `its /proc/${pid}/maps could not be read (${code}): what it maps is not known (run as root?)`, code);
  }
  const lookup = nameLookup();
  const holderPeer = (holder: number): Peer => {
    const hi = processInfo(holder);
    return { pid: holder, command: hi?.command ?? '', user: hi === null || hi.uid < 0 ? '' : lookup.user(hi.uid), access: 'fd', mappings: [] };
  };
  const segments: Shared[] = [];
  for (const row of scan.segments) {
    const item = shared(row, row.kind, row.name, row.key, pid, holderPeer);
    if (item !== null) segments.push(item);
  }
  for (const row of semaphores.semaphores) {
    if (row.kind !== 'posix') continue;
    const item = shared(row, 'posix-sem', row.name, null, pid, holderPeer);
    if (item !== null) segments.push(item);
  }
  return { pid, command: info.command, uid: info.uid, user: info.uid < 0 ? '' : lookup.user(info.uid), segments };
}

function access(item: Shared): string {
  return item.mappings.length === 0 ? 'fd' : item.mappings.map((m) => m.access).join('+');
}

const columns: Column<Shared>[] = [
  { header: 'KIND', value: (s) => s.kind },
  { header: 'REF', value: (s) => s.ref },
  { header: 'NAME', value: (s) => s.name ?? s.key ?? '-' },
  { header: 'SIZE', value: (s) => humanSize(s.size), right: true },
  { header: 'PERMS', value: (s) => s.perms },
  { header: 'OWNER', value: (s) => s.owner },
  { header: 'ACCESS', value: access },
  { header: 'SHARED WITH', value: (s) => s.others.map((o) => `${o.command}[${o.pid}]:${o.access}`).join(' ') || '-' },
];

function pidArgument(text: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > 2 ** 22) throw new UsageError(`expected a process id, got "${text}"`);
  return Number(text);
}

export const ps: Command = {
  help: `Usage: shmscope ps PID [--json]

Lists every shared memory segment the process PID maps (or holds as an open
file descriptor, for the kinds that have them) — System V, POSIX, POSIX named
semaphores and any other kind the scan finds — with its access (ro/rw, "fd"
for a descriptor only) and the other processes on the same segment.
Needs to read /proc/PID/maps: your own processes, or any as root.

Options:
  --json    print {"pid", "command", "user", "segments": [...]}, for scripts
  -h, --help
`,
  options: { json: { type: 'boolean' } },
  async run(invocation, output) {
    const pid = pidArgument(onePositional(invocation, 'process id'));
    const report = processSegments(pid);
    if (flag(invocation, 'json')) {
      await output.out(`${safeJson(report, 2)}\n`);
      return 0;
    }
    const who = `${report.command}[${report.pid}]${report.user === '' ? '' : ` (${report.user})`}`;
    await output.out(`${visible(who)}: ${plural(report.segments.length, 'segment', 'segments')}\n`);
    if (report.segments.length > 0) await output.out(renderTable(columns, report.segments));
    return 0;
  },
};
