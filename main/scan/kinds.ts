// Rows for the kinds with no name in the IPC namespaces: memfd objects and shared anonymous
// mappings, one per device + inode, from what the maps worker found (maps-kinds.ts).
import { escapePosixName } from '../segments/posix-name';
import type { FdHolder, MemfdRow, SharedAnonRow } from '../../common/scan-types';
import type { DeletedStat, ProcessInfo, ProcessMatches } from './maps';
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
    for (const [key, { name, fds }] of kinds.memfdFds) {
      if (kinds.memfd.has(key)) continue; // it maps it too: an attacher, not a holder
      this.#memfdRow(key, name);
      const user = info.uid < 0 ? '' : this.#names.user(info.uid);
      const list = this.#fds.get(key);
      const holder: FdHolder = { pid: proc.pid, command: info.command, uid: info.uid, user, fds };
      if (list) list.push(holder); else this.#fds.set(key, [holder]);
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

  /** memfd rows (by name, then ref), then the shared-anonymous objects two or more processes map. */
  rows(unreadableProcesses: number): (MemfdRow | SharedAnonRow)[] {
    for (const [key, holders] of this.#fds) this.#memfd.get(key)!.holders = holders;
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
