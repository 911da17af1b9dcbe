// System V segments of other IPC namespaces (containers, `unshare --ipc`): their shmids and keys
// mean nothing in ours, and /proc/sysvipc/shm shows the namespace of whoever reads it. As root we
// read it from inside: a short-lived child (util-linux nsenter, which calls setns) enters only
// the IPC namespace (not the mount namespace: /bin/sh, cat and /proc stay ours) and prints the
// namespace it is in, then the table. A pid reused by a process of another namespace in between
// is caught by that first line. Without root, the rows say what the mappings show.
import type { Attacher, SysvRow } from '../../common/scan-types';
import type { ProcessInfo, ProcessMatches } from './maps';
import { largestRange, toAttacher } from './row-parts';
import { formatKey, parseSysvShm } from './sysv';
import type { NameLookup } from './users';

const NSENTER = '/usr/bin/nsenter';
const ENTER_TIMEOUT_MS = 2000;
/** Namespaces entered per scan: each costs a child process, and anyone can make namespaces. */
export const MAX_NAMESPACES_ENTERED = 32;

/** "ipc:[4026532281]" → 4026532281 */
export function namespaceInode(link: string): number {
  return Number(/^ipc:\[(\d+)\]$/.exec(link)?.[1] ?? Number.NaN);
}

/** The namespace's /proc/sysvipc/shm, read through one of its processes, or why it could not be. */
function readInside(ns: string, pids: readonly number[]): { text: string } | { error: string } {
  if (process.geteuid?.() !== 0) return { error: 'entering another IPC namespace (setns) needs root' };
  let error = 'no process of the namespace could be entered';
  // Loaded here, not imported: only a scan that meets another namespace needs child processes,
  // and `shmscope ls` starts faster without the module.
  const { execFileSync } = process.getBuiltinModule('node:child_process');
  for (const pid of pids) {
    try {
      const out = execFileSync(NSENTER, [`--ipc=/proc/${pid}/ns/ipc`, '--', '/bin/sh', '-c', 'readlink /proc/self/ns/ipc && exec cat /proc/sysvipc/shm'], {
        encoding: 'latin1', timeout: ENTER_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' },
      });
      const newline = out.indexOf('\n');
      if (out.slice(0, newline) !== ns) continue; // the pid went to another namespace meanwhile
      return { text: out.slice(newline + 1) };
    } catch (err) {
      error = `${NSENTER} failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
    }
  }
  return { error };
}

interface Seen { key: number; attachers: Attacher[]; ranges: number; largest: number }

/** Collects other namespaces' SysV mappings process by process, then builds their rows. */
export class ForeignSysvRows {
  /** namespace link → shmid → what its processes map */
  readonly #seen = new Map<string, Map<number, Seen>>();
  readonly #names: NameLookup;

  constructor(names: NameLookup) {
    this.#names = names;
  }

  add(proc: ProcessMatches, info: ProcessInfo): void {
    if (proc.ipcns === undefined || proc.kinds === undefined || proc.kinds.foreignSysv.size === 0) return;
    let byId = this.#seen.get(proc.ipcns);
    if (byId === undefined) this.#seen.set(proc.ipcns, (byId = new Map()));
    for (const [id, { key, ranges }] of proc.kinds.foreignSysv) {
      let seen = byId.get(id);
      if (seen === undefined) byId.set(id, (seen = { key, attachers: [], ranges: 0, largest: 0 }));
      seen.attachers.push(toAttacher(proc.pid, info, ranges, this.#names));
      seen.ranges += ranges.length;
      seen.largest = Math.max(seen.largest, largestRange(ranges));
    }
  }

  /** Rows of every other namespace (by namespace inode, then shmid). */
  rows(namespaces: ReadonlyMap<string, number[]>, unreadableProcesses: number): SysvRow[] {
    const rows: SysvRow[] = [];
    const order = [...namespaces.keys()].sort((a, b) => namespaceInode(a) - namespaceInode(b));
    for (const [index, ns] of order.entries()) {
      const inode = namespaceInode(ns);
      const pids = namespaces.get(ns)!;
      const seen = this.#seen.get(ns) ?? new Map<number, Seen>();
      const inside = index < MAX_NAMESPACES_ENTERED ? readInside(ns, pids)
        : { error: `not entered: more than ${MAX_NAMESPACES_ENTERED} other IPC namespaces map SysV segments` };
      const nsRows = 'text' in inside ? parseSysvShm(inside.text, this.#names) : [...seen].map(([id, s]) => this.#fromMappings(id, s));
      for (const row of nsRows.sort((a, b) => a.id - b.id)) {
        const found = seen.get(row.id);
        row.ref = `ipcns:${inode}:${row.id}`;
        row.ipcns = inode;
        row.ipcnsPids = pids;
        if ('error' in inside) row.ipcnsUnreadable = inside.error;
        row.attachers = found?.attachers ?? [];
        if ('error' in inside) row.nattch = row.attachers.length;
        row.unreadableProcesses = (found?.ranges ?? 0) >= row.nattch ? 0 : unreadableProcesses;
        rows.push(row);
      }
    }
    return rows;
  }

  /** What the mappings alone tell about a segment: key, id, and the largest mapping as its size. */
  #fromMappings(id: number, seen: Seen): SysvRow {
    return {
      kind: 'sysv', ref: `sysv:${id}`, key: formatKey(seen.key), keyNumber: seen.key >>> 0, id, name: null,
      size: seen.largest, perms: '?', mode: 0, uid: -1, gid: -1, owner: '?', group: '?',
      nattch: seen.attachers.length, attachers: [], unreadableProcesses: 0,
      cpid: 0, lpid: 0, cuid: -1, cgid: -1, atime: 0, dtime: 0, ctime: 0, rss: 0, swap: 0, dest: false, locked: false,
    };
  }
}
