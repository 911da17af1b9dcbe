// IPC_RMID and shm_unlink (by another process: ipcrm, rm) under attached readers, an open
// hex view and a chat room. Expected: readers keep what they mapped, the service reports
// the segment as marked for removal (SysV, still attached) or gone (ENOENT), a room's
// participants keep talking while newcomers get ENOENT, and once everyone detaches the
// segment is really gone.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { native } from '../../main/native';
import type { ScanResult } from '../../common/contract';
import { crashedBy, sleep, spawnRole } from './procs';
import { fail, newRow, type Row } from './report';
import { trackPosix, trackSysv, uniqueKey, uniquePosix, uniqueRoom } from './resources';
import { openService } from './service';
import { waitFor } from './truncate';

function sysvExists(shmid: number): boolean {
  return readFileSync('/proc/sysvipc/shm', 'utf8').split('\n').some((l) => l.trim().split(/\s+/)[1] === String(shmid));
}

export async function removeUnderReaders(iterations: number): Promise<Row> {
  const row = newRow('IPC_RMID / shm_unlink under readers');
  const svc = openService(50);
  const outcomes = new Set<string>();
  try {
    for (let i = 0; i < iterations; i++) {
      row.iterations++;
      switch (i % 3) {
        case 0: await sysvCase(); break;
        case 1: await posixCase(); break;
        default: await roomCase(); break;
      }
    }
  } finally {
    await svc.close();
  }
  row.notes = [...outcomes].sort().join('; ');
  return row;

  async function sysvCase(): Promise<void> {
    const shmid = trackSysv(native().sysvGet(uniqueKey(), { create: true, exclusive: true, mode: 0o600, size: 8192 }));
    const ref = `sysv:${shmid}`;
    const mine = new (native().SysvAttachment)(shmid, true);
    const watch = await svc.call<{ watchId: string }>('watchRange', ref, 0, 256);
    spawnSync('ipcrm', ['-m', String(shmid)]);
    try { mine.read(0, 256); outcomes.add('sysv: attached reader keeps reading'); } catch (e) { fail(row, `attached read after IPC_RMID threw ${(e as Error).message}`); }
    const list = await svc.call<ScanResult>('listSegments');
    const rowFor = list.ok ? list.result.segments.find((s) => s.ref === ref) : undefined;
    if (!list.ok) fail(row, `listSegments: ${list.error.message}`);
    else if (rowFor && rowFor.kind === 'sysv' && rowFor.dest) outcomes.add('sysv: listed as dest while attached');
    else if (rowFor) fail(row, `${ref} listed without the dest flag after IPC_RMID`);
    const read = await svc.call('readRange', ref, 0, 16);
    outcomes.add(read.ok ? 'sysv: readRange still reads a dest segment' : `sysv: readRange ${read.error.code}`);
    if (watch.ok) await svc.call('unwatch', watch.result.watchId);
    mine.close();
    if (await waitFor(() => (sysvExists(shmid) ? undefined : true), 2000) === undefined) fail(row, `${ref} still exists after every attachment closed`);
  }

  async function posixCase(): Promise<void> {
    const name = trackPosix(uniquePosix('unlink'));
    new (native().PosixSegment)(name, { create: true, exclusive: true, mode: 0o600, readOnly: false, size: 8192 }).close();
    const ref = `posix:${name}`;
    const reader = spawnRole('posixReader', { name, ms: 300 });
    await reader.waitLine((l) => l === 'ready');
    const watch = await svc.call<{ watchId: string }>('watchRange', ref, 0, 256);
    spawnSync('rm', ['-f', `/dev/shm/${name.slice(1)}`]);
    const read = await svc.call('readRange', ref, 0, 16);
    if (read.ok) fail(row, `readRange of an unlinked ${ref} succeeded`);
    else outcomes.add(`posix: readRange ${read.error.code}`);
    const list = await svc.call<ScanResult>('listSegments');
    if (list.ok && list.result.segments.some((s) => s.ref === ref)) fail(row, `${ref} still listed after shm_unlink`);
    const result = await reader.exited;
    if (crashedBy(result) || result.code !== 0) { row.crashes++; fail(row, `reader of unlinked segment exited ${result.signal ?? result.code}`); }
    else outcomes.add('posix: open reader keeps reading');
    if (watch.ok) await svc.call('unwatch', watch.result.watchId);
    if (existsSync(`/dev/shm/${name.slice(1)}`)) fail(row, `${name} reappeared`);
  }

  async function roomCase(): Promise<void> {
    const room = uniqueRoom('rmid');
    const ch = new (native().Channel)(room);
    const shmid = trackSysv(ch.info().shmid);
    let received = 0;
    ch.start((batch) => { for (const e of batch) if (e.type === 'message') received++; });
    const writer = spawnRole('writer', { ...room, nick: 'w', minSize: 10, maxSize: 50, burst: 1, pauseMs: 5, tolerant: true });
    try {
      await writer.waitLine((l) => l === 'ready');
      spawnSync('ipcrm', ['-m', String(shmid)]);
      const before = received;
      await sleep(200);
      if (received <= before) fail(row, 'room participants stopped talking after IPC_RMID');
      else outcomes.add('room: members keep talking after IPC_RMID');
      try {
        new (native().Channel)({ ...room, create: false }).close();
        fail(row, 'a newcomer opened a removed room');
      } catch (e) {
        outcomes.add(`room: newcomer ${(e as { code?: string }).code}`);
      }
    } finally {
      const result = await writer.kill();
      if (crashedBy(result)) row.crashes++;
      ch.close();
    }
    if (await waitFor(() => (sysvExists(shmid) ? undefined : true), 2000) === undefined) fail(row, `room segment ${shmid} still exists after everyone left`);
  }
}
