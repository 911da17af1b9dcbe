// SIGKILL writers at random points — anywhere in send(), and deterministically between
// claim and commit via the fault hook — while a steady writer keeps sending and this
// process reads. Measured: the stall a kill causes (kill → next steady message delivered,
// must stay < 2 s), torn deliveries (digest-checked, must be 0), and how long the dead
// writer stays in the participant list (the waiter reaps it; must be < 3 s).
// `concurrent` > 1 kills that many writers at once per round, all armed with the same
// fault: the worst case for stacked stalls is several writers dying between claim and
// intent, their holes interleaved with the steady writer's records.
import { native, type ChannelEvent } from '../../main/native';
import { crashedBy, sleep, spawnRole, type Child } from './procs';
import { fail, newRow, stall, type Row } from './report';
import { intactText } from './roles';
import { trackSysv, uniqueRoom } from './resources';

const STALL_LIMIT_MS = 2000;
const PRESENCE_LIMIT_MS = 3000;

interface Victim { child: Child; mode: string; ready: Promise<string> }

/** The fault every victim of round `i` arms: a quarter after the claim, a quarter before the intent, half none. */
function modeOf(i: number): string {
  return i % 4 === 0 ? 'stall-after-claim' : i % 4 === 1 ? 'stall-before-header' : 'none';
}

export async function killWriters(iterations: number, concurrent = 1): Promise<Row> {
  const row = newRow(concurrent > 1 ? `SIGKILL writers, ${concurrent} at once` : 'SIGKILL writers');
  const room = uniqueRoom('kill');
  const ch = new (native().Channel)({ ...room, ringBytes: 8 << 20, slots: 64 });
  trackSysv(ch.info().shmid);
  let torn = 0, delivered = 0;
  const missed = { lapped: 0, unblocked: 0, corrupt: 0 };
  const waiting = new Map<number, { t0: number; resolve: () => void }>(); // kill id → stall waiter
  const killedAt = new Map<number, number>(); // pid → kill time, until reaped
  let presenceWorst = 0;
  let nextId = 0;
  ch.start((batch: ChannelEvent[]) => {
    const now = Date.now();
    for (const e of batch) {
      if (e.type === 'message') {
        delivered++;
        if (!intactText(e.text)) { torn++; fail(row, `torn message from pid ${e.pid}: ${e.text.slice(0, 60)}`); }
        if (e.nick !== 'steady') continue;
        for (const [id, w] of waiting) {
          if (e.time >= w.t0) { stall(row, now - w.t0); waiting.delete(id); w.resolve(); }
        }
      } else if (e.type === 'missed') {
        missed[e.reason] += e.missed;
      } else {
        const present = new Set(e.participants.map((p) => p.pid));
        for (const [pid, t0] of killedAt) {
          if (!present.has(pid)) { presenceWorst = Math.max(presenceWorst, now - t0); killedAt.delete(pid); }
        }
      }
    }
  });
  const steady = spawnRole('writer', { ...room, nick: 'steady', minSize: 20, maxSize: 200, burst: 1, pauseMs: 2 });
  try {
    await steady.waitLine((l) => l === 'ready');
    // One round at a time (the next round's victims are spawned and joined ahead, idle until
    // "go"), so each stall is the one that round's deaths cause.
    const spawnVictims = (round: number): Victim[] => Array.from({ length: concurrent }, (_, k) => {
      const mode = modeOf(round);
      const child = spawnRole('writer', { ...room, nick: `victim${round}.${k}`, minSize: 100, maxSize: 16000, burst: 8, pauseMs: 0, fault: mode, waitGo: true });
      const ready = child.waitLine((l) => l === 'ready');
      ready.catch(() => { /* reported when awaited */ });
      return { child, mode, ready };
    });
    const rounds = Math.ceil(iterations / concurrent);
    let next = spawnVictims(0);
    for (let i = 0; i < rounds; i++) {
      const victims = next;
      if (i + 1 < rounds) next = spawnVictims(i + 1);
      const mode = victims[0]!.mode;
      try {
        await Promise.all(victims.map((v) => v.ready));
        for (const v of victims) v.child.proc.stdin!.write('go\n');
        if (mode === 'none') await sleep(Math.random() * 40);
        else await Promise.all(victims.map((v) => v.child.waitStderr('shmscope-fault: stalled')));
      } catch (error) {
        fail(row, `round ${i} victims did not start: ${(error as Error).message}`);
        await Promise.all(victims.map((v) => v.child.kill()));
        continue;
      }
      // The stall is timed from the first kill of the round.
      const t0 = Date.now();
      for (const v of victims) killedAt.set(v.child.pid, t0);
      const results = await Promise.all(victims.map((v) => v.child.kill('SIGKILL')));
      for (const result of results) {
        if (crashedBy(result)) { row.crashes++; fail(row, `a round ${i} victim died of ${result.signal}`); }
      }
      row.iterations += victims.length;
      const id = nextId++;
      const seen = new Promise<void>((resolve) => waiting.set(id, { t0, resolve }));
      const timeout = sleep(STALL_LIMIT_MS * 2).then(() => 'timeout');
      if (await Promise.race([seen.then(() => 'ok'), timeout]) === 'timeout') {
        waiting.delete(id);
        stall(row, Date.now() - t0);
        fail(row, `round ${i} (${concurrent} × ${mode}): no steady message within ${STALL_LIMIT_MS * 2} ms`);
      }
    }
    // Dead writers must leave the participant list: the waiter reaps about once a second.
    const until = Date.now() + PRESENCE_LIMIT_MS;
    while (killedAt.size > 0 && Date.now() < until) await sleep(50);
    for (const [pid, t0] of killedAt) fail(row, `pid ${pid} still a participant ${Date.now() - t0} ms after SIGKILL`);
    if (presenceWorst > PRESENCE_LIMIT_MS) fail(row, `a dead writer stayed a participant ${presenceWorst} ms`);
    if (row.maxStallMs !== null && row.maxStallMs > STALL_LIMIT_MS) fail(row, `max stall ${row.maxStallMs} ms > ${STALL_LIMIT_MS} ms`);
    if (steady.proc.exitCode !== null || steady.proc.signalCode !== null) {
      row.crashes++;
      fail(row, `steady writer died: ${steady.stderr().slice(-300)}`);
    }
  } finally {
    const result = await steady.kill();
    if (crashedBy(result)) row.crashes++;
    ch.close();
  }
  row.notes = `${delivered} delivered, torn ${torn}; missed: lapped ${missed.lapped}, unblocked ${missed.unblocked}, corrupt ${missed.corrupt}; dead pid gone from presence ≤ ${presenceWorst} ms`;
  return row;
}
