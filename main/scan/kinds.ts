// Rows for the kinds with no name in the IPC namespaces: memfd objects and shared anonymous
// mappings, one per device + inode, from what the maps worker found (maps-kinds.ts).
import { escapePosixName } from '../segments/posix-name';
import type { FdHolder, MemfdRow, SharedAnonRow } from '../../common/scan-types';
import type { DeletedStat, ProcessInfo, ProcessMatches } from './maps';
import type { FdMatch } from './maps-kinds';
import { largestRange, statFields, toAttacher } from './row-parts';
import type { NameLookup } from './users';

function refPart(key: string): string {
  return key.replace(' ', ':'); // "00:01 50359" → "00:01:50359"
}

/** A memfd name (latin1, one char per byte) as listed: itself when printable ASCII, else escaped like POSIX names. */
function memfdName(latin1: string): string {
  return /^[\x20-\x5b\x5d-\x7e]*$/.test(latin1) ? latin1 : escapePosixName(Buffer.from(latin1, 'latin1'));
}

function byRef<Row extends { ref: string }>(a: Row, b: Row): number {
  return a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0;
}

/** Collects memfd and shared-anonymous rows process by process, then hands them out. */
export class UnnamedRows {
  readonly #memfd = new Map<string, MemfdRow>();
  readonly #anon = new Map<string, SharedAnonRow>();
  /** memfd key → processes holding it as a descriptor, until we know whether they map it too. */
  readonly #fds = new Map<string, FdHolder[]>();
  readonly #stats: ReadonlyMap<string, DeletedStat>;
  readonly #names: NameLookup;

  constructor(stats: ReadonlyMap<string, DeletedStat>, names: NameLookup) {
    this.#stats = stats;
    this.#names = names;
  }

  #memfdRow(key: string, name: string): MemfdRow {
    let row = this.#memfd.get(key);
    if (row === undefined) {
      const st = this.#stats.get(key);
      row = {
        kind: 'memfd', ref: `memfd:${refPart(key)}`, key: null, id: null, name: memfdName(name),
        size: st?.size ?? 0, ...statFields(st, this.#names),
        nattch: 0, attachers: [], holders: [], unreadableProcesses: 0, cpid: null, lpid: null,
      };
      this.#memfd.set(key, row);
    }
    return row;
  }

  add(proc: ProcessMatches, info: ProcessInfo): void {
    const kinds = proc.kinds;
    if (kinds === undefined) return;
    for (const [key, { name, ranges }] of kinds.memfd) {
      const row = this.#memfdRow(key, name);
      row.attachers.push(toAttacher(proc.pid, info, ranges, this.#names));
      if (!this.#stats.has(key)) row.size = Math.max(row.size, largestRange(ranges));
    }
    for (const [key, ranges] of kinds.anon) {
      let row = this.#anon.get(key);
      if (row === undefined) {
        const st = this.#stats.get(key);
        row = {
          kind: 'shared-anon', ref: `anon:${refPart(key)}`, key: null, id: null, name: null,
          size: st?.size ?? 0, ...statFields(st, this.#names),
          nattch: 0, attachers: [], holders: [], unreadableProcesses: 0, cpid: null, lpid: null,
        };
        this.#anon.set(key, row);
      }
      row.attachers.push(toAttacher(proc.pid, info, ranges, this.#names));
      if (!this.#stats.has(key)) row.size = Math.max(row.size, largestRange(ranges));
    }
  }

  /** The memfd objects process `pid` holds as descriptors (maps-kinds.ts scanMemfdHolders). */
  addHolder(pid: number, info: ProcessInfo, held: ReadonlyMap<string, FdMatch>): void {
    const user = info.uid < 0 ? '' : this.#names.user(info.uid);
    for (const [key, { name, fds }] of held) {
      this.#memfdRow(key, name);
      const holder: FdHolder = { pid, command: info.command, uid: info.uid, user, fds };
      const list = this.#fds.get(key);
      if (list) list.push(holder); else this.#fds.set(key, [holder]);
    }
  }

  /** memfd rows (by name, then ref), then the shared-anonymous objects two or more processes map. */
  rows(unreadableProcesses: number): (MemfdRow | SharedAnonRow)[] {
    for (const [key, holders] of this.#fds) {
      const row = this.#memfd.get(key)!;
      const mappers = new Set(row.attachers.map((a) => a.pid));
      row.holders = holders.filter((h) => !mappers.has(h.pid)); // one that maps it too is an attacher
    }
    const memfd = [...this.#memfd.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : byRef(a, b)));
    const anon = [...this.#anon.values()].filter((row) => row.attachers.length >= 2).sort(byRef);
    const rows = [...memfd, ...anon];
    for (const row of rows) {
      row.nattch = row.attachers.length;
      row.unreadableProcesses = unreadableProcesses;
    }
    return rows;
  }
}
