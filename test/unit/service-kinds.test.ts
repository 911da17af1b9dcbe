// The service reads and watches the unnamed kinds (memfd here) by the refs ls lists, as the hex view does.
import { afterEach, describe, expect, it } from 'vitest';
import { createService, type Emit } from '../../main/service';
import { openSegment, parseRef } from '../../main/segments';
import { scanSegments } from '../../main/scan/index';
import type { Reply } from '../../common/contract';
import { type Family, pyFamily } from '../helpers/kinds-children';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function ok<T>(reply: Reply): T {
  if (!reply.ok) throw new Error(`call failed: ${reply.error.code} ${reply.error.message}`);
  return reply.result as T;
}

describe('service on a memfd', () => {
  it.runIf(process.geteuid!() === 0)('reads its bytes, and a watch sees a write without reporting it gone', async () => {
    const name = `shmscope-test-svc-memfd-${process.pid}`;
    const family: Family = await pyFamily(['memfd', name, '4096', 'watched memfd']);
    cleanups.push(() => family.stop());
    const ref = scanSegments().segments.find((r) => r.kind === 'memfd' && r.name === name)!.ref;
    const service = createService({ transport: 'web', intervalMs: 50 });
    cleanups.push(() => service.close());
    const events: { event: string; payload: unknown }[] = [];
    const emit: Emit = (event, payload) => { events.push({ event, payload }); };
    const client = service.connect(emit);
    cleanups.push(() => client.dispose());

    const read = ok<{ ref: string; size: number; data: Uint8Array }>(await client.call('readRange', [ref, 0, 13]));
    expect(read).toMatchObject({ ref, size: 4096 });
    expect(Buffer.from(read.data).toString()).toBe('watched memfd');

    const watch = ok<{ watchId: string }>(await client.call('watchRange', [ref, 0, 16]));
    await new Promise((r) => setTimeout(r, 200));
    expect(events.filter((e) => e.event === 'bytesChanged')).toEqual([]); // not "removed by another process"
    const writer = openSegment(parseRef(ref), { writable: true });
    writer.write(0, Buffer.from('W'));
    writer.close();
    for (let i = 0; i < 100 && !events.some((e) => e.event === 'bytesChanged'); i++) await new Promise((r) => setTimeout(r, 20));
    const changed = events.find((e) => e.event === 'bytesChanged')!.payload as { watchId: string; data: Uint8Array; error?: unknown };
    expect(changed).toMatchObject({ watchId: watch.watchId });
    expect(changed.error).toBeUndefined();
    expect(Buffer.from(changed.data).subarray(0, 13).toString()).toBe('Watched memfd');
  });
});
