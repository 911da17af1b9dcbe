// Permissions as an unprivileged user, beyond test/native/permissions.test.ts (the addon's
// EACCES) and test/cli/cli.test.ts (dump of a SysV and write of a POSIX segment as nobody):
// root's private segments are still listed and shown from metadata; dump and write of either
// kind, rm, and create-without---excl are refused naming the segment; and shmscope never
// changes a segment's mode, owner, size or ctime unless asked — not when nobody pokes at it,
// and not when root re-opens an existing segment with `create` without --excl.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SegmentJanitor } from '../helpers/cleanup';
import { NOBODY, shmscope, shmscopeAsNobody } from '../helpers/cli';
import { uniquePosixName, uniqueSysvKey } from '../helpers/unique';

const janitor = new SegmentJanitor();
afterEach(() => janitor.cleanup());
const canDropPrivileges = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');

function ok(args: string[]): string {
  const result = shmscope(args);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout.trim();
}

/** What must not change: the kernel's own record of the segment. */
function sysvMeta(shmid: number): Record<string, string> {
  const [header, ...lines] = readFileSync('/proc/sysvipc/shm', 'utf8').trim().split('\n');
  const names = header!.trim().split(/\s+/);
  const row = lines.map((l) => l.trim().split(/\s+/)).find((f) => f[names.indexOf('shmid')] === String(shmid));
  if (!row) throw new Error(`sysv:${shmid} is gone`);
  const pick = ['perms', 'size', 'uid', 'gid', 'cuid', 'cgid', 'ctime'];
  return Object.fromEntries(pick.map((n) => [n, row[names.indexOf(n)]!]));
}
function posixMeta(name: string): Record<string, number> {
  const st = statSync(`/dev/shm/${name}`);
  return { mode: st.mode, uid: st.uid, gid: st.gid, size: st.size, ctimeMs: st.ctimeMs };
}

/** A root-owned 0600 segment of each kind, 4096 bytes, holding "secret". */
function privateSegments(): { sysv: string; shmid: number; posix: string; name: string } {
  const sysv = janitor.ref(ok(['create', 'sysv', '--key', `0x${uniqueSysvKey().toString(16)}`, '--size', '4096', '--mode', '0600']));
  const name = janitor.posix(uniquePosixName('perm').slice(1));
  ok(['create', 'posix', name, '--size', '4096', '--mode', '0600']);
  ok(['write', sysv, '--offset', '0', '--text', 'secret']);
  ok(['write', `posix:${name}`, '--offset', '0', '--text', 'secret']);
  return { sysv, shmid: Number(sysv.slice(5)), posix: `posix:${name}`, name };
}

