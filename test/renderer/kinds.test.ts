// The table shows the unnamed kinds: memfd objects, shared anonymous memory, SysV of another namespace.
import { describe, expect, it } from 'vitest';
import { COLUMNS, kindLabel, matchesFilter, statusText } from '../../renderer/lib/segments';
import type { MemfdRow, SegmentRow, SharedAnonRow } from '../../common/contract';
import { sysvRow } from './fixtures';

const base = {
  key: null, id: null, size: 4096, perms: '0777', mode: 0o777, uid: 0, gid: 0, owner: 'root', group: 'root', nattch: 2,
  attachers: [], holders: [], unreadableProcesses: 0, cpid: null, lpid: null, mtime: 0,
} satisfies Partial<MemfdRow>;
const memfd: MemfdRow = { ...base, kind: 'memfd', ref: 'memfd:00:01:42', name: 'wayland-shm' };
const anon: SharedAnonRow = { ...base, kind: 'shared-anon', ref: 'anon:00:01:43', name: null };
const cell = (row: SegmentRow, id: string): string => COLUMNS.find((c) => c.id === id)!.text(row);

describe('unnamed kinds in the table', () => {
  it('label the kind, show the memfd name, and find rows by ref', () => {
    expect([kindLabel(memfd), cell(memfd, 'name')]).toEqual(['memfd', 'wayland-shm']);
    expect([kindLabel(anon), cell(anon, 'name')]).toEqual(['shared anon', '']);
    expect(matchesFilter(anon, 'anon:00:01:43')).toBe(true);
    const other = sysvRow(0, { ref: 'ipcns:4026532281:0', ipcns: 4026532281, ipcnsPids: [7] });
    expect([kindLabel(other), statusText(other)]).toEqual(['SysV (other ns)', 'ipcns:4026532281']);
  });
});
