// The hex view's data path in the service: one open segment per view (moving it and writing
// through it attach nothing more, as the kernel's lpid shows), changes by another process
// pushed as viewChanged, the shared watched-bytes budget, removal ending the view; and search
// in main with progress, wrap-around, cancel and one-at-a-time.
import { afterEach, describe, expect, it } from 'vitest';
import { createService, type Client, type Emit, type Service } from '../../main/service';
import { createSegment, openSegment, parseRef, removeSegment } from '../../main/segments';
import { native } from '../../main/native';
import { MAX_VIEW, type EventName, type Reply, type SearchProgress, type ViewBytes, type ViewChanged } from '../../common/contract';
import { shmscope } from '../helpers/cli';
import { uniquePosixName } from '../helpers/unique';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try { await cleanup(); } catch { /* already gone */ }
  }
});

interface Recorded { event: EventName; payload: unknown }

function connect(service: Service): { client: Client; events: Recorded[]; call: (m: string, ...a: unknown[]) => Promise<Reply> } {
  const events: Recorded[] = [];
  const emit: Emit = (event, payload) => { events.push({ event, payload }); };
  const client = service.connect(emit);
  cleanups.push(() => client.dispose());
  return { client, events, call: (m, ...a) => client.call(m, a) };
}

function ok<T>(reply: Reply): T {
  if (!reply.ok) throw new Error(`call failed: ${reply.error.code} ${reply.error.message}`);
  return reply.result as T;
}

function newService(extra: Partial<Parameters<typeof createService>[0]> = {}): Service {
  const service = createService({ transport: 'web', intervalMs: 200, ...extra });
  cleanups.push(() => service.close());
  return service;
}

function posixSegment(size: number): string {
  const { ref } = createSegment({ kind: 'posix', name: uniquePosixName('view'), size, mode: 0o600, exclusive: true });
  cleanups.push(() => removeSegment(parseRef(ref)));
  return ref;
}

function sysvSegment(size: number): { ref: string; shmid: number } {
  const { ref } = createSegment({ kind: 'sysv', identity: { by: 'private' }, size, mode: 0o600, exclusive: true });
  cleanups.push(() => removeSegment(parseRef(ref)));
  return { ref, shmid: Number(ref.slice('sysv:'.length)) };
}

