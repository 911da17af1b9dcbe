// No descriptor or mapping outlives what owns it: open and close many segments, channels
// and service watches, then compare /proc/self/fd and /proc/self/maps (SysV and /dev/shm
// entries) with the counts before. Closing twice must be harmless too.
import { afterAll, describe, expect, it } from 'vitest';
import { native } from '../../main/native';
import { scanSegments } from '../../main/scan';
import { createService } from '../../main/service';
import { processResources } from '../helpers/leaks';
import { SegmentJanitor } from '../helpers/cleanup';
import { uniquePosixName, uniqueSysvKey } from '../helpers/unique';
import { cleanupChannels, openChannel, uniqueRoom } from '../helpers/chat';

const janitor = new SegmentJanitor();
afterAll(() => { cleanupChannels(); janitor.cleanup(); });

describe('no descriptor or mapping leaks', () => {
  it('segments, channels and service watches leave nothing open after close', async () => {
    // The scanner's /proc walker thread (started once, kept for the process) is not a leak:
    // start it before counting, as the service's reads start it to find holders.
    scanSegments();
    const before = processResources();
    const addon = native();
    for (let i = 0; i < 50; i++) {
      const shmid = janitor.sysv(addon.sysvGet(uniqueSysvKey(), { create: true, exclusive: true, mode: 0o600, size: 8192 }));
      const a = new addon.SysvAttachment(shmid, false);
      const b = new addon.SysvAttachment(shmid, true);
      a.write(0, Buffer.from('x'));
      expect(b.read(0, 1).toString()).toBe('x');
      a.close(); b.close(); b.close();
      addon.sysvRemove(shmid);

      const name = janitor.posix(uniquePosixName('leak'));
      const p = new addon.PosixSegment(name, { create: true, exclusive: true, mode: 0o600, readOnly: false, size: 8192 });
      const q = new addon.PosixSegment(name, { create: false, exclusive: false, mode: 0, readOnly: true });
      p.truncate(100);
      expect(() => q.read(0, 4096)).toThrow();  // truncated under it: an error, and still closable
      p.close(); q.close(); q.close();
      addon.posixUnlink(name);
    }
    for (let i = 0; i < 10; i++) {
      const ch = openChannel(uniqueRoom('leak'), { ringBytes: 4096 });
      ch.join('me');
      ch.start(() => {});
      ch.send('hello');
      ch.stop();
      ch.close();
      ch.close();
    }
    cleanupChannels();

    // The service as a window uses it: watches attach, dispose()/close() detach.
    const shmid = janitor.sysv(addon.sysvGet(uniqueSysvKey(), { create: true, exclusive: true, mode: 0o600, size: 4096 }));
    const posix = janitor.posix(uniquePosixName('leak-svc'));
    new addon.PosixSegment(posix, { create: true, exclusive: true, mode: 0o600, readOnly: false, size: 4096 }).close();
    const service = createService({ transport: 'web', intervalMs: 60_000, scan: () => ({ segments: [], unreadableProcesses: 0, unreadable: [], scannedProcesses: 0 }) });
    for (let round = 0; round < 5; round++) {
      const client = service.connect(() => {});
      for (const ref of [`sysv:${shmid}`, `posix:${posix}`]) {
        const reply = await client.call('watchRange', [ref, 0, 64]);
        expect(reply.ok).toBe(true);
        expect((await client.call('readRange', [ref, 0, 64])).ok).toBe(true);
      }
      if (round % 2 === 0) await client.dispose();  // the window closed
    }
    expect(processResources().sysvMaps).toBeGreaterThan(before.sysvMaps);  // the open clients' watches
    await service.close();  // the app quits
    addon.sysvRemove(shmid);
    addon.posixUnlink(posix);

    const after = processResources();
    expect(after.sysvMaps).toBe(before.sysvMaps);
    expect(after.shmMaps).toBe(before.shmMaps);
    expect(after.shmFds).toBe(before.shmFds);
    expect(after.fds).toBeLessThanOrEqual(before.fds);
  });
});
