// EACCES for real. Tests run as root, which bypasses IPC and file permissions, so
// the denied side runs in a child process as uid/gid 65534 (nobody) via setpriv.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { native, type PosixSegmentHandle } from '../../main/native';
import { uniquePosixName, uniqueSysvKey } from '../helpers/unique';
import { tryEach } from './errors';

const addon = native();
const nobody = 65534;
const canDropPrivileges = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');

// The checkout may sit where nobody cannot read (e.g. under /root): give the child
// its own world-readable copy of the addon.
let addonCopy = '';
let copyDir = '';
beforeAll(() => {
  if (!canDropPrivileges) return;
  copyDir = mkdtempSync(join(tmpdir(), 'shmscope-addon-'));
  chmodSync(copyDir, 0o755);
  addonCopy = join(copyDir, 'shmscope.node');
  copyFileSync(join(import.meta.dirname, '..', '..', 'native', 'build', 'Release', 'shmscope.node'), addonCopy);
  chmodSync(addonCopy, 0o755);
});
afterAll(() => { if (copyDir) rmSync(copyDir, { recursive: true, force: true }); });

const sysvIds: number[] = [];
const posixNames: string[] = [];
const handles: PosixSegmentHandle[] = [];
afterEach(() => {
  tryEach(handles.splice(0).map((h) => () => h.close()));
  tryEach(sysvIds.splice(0).map((id) => () => addon.sysvRemove(id)));
  tryEach(posixNames.splice(0).map((name) => () => addon.posixUnlink(name)));
});

interface ChildResult { ok?: true; uid?: number; code?: string; message?: string; subject?: string }

/** Runs `body` (with `addon` and `arg` in scope) as nobody; it returns a value or throws. */
function runAsNobody(body: string, arg: string | number): ChildResult {
  const script = `
    const addon = require(process.argv[1]);
    const arg = JSON.parse(process.argv[2]);
    let result;
    try { (() => { ${body} })(); result = { ok: true, uid: process.getuid() }; }
    catch (e) { result = { code: e.code, message: e.message, subject: e.subject, uid: process.getuid() }; }
    process.stdout.write(JSON.stringify(result));`;
  const child = spawnSync('setpriv', [`--reuid=${nobody}`, `--regid=${nobody}`, '--clear-groups',
    process.execPath, '-e', script, addonCopy, JSON.stringify(arg)], { cwd: copyDir, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`child failed (${child.status}): ${child.stderr}`);
  const result = JSON.parse(child.stdout) as ChildResult;
  expect(result.uid).toBe(nobody);
  return result;
}

describe.skipIf(!canDropPrivileges)('permission checks as an unprivileged user', () => {
  it('System V: a 0600 segment cannot be attached or stat-ed by another user', () => {
    const key = uniqueSysvKey();
    const shmid = addon.sysvGet(key, { create: true, exclusive: true, mode: 0o600, size: 4096 });
    sysvIds.push(shmid);

    const attachResult = runAsNobody('new addon.SysvAttachment(arg, true)', shmid);
    expect(attachResult.code).toBe('EACCES');
    expect(attachResult.message).toContain(`sysv:${shmid}`);

    expect(runAsNobody('addon.sysvStat(arg)', shmid).code).toBe('EACCES');
    // Looking the key up asks for no access (mode is only used when creating), so it works;
    // creating with IPC_EXCL on it still names the key.
    expect(runAsNobody('addon.sysvGet(arg, { create: false, exclusive: false, mode: 0, size: 0 })', key).ok).toBe(true);
    const byKey = runAsNobody('addon.sysvGet(arg, { create: true, exclusive: true, mode: 0o600, size: 4096 })', key);
    expect(byKey.code).toBe('EEXIST');
    expect(byKey.message).toContain(`key:0x${key.toString(16).padStart(8, '0')}`);
  });

  it('System V: a 0644 segment can be attached read-only but not read-write', () => {
    const shmid = addon.sysvGet(uniqueSysvKey(), { create: true, exclusive: true, mode: 0o644, size: 4096 });
    sysvIds.push(shmid);
    expect(runAsNobody('new addon.SysvAttachment(arg, true).read(0, 16)', shmid).ok).toBe(true);
    expect(runAsNobody('new addon.SysvAttachment(arg, false)', shmid).code).toBe('EACCES');
  });

  it('POSIX: a 0600 object cannot be opened by another user', () => {
    const name = uniquePosixName('perm');
    posixNames.push(name);
    handles.push(new addon.PosixSegment(name, { create: true, exclusive: true, mode: 0o600, readOnly: false, size: 4096 }));
    const result = runAsNobody('new addon.PosixSegment(arg, { create: false, exclusive: false, mode: 0, readOnly: true })', name);
    expect(result.code).toBe('EACCES');
    expect(result.subject).toBe(`posix:${name}`);
    expect(result.message).toContain(`posix:${name}`);
    expect(runAsNobody('addon.posixUnlink(arg)', name).code).toBe('EACCES');
  });

  it('POSIX: a 0644 object can be read but not opened for writing', () => {
    const name = uniquePosixName('perm');
    posixNames.push(name);
    handles.push(new addon.PosixSegment(name, { create: true, exclusive: true, mode: 0o644, readOnly: false, size: 4096 }));
    expect(runAsNobody('new addon.PosixSegment(arg, { readOnly: true }).read(0, 16)', name).ok).toBe(true);
    expect(runAsNobody('new addon.PosixSegment(arg, { readOnly: false })', name).code).toBe('EACCES');
  });
});
