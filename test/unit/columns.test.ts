// The one column table (common/columns.ts): the CLI's ls and the app's table read the same
// descriptors, and the shared texts behave like lsipc's.
import { describe, expect, it } from 'vitest';
import { COLUMNS as TABLE, attachersText, columnById, humanSize, shortTime, statusText, symbolicPerms } from '../../common/columns';
import { COLUMNS as APP } from '../../renderer/lib/segments';
import { formatSize } from '../../renderer/lib/hex';
import { posixRow, sysvRow } from '../renderer/fixtures';

describe('common/columns.ts', () => {
  it('is where the app\'s columns come from (their ids, alignment and, except kind and name, their descriptions)', () => {
    for (const column of APP) {
      const shared = columnById(column.id)!;
      expect(shared, column.id).toBeDefined();
      expect(column.align).toBe(shared.align);
      if (column.id !== 'kind' && column.id !== 'name') expect(column.title).toBe(shared.description);
    }
    expect(new Set(TABLE.map((c) => c.id)).size).toBe(TABLE.length);
  });

  it('spells sizes, permissions, times, status and attachers', () => {
    expect([humanSize(100), humanSize(1536), humanSize(4096), humanSize(2 ** 40)]).toEqual(['100B', '1.5K', '4K', '1T']);
    expect(formatSize(1536)).toBe(humanSize(1536, 'long'));
    expect([symbolicPerms(0o644), symbolicPerms(0o600), symbolicPerms(0o777)]).toEqual(['rw-r--r--', 'rw-------', 'rwxrwxrwx']);
    const now = new Date(2026, 10, 30, 23, 0, 0);
    expect(shortTime(new Date(2026, 10, 30, 9, 5).getTime() / 1000, now)).toBe('09:05');
    expect(shortTime(new Date(2026, 0, 2).getTime() / 1000, now)).toBe('Jan02');
    expect(shortTime(new Date(2024, 5, 1).getTime() / 1000, now)).toBe('2024');
    expect(shortTime(0, now)).toBe('-');
    const row = sysvRow(1, { dest: true, locked: true });
    expect(statusText(row)).toBe('dest,locked');
    const a = { pid: 7, command: 'cc', uid: 0, user: 'root', access: 'ro' as const, start: '0x1', end: '0x2' };
    const twice = { ...posixRow('x'), attachers: [{ ...a, mappings: [{ start: '0x1', end: '0x2', access: 'ro' as const }, { start: '0x3', end: '0x4', access: 'rw' as const }] }] };
    expect(attachersText(twice)).toBe('2 attachments in 1 process: cc[7]x2(ro+rw)');
  });
});
