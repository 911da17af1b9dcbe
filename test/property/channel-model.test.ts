// Model-based test of the chat channel across processes: fast-check draws a plan of joins,
// sends, leaves and SIGKILLs over a few peer processes (test/fixtures/chat-model-peer.cjs)
// sharing one room with the smallest ring (4 KiB, so bursts lap slow readers). The test runs
// the plan step by step, keeping a model (who is in, which seq carried which text), and checks
// that every delivered message was sent with that very text and seq (never torn: digest),
// each reader sees seqs strictly increasing, a reader present from its join to the end got
// delivered + missed == sent since its join, and presence equals the model once dead
// participants are reaped.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type NativeChannel } from '../../main/native';
import { cleanupChannels, intactText, openChannel, uniqueRoom } from '../helpers/chat';

const PLANS = 12;
const PEERS = 3;
const peerScript = fileURLToPath(new URL('../fixtures/chat-model-peer.cjs', import.meta.url));

type Step =
  | { op: 'join'; peer: number }
  | { op: 'send'; peer: number; count: number; size: number }
  | { op: 'leave'; peer: number }
  | { op: 'kill'; peer: number };

interface Session {
  nick: string;
  pid: number;
  /** Highest seq sent before this session joined: it should see every later one. */
  joinedAfter: number;
  messages: { seq: number; text: string }[];
  missed: number;
  ended: boolean;
}

interface Peer {
  child: ChildProcess;
  session: Session | undefined;
  acks: Record<string, unknown>[];
  exited: Promise<void>;
  waiters: (() => void)[];
}

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  cleanupChannels();
});

function startPeer(room: { name: string; key: number }): Peer {
  const child = spawn(process.execPath, [peerScript, JSON.stringify(room)], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(child);
  const peer: Peer = { child, session: undefined, acks: [], waiters: [], exited: new Promise((r) => child.once('close', () => { children.delete(child); r(); })) };
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const msg = JSON.parse(line) as Record<string, unknown>;
      if (msg['ack']) peer.acks.push(msg);
      else if (msg['ev'] === 'message') peer.session?.messages.push({ seq: msg['seq'] as number, text: msg['text'] as string });
      else if (msg['ev'] === 'missed') peer.session!.missed += msg['missed'] as number;
    }
    for (const w of peer.waiters.splice(0)) w();
  });
  return peer;
}

async function until(peer: Peer | undefined, check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 20);
      peer?.waiters.push(() => { clearTimeout(timer); resolve(); });
    });
  }
}

async function request(peer: Peer, cmd: Record<string, unknown>): Promise<Record<string, unknown>> {
  const before = peer.acks.length;
  peer.child.stdin!.write(`${JSON.stringify(cmd)}\n`);
  await until(peer, () => peer.acks.length > before, `ack of ${cmd['op']}`);
  return peer.acks[before]!;
}

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ op: fc.constant('join' as const), peer: fc.nat({ max: PEERS - 1 }) }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('send' as const), peer: fc.nat({ max: PEERS - 1 }), count: fc.integer({ min: 1, max: 25 }), size: fc.integer({ min: 8, max: 600 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('leave' as const), peer: fc.nat({ max: PEERS - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('kill' as const), peer: fc.nat({ max: PEERS - 1 }) }) },
);

/** Runs one plan; returns figures for the summary. */
async function runPlan(steps: Step[]): Promise<{ sent: number; delivered: number; missed: number; kills: number }> {
  const room = uniqueRoom('model');
  const observer: NativeChannel = openChannel(room, { ringBytes: 4096 });
  const peers: Peer[] = Array.from({ length: PEERS }, () => startPeer(room));
  const sessions: Session[] = [];
  const sent = new Map<number, string>();
  let lastSeq = 0;
  let kills = 0;
  let nicks = 0;

  const join = async (p: Peer): Promise<void> => {
    const session: Session = { nick: `p${nicks++}`, pid: 0, joinedAfter: lastSeq, messages: [], missed: 0, ended: false };
    p.session = session;
    const ack = await request(p, { op: 'join', nick: session.nick });
    session.pid = ack['pid'] as number;
    sessions.push(session);
  };

  for (const step of steps) {
    const p = peers[step.peer]!;
    if (step.op === 'kill') {
      if (p.session) p.session.ended = true;
      p.child.kill('SIGKILL');
      await p.exited;
      kills++;
      peers[step.peer] = startPeer(room);
      continue;
    }
    if (!p.session || p.session.ended) { await join(p); continue; }
    if (step.op === 'join') continue;
    if (step.op === 'leave') {
      p.session.ended = true;
      await request(p, { op: 'leave' });
      p.session = undefined;
      continue;
    }
    const ack = await request(p, { op: 'send', count: step.count, size: step.size });
    const seqs = ack['seqs'] as number[];
    const texts = ack['texts'] as string[];
    seqs.forEach((seq, i) => {
      // The room's total order: every send gets the next seq, across processes.
      expect(seq).toBe(lastSeq + 1);
      lastSeq = seq;
      sent.set(seq, texts[i]!);
    });
  }

  // Let every live reader catch up: all it should have seen is either delivered or counted missed.
  const live = sessions.filter((s) => !s.ended);
  for (const s of live) {
    const peer = peers.find((p) => p.session === s);
    await until(peer, () => s.messages.length + s.missed >= lastSeq - s.joinedAfter, `${s.nick} to catch up to seq ${lastSeq}`);
  }
  await new Promise((r) => setTimeout(r, 50)); // nothing more may arrive

  for (const s of sessions) {
    let previous = s.joinedAfter;
    for (const m of s.messages) {
      expect(m.seq, `${s.nick}: seqs strictly increase`).toBeGreaterThan(previous);
      previous = m.seq;
      expect(sent.get(m.seq), `${s.nick}: seq ${m.seq} carries what was sent`).toBe(m.text);
      expect(intactText(m.text)).toBe(true);
    }
  }
  for (const s of live) expect(s.messages.length + s.missed, `${s.nick}: delivered + missed == sent since join`).toBe(lastSeq - s.joinedAfter);

  // Presence: exactly the live sessions, once the dead are reaped.
  const present = observer.participants().map((x) => `${x.pid}/${x.nick}`).sort();
  expect(present).toEqual(live.map((s) => `${s.pid}/${s.nick}`).sort());

  for (const p of peers) p.child.stdin!.end();
  await Promise.all(peers.map((p) => p.exited));
  return {
    sent: lastSeq,
    delivered: sessions.reduce((n, s) => n + s.messages.length, 0),
    missed: sessions.reduce((n, s) => n + s.missed, 0),
    kills,
  };
}

describe('chat channel model (property, across processes)', () => {
  it(`random joins, sends, leaves and kills keep order, integrity, counts and presence (${PLANS} plans)`, async () => {
    const totals = { sent: 0, delivered: 0, missed: 0, kills: 0 };
    await fc.assert(fc.asyncProperty(fc.array(stepArb, { minLength: 6, maxLength: 18 }), async (steps) => {
      try {
        const figures = await runPlan(steps);
        for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += figures[k];
      } finally {
        for (const child of children) child.kill('SIGKILL');
        cleanupChannels();
      }
    }), { numRuns: PLANS, endOnFailure: true });
    // The plans must actually exercise sending, lapping and kills to mean something.
    expect(totals.sent).toBeGreaterThan(0);
    console.log(`channel model: ${PLANS} plans, ${totals.sent} messages sent, ${totals.delivered} delivered, ${totals.missed} missed (lapped), ${totals.kills} kills`);
  }, 60_000);
});
