// A hostile process writes random bytes into a live room — the ring, the tail and
// presence, and sometimes the header — while a writer sends and readers (two child
// processes and this one) read. Readers may report misses (corrupt, lapped, unblocked)
// but must never deliver a torn message, crash, or stop: after the scribbling ends the
// room must deliver again within 3 s (a new room is made when the header was hit, since
// newcomers then get ECHANNEL by design).
import { native, type ChannelEvent } from '../../main/native';
import { crashedBy, sleep, spawnRole, type Child } from './procs';
import { fail, newRow, stall, type Row } from './report';
import { intactText } from './roles';
import { trackSysv, uniqueRoom } from './resources';

const RING = 256 * 1024;
const SCRIBBLE_MS = 300;

interface Stats { messages: number; torn: number; missed: number }

function lastStats(child: Child): Stats | undefined {
  for (let i = child.lines.length - 1; i >= 0; i--) {
    try { return JSON.parse(child.lines[i]!) as Stats; } catch { /* not a stats line */ }
  }
  return undefined;
}

export async function hostileBytes(iterations: number): Promise<Row> {
  const row = newRow('random bytes into a live room');
  const missed = { lapped: 0, unblocked: 0, corrupt: 0 };
  let torn = 0, writes = 0;
  for (let i = 0; i < iterations; i++) {
    const room = uniqueRoom('hostile');
    const ch = new (native().Channel)({ ...room, ringBytes: RING });
    const shmid = trackSysv(ch.info().shmid);
    const size = native().sysvStat(shmid).size;
    const ringOffset = size - RING;
    let received = 0;
    ch.start((batch: ChannelEvent[]) => {
      for (const e of batch) {
        if (e.type === 'message') { received++; if (!intactText(e.text)) { torn++; fail(row, `torn delivery: ${e.text.slice(0, 60)}`); } }
        else if (e.type === 'missed') missed[e.reason]++;  // events, not counts: a scribbled seq counter makes counts absurd
      }
    });
    // ring only; ring + hot counters + presence; everything including the header
    const regions: Array<Array<[number, number]>> = [[[ringOffset, size]], [[256, size]], [[0, size]]];
    const children: Child[] = [];
    try {
      const writer = spawnRole('writer', { ...room, nick: 'w', minSize: 10, maxSize: 3000, burst: 4, pauseMs: 2, tolerant: true });
      children.push(writer);
      const readers = [spawnRole('reader', room), spawnRole('reader', room)];
      children.push(...readers);
      await Promise.all(children.map((c) => c.waitLine((l) => l === 'ready')));
      const scribbler = spawnRole('scribbler', { shmid, ms: SCRIBBLE_MS, regions: regions[i % 3] });
      children.push(scribbler);
      const done = await scribbler.waitLine((l) => l.startsWith('done'), SCRIBBLE_MS + 15_000);
      writes += Number(done.split(' ')[1]);
      // No hang: every reader still reports, and the room delivers again.
      const t0 = Date.now();
      const base = received;
      const readersBase = readers.map((r) => lastStats(r)?.messages ?? 0);
      while (Date.now() - t0 < 3000 && (received <= base || readers.some((r, k) => (lastStats(r)?.messages ?? 0) <= readersBase[k]!))) await sleep(20);
      if (received <= base) fail(row, `iteration ${i}: this process's reader got nothing for 3 s after the scribbling`);
      readers.forEach((r, k) => { if ((lastStats(r)?.messages ?? 0) <= readersBase[k]!) fail(row, `iteration ${i}: reader ${r.pid} got nothing for 3 s after the scribbling`); });
      stall(row, Date.now() - t0);
      for (const r of readers) {
        r.proc.stdin!.end();
        const result = await r.exited;
        if (crashedBy(result) || result.code !== 0) { row.crashes++; fail(row, `reader exited ${result.signal ?? result.code}: ${r.stderr().slice(-300)}`); }
        const s = lastStats(r);
        if (s && s.torn > 0) { torn += s.torn; fail(row, `reader ${r.pid} saw ${s.torn} torn messages`); }
      }
      if (writer.proc.exitCode !== null || writer.proc.signalCode !== null) { row.crashes++; fail(row, `writer died: ${writer.stderr().slice(-300)}`); }
      row.iterations++;
    } finally {
      for (const c of children) {
        const result = await c.kill();
        if (crashedBy(result)) { row.crashes++; fail(row, `child ${c.pid} died of ${result.signal}`); }
      }
      ch.close();
    }
  }
  row.notes = `${writes} scribbles; torn ${torn}; missed events: corrupt ${missed.corrupt}, lapped ${missed.lapped}, unblocked ${missed.unblocked}; max = recovery after scribbling`;
  return row;
}
