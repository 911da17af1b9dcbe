// What a campaign child does (procs.ts spawns them). Each prints "ready" once set up.
//   writer   {name, key, nick, minSize, maxSize, burst, pauseMs, fault?, tolerant?, waitGo?}  send "nick|i|body|digest" until killed
//   reader   {name, key}                     count intact/torn messages and misses; print stats on stdin end
//   posixReader {name, ms}                   read a POSIX segment in a loop for ms; print {ok, errors, codes}
//   scribbler {shmid, ms, regions}           write random bytes into [from, to) regions for ms
import { createHash, randomBytes } from 'node:crypto';
import { native, type ChannelEvent } from '../../main/native';

type Args = Record<string, unknown>;
const out = (line: string): void => { process.stdout.write(`${line}\n`); };
const num = (a: Args, k: string): number => Number(a[k]);
const str = (a: Args, k: string): string => String(a[k]);

/** "nick|i|body|digest": a reader can tell an intact message from a torn one. */
export function makeText(nick: string, i: number, size: number): string {
  const body = randomBytes(Math.ceil(size / 2)).toString('hex').slice(0, size);
  const digest = createHash('sha1').update(`${nick}|${i}|${body}`).digest('hex').slice(0, 12);
  return `${nick}|${i}|${body}|${digest}`;
}

export function intactText(text: string): boolean {
  const parts = text.split('|');
  if (parts.length !== 4) return false;
  return createHash('sha1').update(`${parts[0]}|${parts[1]}|${parts[2]}`).digest('hex').slice(0, 12) === parts[3];
}

function writer(a: Args): void {
  const ch = new (native().Channel)({ name: str(a, 'name'), key: num(a, 'key'), create: false });
  const nick = str(a, 'nick');
  ch.join(nick);
  let i = 0;
  const minSize = num(a, 'minSize'), maxSize = num(a, 'maxSize'), pauseMs = num(a, 'pauseMs'), burstSize = num(a, 'burst');
  // A burst then a yield: SIGKILL can land anywhere in send(), including between claim and commit.
  // tolerant: a hostile process may scribble the tail or reclaim our record; report and go on.
  let errors = 0;
  const burst = (): void => {
    for (let k = 0; k < burstSize; k++) {
      try {
        ch.send(makeText(nick, i++, minSize + Math.floor(Math.random() * (maxSize - minSize + 1))));
      } catch (error) {
        if (a.tolerant !== true) throw error;
        if (errors++ === 0) process.stderr.write(`send failed: ${(error as Error).message}\n`);
      }
    }
    setTimeout(burst, pauseMs);
  };
  const start = (): void => {
    if (a.fault === 'stall-after-claim' || a.fault === 'stall-before-header') ch._setFault(a.fault);
    burst();
  };
  out('ready');
  // waitGo: spawned ahead of time; starts (and arms its fault) only on "go" from stdin.
  if (a.waitGo === true) process.stdin.once('data', start);
  else start();
}

function reader(a: Args): void {
  const ch = new (native().Channel)({ name: str(a, 'name'), key: num(a, 'key'), create: false });
  const stats = { messages: 0, torn: 0, missed: 0, errors: 0 };
  ch.start((batch: ChannelEvent[]) => {
    for (const e of batch) {
      if (e.type === 'message') { stats.messages++; if (!intactText(e.text)) stats.torn++; }
      else if (e.type === 'missed') stats.missed += e.missed;
    }
  });
  out('ready');
  setInterval(() => out(JSON.stringify(stats)), 200);
  process.stdin.resume();
  process.stdin.on('end', () => { out(JSON.stringify(stats)); ch.close(); process.exit(0); });
}

function posixReader(a: Args): void {
  const seg = new (native().PosixSegment)(str(a, 'name'), { create: false, exclusive: false, mode: 0, readOnly: true });
  out('ready');
  const stats = { ok: 0, errors: 0, codes: [] as string[] };
  const end = Date.now() + num(a, 'ms');
  while (Date.now() < end) {
    try {
      seg.read(0, Math.min(seg.size, 65536));
      stats.ok++;
    } catch (error) {
      stats.errors++;
      const code = String((error as { code?: unknown }).code);
      if (!stats.codes.includes(code)) stats.codes.push(code);
    }
  }
  seg.close();
  out(JSON.stringify(stats));
}

function scribbler(a: Args): void {
  const seg = new (native().SysvAttachment)(num(a, 'shmid'), false);
  const regions = a.regions as Array<[number, number]>;
  out('ready');
  const end = Date.now() + num(a, 'ms');
  let writes = 0;
  while (Date.now() < end) {
    const [from, to] = regions[Math.floor(Math.random() * regions.length)]!;
    const len = 1 + Math.floor(Math.random() * 64);
    const at = from + Math.floor(Math.random() * Math.max(1, to - from - len));
    seg.write(at, randomBytes(len));
    writes++;
  }
  seg.close();
  out(`done ${writes}`);
}

const roles: Record<string, (a: Args) => void> = { writer, reader, posixReader, scribbler };

export function runRole(name: string, json: string): void {
  const role = roles[name];
  if (!role) throw new Error(`unknown role ${name}`);
  role(JSON.parse(json) as Args);
}