const until = async (check: () => boolean, what: string): Promise<void> => {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

const viewEvents = (events: Recorded[]): ViewChanged[] => events.filter((e) => e.event === 'viewChanged').map((e) => e.payload as ViewChanged);

/** Another process writes: the CLI, as a user would run it. */
function writeFromChild(ref: string, offset: number, hex: string): number {
  const result = shmscope(['write', ref, '--offset', String(offset), '--hex', hex]);
  expect(result.status, result.stderr).toBe(0);
  return result.pid;
}

describe('views', () => {
  it('keeps one attachment: moving and writing through the view attach nothing more (lpid stays the last writer\'s)', async () => {
    const { ref, shmid } = sysvSegment(64 * 1024);
    const { call, events } = connect(newService());
    const view = ok<ViewBytes>(await call('viewRange', ref, 0, 512));
    expect(view).toMatchObject({ ref, offset: 0, size: 64 * 1024 });
    expect(native().sysvStat(shmid)).toMatchObject({ nattch: 1, lpid: process.pid });

    // Another process attaches, writes and detaches: it is now the last to have shmat/shmdt'ed.
    const writer = writeFromChild(ref, 8, 'de ad');
    expect(native().sysvStat(shmid).lpid).toBe(writer);
    await until(() => viewEvents(events).some((e) => e.data[8] === 0xde), 'viewChanged with the written bytes');

    // Scrolling: the same handle reads the new range, so no shmat and lpid stays the writer's.
    for (let row = 1; row <= 50; row++) {
      const moved = ok<ViewBytes>(await call('viewMove', view.viewId, row * 512, 512));
      expect(moved).toMatchObject({ viewId: view.viewId, offset: row * 512 });
    }
    expect(native().sysvStat(shmid)).toMatchObject({ nattch: 1, lpid: writer });

    // Writable: one reopen read-write, then every typed byte goes through it.
    ok(await call('viewWritable', view.viewId, true));
    expect(native().sysvStat(shmid).nattch).toBe(1);
    const writer2 = writeFromChild(ref, 0, '01');
    for (let i = 0; i < 16; i++) ok(await call('viewWrite', view.viewId, 100 + i, Uint8Array.of(i + 1)));
    expect(native().sysvStat(shmid)).toMatchObject({ nattch: 1, lpid: writer2 });
    const back = openSegment(parseRef(ref));
    try {
      expect([...back.read(100, 16)]).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    } finally {
      back.close();
    }
    ok(await call('viewClose', view.viewId));
    expect(native().sysvStat(shmid).nattch).toBe(0);
  });

  it('sends the bytes a child process writes, only when they change, for the range shown now', async () => {
    const ref = posixSegment(8192);
    const { call, events } = connect(newService());
    const view = ok<ViewBytes>(await call('viewRange', ref, 0, 256));
    await new Promise((r) => setTimeout(r, 100));
    expect(viewEvents(events)).toEqual([]); // nothing changed, nothing sent
    ok(await call('viewMove', view.viewId, 4096, 256));
    writeFromChild(ref, 16, 'ff'); // no longer on screen
    writeFromChild(ref, 4096 + 3, 'ab cd');
    await until(() => viewEvents(events).length > 0, 'viewChanged');
    const [changed] = viewEvents(events);
    expect(changed).toMatchObject({ viewId: view.viewId, ref, offset: 4096, size: 8192 });
    expect([...changed!.data.subarray(0, 6)]).toEqual([0, 0, 0, 0xab, 0xcd, 0]);
  });

  it('refuses writes through a read-only view, and switching writable on a read-only server', async () => {
    const ref = posixSegment(64);
    const { call } = connect(newService());
    const view = ok<ViewBytes>(await call('viewRange', ref, 0, 64));
    expect(await call('viewWrite', view.viewId, 0, Uint8Array.of(1))).toMatchObject({ ok: false, error: { code: 'EACCES', message: expect.stringContaining('read-only') } });
    ok(await call('viewWritable', view.viewId, true));
    expect(await call('viewWrite', view.viewId, 60, new Uint8Array(8))).toMatchObject({ ok: false, error: { code: 'ERANGE' } });
    ok(await call('viewWritable', view.viewId, false));
    expect(await call('viewWrite', view.viewId, 0, Uint8Array.of(1))).toMatchObject({ ok: false, error: { code: 'EACCES' } });

    const ro = connect(newService({ readOnly: true }));
    const roView = ok<ViewBytes>(await ro.call('viewRange', ref, 0, 64));
    expect(await ro.call('viewWritable', roView.viewId, true)).toMatchObject({ ok: false, error: { code: 'EROFS' } });
    expect(await ro.call('viewWrite', roView.viewId, 0, Uint8Array.of(1))).toMatchObject({ ok: false, error: { code: 'EROFS' } });
    expect(await call('viewMove', 'no-such-view', 0, 1)).toMatchObject({ ok: false, error: { code: 'ENOENT' } });
    // A view is a screenful, re-read every 20 ms: longer ranges are refused up front.
    expect(await call('viewRange', ref, 0, MAX_VIEW + 1)).toMatchObject({ ok: false, error: { code: 'EINVAL', message: expect.stringMatching(/^viewRange\(length\)/) } });
  });

  it('charges views to the watched-bytes budget shared by all clients, on open and on move', async () => {
    const ref = posixSegment(16 * 1024);
    const service = newService({ maxWatchedBytes: 8192 });
    const a = connect(service);
    const b = connect(service);
    const view = ok<ViewBytes>(await a.call('viewRange', ref, 0, 4096));
    ok(await a.call('watchRange', ref, 0, 2048));
    expect(await b.call('viewRange', ref, 0, 4096)).toMatchObject({ ok: false, error: { code: 'ENOBUFS' } });
    expect(await a.call('viewMove', view.viewId, 0, 8192)).toMatchObject({ ok: false, error: { code: 'ENOBUFS' } });
    ok(await a.call('viewMove', view.viewId, 4096, 1024)); // shrinking gives bytes back
    ok(await b.call('viewRange', ref, 0, 4096));
    await a.client.dispose();
    ok(await b.call('viewRange', ref, 0, 4096));
  });

  it('ends the view, detached, when another process removes the segment', async () => {
    const { ref, shmid } = sysvSegment(4096);
    const { call, events } = connect(newService());
    ok(await call('viewRange', ref, 0, 64));
    expect(native().sysvStat(shmid).nattch).toBe(1);
    native().sysvRemove(shmid);
    await until(() => viewEvents(events).some((e) => e.error !== undefined), 'the view to end');
    expect(viewEvents(events).at(-1)).toMatchObject({ error: { code: 'ENOENT', message: expect.stringContaining('marked for removal') } });
    expect(() => native().sysvStat(shmid)).toThrow(); // our detach was the last one: gone
  });
});

describe('search in main', () => {
  const MIB = 1024 * 1024;

  it('finds a pattern past `from`, wraps around, says -1 when absent, and reports progress', async () => {
    const ref = posixSegment(32 * MIB);
    const writer = openSegment(parseRef(ref), { writable: true });
    try {
      writer.write(100, Buffer.from('needle'));
      writer.write(30 * MIB - 3, Buffer.from('needle')); // across the 8 MiB chunks' boundaries too
      writer.write(24 * MIB - 2, Buffer.from('straddle'));
    } finally {
      writer.close();
    }
    const { call, events } = connect(newService());
    const needle = Buffer.from('needle');
    expect(ok(await call('searchSegment', 's1', ref, needle, 0))).toEqual({ ref, offset: 100 });
    expect(ok(await call('searchSegment', 's2', ref, needle, 101))).toEqual({ ref, offset: 30 * MIB - 3 });
    expect(ok(await call('searchSegment', 's3', ref, Buffer.from('straddle'), 0))).toEqual({ ref, offset: 24 * MIB - 2 });
    expect(ok(await call('searchSegment', 's4', ref, needle, 30 * MIB))).toEqual({ ref, offset: 100 }); // wrapped
    expect(ok(await call('searchSegment', 's5', ref, Buffer.from('haystack'), 5))).toEqual({ ref, offset: -1 });
    const progress = events.filter((e) => e.event === 'searchProgress').map((e) => e.payload as SearchProgress);
    expect(progress.every((p) => p.total === 32 * MIB && p.done <= p.total)).toBe(true);
    expect(await call('searchSegment', 's6', ref, new Uint8Array(0), 0)).toMatchObject({ ok: false, error: { code: 'EINVAL' } });
  });

  it('cancels a running search, allows one search at a time per window, and cancels on dispose', async () => {
    const ref = posixSegment(256 * MIB);
    const { call } = connect(newService());
    const running = call('searchSegment', 'big', ref, Buffer.from('absent pattern'), 0);
    await new Promise((r) => setImmediate(r));
    expect(await call('searchSegment', 'other', ref, Buffer.from('x'), 0)).toMatchObject({ ok: false, error: { code: 'EBUSY' } });
    ok(await call('searchCancel', 'big'));
    expect(await running).toMatchObject({ ok: false, error: { code: 'ECANCELED' } });
    ok(await call('searchCancel', 'big')); // already over: nothing to do
    expect(ok(await call('searchSegment', 'again', ref, Uint8Array.of(0), 0))).toEqual({ ref, offset: 0 });
  });
});
