// Inspection must leave no trace on what it inspects: `ls`, `show`, `dump`, the UI's table and
// its refresh, and the hex view's reads must not shmat a segment another process holds (that
// rewrites the segment's lpid, atime and dtime, and is visible to its owner). Asserted on what
// the kernel reports in /proc/sysvipc/shm, with real segments held by real child processes.
import { randomBytes } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { labelRooms, roomKey } from '../../main/chat';
import { native } from '../../main/native';
import { scanSegments } from '../../main/scan';
import { openBorrowedSysv, openSegment, parseRef, sysvHolders } from '../../main/segments';
import { createService, type Emit } from '../../main/service';
import type { Reply, ScanResult } from '../../common/contract';
import { spawnPeer, type Peer } from '../helpers/chat';
import { SegmentJanitor } from '../helpers/cleanup';
import { shmscope, shmscopeAsNobody } from '../helpers/cli';
import { pyChild, shmgetKey, stopAll, type Child } from '../helpers/python-children';
import { uniqueSysvKey } from '../helpers/unique';

interface Trace { lpid: number; atime: number; dtime: number; nattch: number }

/** shmid → the fields attaching would change, for every SysV segment. */
function traces(): Map<number, Trace> {
  const lines = readFileSync('/proc/sysvipc/shm', 'utf8').trim().split('\n');
  const header = lines[0]!.trim().split(/\s+/);
  const at = (name: string): number => header.indexOf(name);
  const out = new Map<number, Trace>();
  for (const line of lines.slice(1)) {
    const f = line.trim().split(/\s+/).map(Number);
    out.set(f[at('shmid')]!, { lpid: f[at('lpid')]!, atime: f[at('atime')]!, dtime: f[at('dtime')]!, nattch: f[at('nattch')]! });
  }
  return out;
}

/**
 * An attach or detach leaves the attaching process as the segment's last pid (lpid). So: no
 * segment may change and end up with one of `pids` (the shmscope processes under test) as its
 * lpid, and the `exact` segments (ordinary keys only this test uses) must not change at all.
 * Segments in the rooms' key block may be attached meanwhile by other test runs on this
 * machine (test/helpers/leaks.ts, or an older shmscope): a change left by them is theirs.
 */
function expectNoTrace(before: Map<number, Trace>, after: Map<number, Trace>, exact: number[], pids: number[], what: string): void {
  for (const id of exact) expect(after.get(id), `${what}: sysv:${id}`).toEqual(before.get(id));
  for (const [id, now] of after) {
    const was = before.get(id);
    if (was === undefined || JSON.stringify(was) === JSON.stringify(now)) continue;
    expect(pids, `${what}: sysv:${id} changed ${JSON.stringify(was)} → ${JSON.stringify(now)}`).not.toContain(now.lpid);
  }
}

const janitor = new SegmentJanitor();
const children: Child[] = [];
const peers: Peer[] = [];
afterEach(async () => {
  await stopAll(children.splice(0));
  await Promise.all(peers.splice(0).map((p) => p.kill()));
  janitor.cleanup();
});

interface Fixture {
  room: string;
  roomId: number;
  /** Not a room, at a room-block key, mapped by a child. */
  squatHeld: number;
  /** Not a room, at a room-block key, mapped by nobody: its header cannot be read without attaching. */
  squatAlone: number;
  /** Ordinary segments, held (0x41 written after attach) and not. */
  plainHeld: number;
  plainAlone: number;
  ordinary: number[];
}

/** A room joined by a child that stays, two squatters in the rooms' key block, two ordinary segments. */
async function fixture(): Promise<Fixture> {
  const tag = `${process.pid}-${randomBytes(3).toString('hex')}`;
  const room = `t-insp-${tag}`;
  const key = roomKey(room);
  // 0644: an unprivileged user could attach it read-only (and so leave a trace) to read its header.
  const creator = new (native().Channel)({ name: room, key, ringBytes: 4096, slots: 4, mode: 0o644 });
  const roomId = janitor.sysv(creator.info().shmid);
  creator.close(); // the room stays; only the child holds it
  const peer = spawnPeer({ name: room, key, nick: 'holder', action: 'member' });
  peers.push(peer);
  await peer.waitFor((line) => line.startsWith('ready'));

  const squatHeld = janitor.sysv(shmgetKey(roomKey(`t-squat-${tag}`), 8192, '600'));
  const squatAlone = janitor.sysv(shmgetKey(roomKey(`t-alone-${tag}`), 8192, '600'));
  const plainHeld = janitor.sysv(shmgetKey(uniqueSysvKey(), 4096, '600'));
  const plainAlone = janitor.sysv(shmgetKey(uniqueSysvKey(), 4096, '600'));
  children.push(await pyChild('sysv', String(squatHeld), 'rw', '1', '64'));
  children.push(await pyChild('sysv', String(plainHeld), 'rw', '1', '100'));
  return { room, roomId, squatHeld, squatAlone, plainHeld, plainAlone, ordinary: [plainHeld, plainAlone] };
}