describe.skipIf(!canDropPrivileges)('as an unprivileged user (nobody)', () => {
  it('lists and shows segments it may not read, from metadata, without errors', () => {
    const s = privateSegments();
    const ls = shmscopeAsNobody(['ls', '--json']);
    expect(ls.stderr).toBe('');
    expect(ls.status).toBe(0);
    const rows = (JSON.parse(ls.stdout) as { segments: { ref: string; size: number; uid: number; perms: string }[] }).segments;
    for (const ref of [s.sysv, s.posix]) {
      expect(rows.find((r) => r.ref === ref), ref).toMatchObject({ size: 4096, uid: 0 });
    }
    for (const ref of [s.sysv, s.posix]) {
      const show = shmscopeAsNobody(['show', ref, '--json']);
      expect(show.stderr, ref).toBe('');
      expect(show.status).toBe(0);
      expect(JSON.parse(show.stdout)).toMatchObject({ ref, size: 4096, uid: 0 });
      // Metadata only: the contents never reach an unprivileged user.
      expect(show.stdout).not.toContain('secret');
    }
  });

  it('gets EACCES naming the segment for dump and write of either kind, and for rm or create over it', () => {
    const s = privateSegments();
    const refusals: [string[], string][] = [
      [['dump', s.posix], s.name],
      [['write', s.sysv, '--offset', '0', '--text', 'pwned'], s.sysv],
      // By key: the lookup succeeds (it asks for no access), the attach is refused.
      [['dump', `key:${keyOf(s.shmid)}`], s.sysv],
      [['create', 'posix', s.name, '--size', '4096'], s.name],
    ];
    for (const [args, subject] of refusals) {
      const result = shmscopeAsNobody(args);
      expect(result.status, args.join(' ')).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(subject);
      expect(result.stderr.trimEnd()).toMatch(/Permission denied \(EACCES\)$/);
    }
    // rm: the kernel says EPERM for IPC_RMID by a non-owner, EACCES for unlink in /dev/shm (sticky).
    for (const ref of [s.sysv, s.posix]) {
      const rm = shmscopeAsNobody(['rm', ref]);
      expect(rm.status, ref).toBe(1);
      expect(rm.stderr.trimEnd()).toMatch(/\((EPERM|EACCES)\)$/);
      expect(rm.stderr).toContain(ref.replace(/^posix:/, ''));
    }
    expect(ok(['dump', s.sysv, '--length', '6'])).toContain('|secret|');
    expect(readFileSync(`/dev/shm/${s.name}`).subarray(0, 6).toString()).toBe('secret');
  });

  it('leaves mode, owner, size and ctime exactly as they were after every attempt', async () => {
    const s = privateSegments();
    const before = { sysv: sysvMeta(s.shmid), posix: posixMeta(s.name) };
    // ctime has one-second resolution in /proc: let a second pass so a change would show.
    await new Promise((r) => setTimeout(r, 1100));
    for (const args of [['ls'], ['ls', '--json'], ['show', s.sysv], ['show', s.posix], ['dump', s.sysv], ['dump', s.posix],
      ['write', s.posix, '--offset', '0', '--text', 'x'], ['create', 'posix', s.name, '--size', '64', '--mode', '0666'], ['rm', s.sysv], ['rm', s.posix]]) {
      shmscopeAsNobody(args);
    }
    expect(sysvMeta(s.shmid)).toEqual(before.sysv);
    expect(posixMeta(s.name)).toEqual(before.posix);
  });

  it('still reads what the mode grants it (0644), read-only', () => {
    const name = janitor.posix(uniquePosixName('perm').slice(1));
    ok(['create', 'posix', name, '--size', '16', '--mode', '0644']);
    ok(['write', `posix:${name}`, '--offset', '0', '--text', 'public']);
    const dump = shmscopeAsNobody(['dump', `posix:${name}`]);
    expect(dump.stderr).toBe('');
    expect(dump.stdout).toContain('|public');
    const write = shmscopeAsNobody(['write', `posix:${name}`, '--offset', '0', '--text', 'x']);
    expect(write.stderr.trimEnd()).toMatch(/\(EACCES\)$/);
  });
});

describe('owner and mode are never changed unless asked', () => {
  it('create without --excl on an existing segment opens it as it is (mode, owner, size, ctime, contents)', async () => {
    const key = `0x${uniqueSysvKey().toString(16)}`;
    const sysv = janitor.ref(ok(['create', 'sysv', '--key', key, '--size', '8192', '--mode', '0640']));
    const shmid = Number(sysv.slice(5));
    const name = janitor.posix(uniquePosixName('reopen').slice(1));
    ok(['create', 'posix', name, '--size', '8192', '--mode', '0640']);
    ok(['write', `posix:${name}`, '--offset', '0', '--text', 'keep']);
    // Give them to nobody, as if another user had made them: root must not take them over.
    if (canDropPrivileges) {
      const { chownSync } = await import('node:fs');
      chownSync(`/dev/shm/${name}`, NOBODY, NOBODY);
    }
    const before = { sysv: sysvMeta(shmid), posix: posixMeta(name) };
    await new Promise((r) => setTimeout(r, 1100));
    expect(ok(['create', 'sysv', '--key', key, '--size', '4096', '--mode', '0666'])).toBe(sysv);
    expect(ok(['create', 'posix', name, '--size', '4096', '--mode', '0666'])).toBe(`posix:${name}`);
    for (const args of [['ls'], ['show', sysv], ['show', `posix:${name}`], ['dump', sysv], ['dump', `posix:${name}`]]) ok(args);
    expect(sysvMeta(shmid)).toEqual(before.sysv);
    expect(posixMeta(name)).toEqual(before.posix);
    expect(readFileSync(`/dev/shm/${name}`).subarray(0, 4).toString()).toBe('keep');
  });
});

function keyOf(shmid: number): string {
  const [header, ...lines] = readFileSync('/proc/sysvipc/shm', 'utf8').trim().split('\n');
  const names = header!.trim().split(/\s+/);
  const row = lines.map((l) => l.trim().split(/\s+/)).find((f) => f[names.indexOf('shmid')] === String(shmid))!;
  return `0x${(Number(row[names.indexOf('key')]) >>> 0).toString(16).padStart(8, '0')}`;
}
