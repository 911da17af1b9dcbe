// Rows shaped like the contract's, for table and details tests.
import type { PosixRow, SysvRow } from '../../renderer/lib/contract';

export function sysvRow(id: number, over: Partial<SysvRow> = {}): SysvRow {
  return {
    kind: 'sysv', ref: `sysv:${id}`, key: `0x${id.toString(16).padStart(8, '0')}`, keyNumber: id, id, name: null,
    size: 4096, perms: '0600', mode: 0o600, uid: 1000, gid: 1000, owner: 'alice', group: 'alice', nattch: 0,
    attachers: [], unreadableProcesses: 0, cpid: 1, lpid: 0, cuid: 1000, cgid: 1000, atime: 0, dtime: 0, ctime: 0,
    rss: 0, swap: 0, dest: false, locked: false, ...over,
  };
}

export function posixRow(name: string, over: Partial<PosixRow> = {}): PosixRow {
  return {
    kind: 'posix', ref: `posix:${name}`, key: null, id: null, name, size: 100, perms: '0644', mode: 0o644,
    uid: 0, gid: 0, owner: 'root', group: 'root', nattch: 1, attachers: [], unreadableProcesses: 0,
    cpid: null, lpid: null, mtime: 0, ...over,
  };
}