describe('inspection leaves no trace on segments (as root)', () => {
  it('ls, ls --json and show change no lpid, atime, dtime or nattch, and still label the room', async () => {
    const f = await fixture();
    const before = traces();

    const table = shmscope(['ls']);
    expect(table.stderr).toBe('');
    const json = shmscope(['ls', '--json']);
    const rows = (JSON.parse(json.stdout) as { segments: { id: number | null; room?: string; roomUnknown?: boolean }[] }).segments;
    const shown = shmscope(['show', `sysv:${f.roomId}`, '--json']);
    const showAlone = shmscope(['show', `sysv:${f.squatAlone}`]);
    const showPlain = shmscope(['show', `sysv:${f.plainHeld}`]);
    expectNoTrace(before, traces(), f.ordinary, [table.pid, json.pid, shown.pid, showAlone.pid, showPlain.pid], 'CLI');

    expect(table.stdout).toContain(`room:${f.room}`);
    const byId = (id: number) => rows.find((r) => r.id === id);
    expect(byId(f.roomId)).toMatchObject({ room: f.room });
    expect(byId(f.squatHeld)?.room).toBeUndefined(); // header read and refused: not a room
    expect(byId(f.squatHeld)?.roomUnknown).toBeUndefined();
    expect(byId(f.squatAlone)).toMatchObject({ roomUnknown: true });
    expect(byId(f.plainHeld)?.roomUnknown).toBeUndefined();
    const channel = (JSON.parse(shown.stdout) as { channel: { name: string; participants: { nick: string; pid: number }[] } }).channel;
    expect(channel).toMatchObject({ name: f.room, participants: [{ nick: 'holder', pid: peers[0]!.child.pid }] });
    expect(showAlone.stdout).toContain('room?');
  });

  it('as an unprivileged user, ls cannot read room headers without attaching: it says room? and attaches nothing', async () => {
    const f = await fixture();
    const before = traces();
    const json = shmscopeAsNobody(['ls', '--json']);
    const table = shmscopeAsNobody(['ls']);
    expectNoTrace(before, traces(), f.ordinary, [json.pid, table.pid], 'ls as nobody');
    const rows = (JSON.parse(json.stdout) as { segments: { id: number | null; room?: string; roomUnknown?: boolean }[] }).segments;
    expect(rows.find((r) => r.id === f.roomId)).toMatchObject({ roomUnknown: true });
    expect(rows.find((r) => r.id === f.roomId)?.room).toBeUndefined();
    expect(table.stdout).toContain('room?');
  });

  it("the service's segment list, refreshed for 10 ticks, changes no segment", async () => {
    const f = await fixture();
    const before = traces();
    let ticks = 0;
    let last: ScanResult | undefined;
    const service = createService({ transport: 'web', intervalMs: 1000, scan: () => { ticks++; return labelRooms(scanSegments()); } });
    try {
      const emit: Emit = (event, payload) => { if (event === 'segmentsChanged') last = payload as ScanResult; };
      const client = service.connect(emit);
      const listed = await client.call('listSegments', []);
      expect(listed.ok).toBe(true);
      while (ticks < 11) await new Promise((r) => setTimeout(r, 200));
      expect(last?.segments.find((r) => r.id === f.roomId)).toMatchObject({ room: f.room });
    } finally {
      await service.close();
    }
    expectNoTrace(before, traces(), f.ordinary, [process.pid], 'service');
  }, 30_000);
});

