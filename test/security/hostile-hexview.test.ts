// The hex view's live view and search must leave no trace on a SysV segment another process
// holds, as reading does (hostile-inspect.test.ts): opening it, scrolling it for a while, and
// searching it read through the holder's mapping, so the kernel's lpid, atime, dtime and
// nattch stay as they were. Only switching it writable attaches (an explicit act).
import { afterEach, expect, it } from 'vitest';
import { native } from '../../main/native';
import { createService, type Emit } from '../../main/service';
import type { Reply, SearchHit, ViewBytes } from '../../common/contract';
import { SegmentJanitor } from '../helpers/cleanup';
import { pyChild, shmgetKey, stopAll, type Child } from '../helpers/python-children';
import { uniqueSysvKey } from '../helpers/unique';

const janitor = new SegmentJanitor();
const children: Child[] = [];
afterEach(async () => {
  await stopAll(children.splice(0));
  janitor.cleanup();
});

function trace(id: number): { lpid: number; atime: number; dtime: number; nattch: number } {
  const { lpid, atime, dtime, nattch } = native().sysvStat(id);
  return { lpid, atime, dtime, nattch };
}

function ok<T>(reply: Reply): T {
  if (!reply.ok) throw new Error(`call failed: ${reply.error.code} ${reply.error.message}`);
  return reply.result as T;
}

it('viewing, scrolling and searching a held SysV segment change no lpid, atime, dtime or nattch; writable attaches once', async () => {
  const id = janitor.sysv(shmgetKey(uniqueSysvKey(), 64 * 1024, '600'));
  children.push(await pyChild('sysv', String(id), 'rw', '1', '100')); // writes 100 × 'A' after attaching
  const service = createService({ transport: 'web', intervalMs: 100 });
  const emit: Emit = () => {};
  const client = service.connect(emit);
  const call = (m: string, ...a: unknown[]): Promise<Reply> => client.call(m, a);
  try {
    const before = trace(id);
    const view = ok<ViewBytes>(await call('viewRange', `sysv:${id}`, 0, 4096));
    expect(view.data[99]).toBe(0x41);
    for (let row = 1; row < 40; row++) ok(await call('viewMove', view.viewId, row * 256, 4096));
    await new Promise((r) => setTimeout(r, 300)); // a dozen polls, and the slow liveness check
    expect(ok<SearchHit>(await call('searchSegment', 's', `sysv:${id}`, Buffer.from('AAAA'), 0)).offset).toBe(0);
    expect(trace(id)).toEqual(before);

    ok(await call('viewWritable', view.viewId, true));
    expect(trace(id)).toMatchObject({ nattch: before.nattch + 1, lpid: process.pid });
  } finally {
    await client.dispose();
    await service.close();
  }
});