describe('reading bytes prefers a mapping another process holds', () => {
  it('dump and show of a held SysV segment return the live bytes and leave lpid, atime, dtime, nattch alone', async () => {
    const id = janitor.sysv(shmgetKey(uniqueSysvKey(), 4096, '600'));
    children.push(await pyChild('sysv', String(id), 'rw', '1', '100')); // writes 100 × 'A' after attaching
    const before = traces();
    const dump = shmscope(['dump', `sysv:${id}`, '--length', '112']);
    const show = shmscope(['show', `sysv:${id}`]);
    expectNoTrace(before, traces(), [id], [dump.pid, show.pid], 'dump');
    expect(dump.stderr).toBe('');
    const A16 = '41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|';
    expect(dump.stdout).toBe(
      `00000000  ${A16}\n*\n00000060  41 41 41 41 00 00 00 00  00 00 00 00 00 00 00 00  |AAAA............|\n00000070\n`,
    );
  });

  it('a borrowed read reports a segment file cut short (ETRUNCATED), never reads past it', async () => {
    const id = janitor.sysv(shmgetKey(uniqueSysvKey(), 8192, '600'));
    children.push(await pyChild('sysv', String(id), 'ro', '1'));
    const segment = openSegment(parseRef(`sysv:${id}`), { holders: sysvHolders });
    try {
      const before = traces().get(id);
      // Root can truncate the shmem file behind a SysV segment through a holder's map_files entry.
      const holder = sysvHolders(id)[0]!;
      const fd = openSync(`/proc/${holder.pid}/map_files/${holder.start.slice(2)}-${holder.end.slice(2)}`, 'r+');
      try { ftruncateSync(fd, 4096); } finally { closeSync(fd); }
      expect(segment.read(0, 16).length).toBe(16);
      expect(() => segment.read(4090, 16)).toThrow(expect.objectContaining({ code: 'ETRUNCATED' }));
      expect(() => segment.read(8190, 16)).toThrow(expect.objectContaining({ code: 'ERANGE' }));
      expect(traces().get(id)).toEqual(before); // it never attached
    } finally {
      segment.close();
    }
  });

  it("refuses a holder's mapping that is not the kernel's file of this very segment", async () => {
    const a = janitor.sysv(shmgetKey(uniqueSysvKey(), 4096, '600'));
    const b = janitor.sysv(shmgetKey(uniqueSysvKey(), 4096, '600'));
    children.push(await pyChild('sysv', String(b), 'rw', '1', '8'));
    const holdersOfB = sysvHolders(b);
    const stat = native().sysvStat(b);
    const facts = { shmid: b, size: stat.size, cuid: stat.cuid, cgid: stat.cgid };
    // A mapping of b passed off as a holder of a (a stale scan, or a lying one) is not read as a.
    expect(openBorrowedSysv({ ...facts, shmid: a }, holdersOfB)).toBeNull();
    // Nor is a file not owned by the segment's creator (a look-alike on a tmpfs of the attacker's).
    expect(openBorrowedSysv({ ...facts, cuid: 65534 }, holdersOfB)).toBeNull();
    expect(openBorrowedSysv(facts, [{ pid: holdersOfB[0]!.pid, start: '0x1000', end: '0x2000' }])).toBeNull();
    const real = openBorrowedSysv(facts, holdersOfB)!;
    try {
      expect([...real.read(0, 9)]).toEqual([...Array(8).fill(0x41), 0]);
    } finally {
      real.close();
    }
  });

  it('the service attaches only when nobody else maps the segment, and marks that attachment as its own', async () => {
    const alone = janitor.sysv(shmgetKey(uniqueSysvKey(), 4096, '600'));
    const held = janitor.sysv(shmgetKey(uniqueSysvKey(), 4096, '600'));
    children.push(await pyChild('sysv', String(held), 'rw', '1', '8'));
    const service = createService({ transport: 'web', intervalMs: 60_000 });
    try {
      const client = service.connect(() => {});
      const call = async <T>(method: string, ...args: unknown[]): Promise<T> => {
        const reply: Reply = await client.call(method, args);
        if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`);
        return reply.result as T;
      };
      const heldBefore = traces().get(held);
      const watchedHeld = await call<{ data: Uint8Array }>('watchRange', `sysv:${held}`, 0, 16);
      expect([...watchedHeld.data]).toEqual([...Array(8).fill(0x41), ...Array(8).fill(0)]);
      expect(traces().get(held)).toEqual(heldBefore);

      const read = await call<{ data: Uint8Array }>('readRange', `sysv:${alone}`, 0, 4);
      expect([...read.data]).toEqual([0, 0, 0, 0]);
      await call('watchRange', `sysv:${alone}`, 0, 16);
      const rows = (await call<ScanResult>('listSegments')).segments;
      const aloneRow = rows.find((r) => r.id === alone)!;
      expect(aloneRow.nattch).toBe(1);
      expect(aloneRow.attachers).toEqual([expect.objectContaining({ pid: process.pid, self: true })]);
      const heldRow = rows.find((r) => r.id === held)!;
      expect(heldRow.nattch).toBe(1);
      expect(heldRow.attachers.some((a) => a.self)).toBe(false);
    } finally {
      await service.close();
    }
  });
});
