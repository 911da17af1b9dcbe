// Terminal injection: names, process names, nicks and messages from other users reach the
// viewer's terminal through ls, show, chat and error messages. Each is printed with controls and
// bidi characters spelled out (common/visible.ts); --json keeps the exact strings.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ChatRoom, describeChannel, roomKey } from '../../main/chat';
import { renderTable } from '../../main/cli/table';
import { native } from '../../main/native';
import { unescapePosixName } from '../../main/segments/posix-name';
import { NOBODY, shmscope } from '../helpers/cli';
import { spawnHolder, type Holder } from '../helpers/children';
import { removePosix } from '../helpers/python-children';
import { uniquePosixName } from '../helpers/unique';

const bin = fileURLToPath(new URL('../../bin/shmscope.js', import.meta.url));

/** What must never reach a terminal raw: controls other than LF, DEL, C1, bidi and line separators. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;

// Retitle, wipe, carriage return, right-to-left override: `…txt.exe` would read `…exe.txt`.
const HOSTILE_TAIL = '\u001b]2;pwn\u0007\u001b[2J\r\u202Etxt.exe';
const HOSTILE_TAIL_SHOWN = '\\e]2;pwn\\x07\\e[2J\\r<U+202E>txt.exe';
/** A POSIX name is shown in its reference spelling (main/segments/posix-name.ts: controls as \xHH,
 *  so it can be typed back), then made visible (the bidi control). */
const HOSTILE_NAME_SHOWN = '\\x1b]2;pwn\\x07\\x1b[2J\\x0d<U+202E>txt.exe';
// A comm is at most 15 bytes: retitle, CR and a bidi override fit (12 bytes).
const HOSTILE_COMM = '\u001b]2;pwn\u0007\r\u202E';
const HOSTILE_COMM_SHOWN = '\\e]2;pwn\\x07\\r<U+202E>';

const asNobody = ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups'];
const holders: Holder[] = [];
const posixNames: string[] = [];
const rooms: string[] = [];
const children = new Set<ChildProcessWithoutNullStreams>();

afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  await Promise.all(holders.splice(0).map((holder) => holder.stop()));
  for (const room of rooms.splice(0)) ChatRoom.remove(room);
});
afterAll(() => { for (const name of posixNames.splice(0)) removePosix(name); });

/** Another user (nobody) creates /dev/shm/NAME, then a process of theirs named HOSTILE_COMM maps it. */
async function hostilePosixObject(): Promise<{ name: string; holder: Holder }> {
  const name = `${uniquePosixName('term')}-${HOSTILE_TAIL}`;
  posixNames.push(name);
  const script = String.raw`
import ctypes, mmap, os, sys
fd = os.open('/dev/shm' + sys.argv[1], os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o644)
os.ftruncate(fd, 4096)
keep = mmap.mmap(fd, 0)
ctypes.CDLL(None).prctl(15, sys.argv[2].encode(), 0, 0, 0)  # PR_SET_NAME: the comm /proc shows
print('ok', flush=True)
sys.stdin.read()
`;
  // The system python: nobody cannot run a python installed under /root.
  const holder = await spawnHolder('setpriv', [...asNobody, '/usr/bin/python3', '-c', script, name, HOSTILE_COMM], 'ok');
  holders.push(holder);
  return { name, holder };
}

interface JsonRow { ref: string; name: string | null; attachers: { pid: number; command: string }[] }

function jsonRowOf(stdout: string, name: string): JsonRow {
  const rows = (JSON.parse(stdout) as { segments: JsonRow[] }).segments;
  const tag = name.slice(1, name.indexOf('\u001b'));
  const row = rows.find((candidate) => candidate.name?.includes(tag));
  if (row === undefined) throw new Error(`ls --json does not list ${JSON.stringify(name)}`);
  return row;
}

/** The exact bytes of a name, whether the scanner reports it raw or in its reversible spelling. */
function nameBytes(row: JsonRow): Buffer {
  const bytes = unescapePosixName(row.name ?? '');
  if ('problem' in bytes) throw new Error(bytes.problem);
  return bytes;
}

describe('ls and show print other users\' names and process names visibly', () => {
  it('ls: no raw escape, CR, BEL or bidi byte; the visible forms instead; --json exact', async () => {
    const { name, holder } = await hostilePosixObject();

    const json = shmscope(['ls', '--json']);
    expect(json.status).toBe(0);
    expect(json.stdout).not.toMatch(RAW);
    const row = jsonRowOf(json.stdout, name);
    expect(nameBytes(row).equals(Buffer.from(name.slice(1)))).toBe(true);
    expect(row.attachers.find((a) => a.pid === holder.pid)?.command).toBe(HOSTILE_COMM);

    const table = shmscope(['ls']);
    expect(table.status).toBe(0);
    expect(table.stdout).not.toMatch(RAW);
    const line = table.stdout.split('\n').find((l) => l.includes(name.slice(1, name.indexOf('\u001b'))));
    expect(line).toContain(HOSTILE_NAME_SHOWN);
    expect(line).toContain(`${HOSTILE_COMM_SHOWN}[${holder.pid}]`);
  });

  it('show: fields and the attachers table visible; --json exact', async () => {
    const { name, holder } = await hostilePosixObject();
    const row = jsonRowOf(shmscope(['ls', '--json']).stdout, name);

    const shown = shmscope(['show', row.ref]);
    expect(shown.stderr).toBe('');
    expect(shown.stdout).not.toMatch(RAW);
    expect(shown.stdout).toMatch(new RegExp(`^name: +.*${escapeRegExp(HOSTILE_NAME_SHOWN)}$`, 'm'));
    expect(shown.stdout).toMatch(new RegExp(`^ *${holder.pid}  ${escapeRegExp(HOSTILE_COMM_SHOWN)} +nobody `, 'm'));

    const json = shmscope(['show', row.ref, '--json']);
    expect(json.stdout).not.toMatch(RAW);
    const exact = JSON.parse(json.stdout) as JsonRow;
    expect(nameBytes(exact).equals(Buffer.from(name.slice(1)))).toBe(true);
    expect(exact.attachers.find((a) => a.pid === holder.pid)?.command).toBe(HOSTILE_COMM);
  });

  it('an error message echoing a hostile name prints it visibly', () => {
    const missing = shmscope(['show', `posix:shmscope-test-term-missing-${HOSTILE_TAIL}`]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).not.toMatch(RAW);
    expect(missing.stderr).toContain(`shmscope-test-term-missing-${HOSTILE_NAME_SHOWN}`);
    expect(missing.stderr).toContain('(ENOENT)');
    const unknown = shmscope([`\u001b[2J${HOSTILE_TAIL}`]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).not.toMatch(RAW);
    expect(unknown.stderr).toContain(`unknown command "\\e[2J${HOSTILE_TAIL_SHOWN}"`);
  });

  it('measures table columns on the visible form', () => {
    const out = renderTable([{ header: 'NAME', value: (r: string) => r }, { header: 'NEXT', value: () => 'x' }], ['a\u001b[2Jb', 'plain']);
    const lines = out.trimEnd().split('\n');
    expect(lines).toEqual(['NAME     NEXT', 'a\\e[2Jb  x', 'plain    x']);
  });
});

// A nick that asks the terminal to type its cursor position, and retitles it; a message that
// wipes the screen, returns the carriage, and forges two lines as root and admin.
const NICK = '\u001b[6n\u001b]2;pwn\u0007';
const NICK_SHOWN = '\\e[6n\\e]2;pwn\\x07';
const MESSAGE = 'hi\u001b[2J\u001b]2;owned\u0007\r[00:00:00] <root@1> fake\n[00:00:00] <admin@1> your password? \u202Etxt.exe\u009b6n';
const MESSAGE_SHOWN: [string, string] = ['hi\\e[2J\\e]2;owned\\x07\\r[00:00:00] <root@1> fake', '[00:00:00] <admin@1> your password? <U+202E>txt.exe\\u009b6n'];

function uniqueRoom(): string {
  const room = `cli-term-${process.pid}-${randomBytes(3).toString('hex')}`;
  rooms.push(room);
  return room;
}

interface Running { child: ChildProcessWithoutNullStreams; stdout(): string; exited: Promise<number | null> }

function startCli(args: string[]): Running {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => { children.delete(child); resolve(code); }));
  return { child, stdout: () => stdout, exited };
}

async function until(what: string, probe: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function participantPids(room: string): number[] {
  try {
    const shmid = native().sysvGet(roomKey(room), { create: false, exclusive: false, mode: 0, size: 0 });
    return describeChannel(shmid)?.participants.map((p) => p.pid) ?? [];
  } catch {
    return [];
  }
}

/** The lines a message printed after `[time] <nick@pid> `: the rest must hang under the first. */
function messageLines(stdout: string, first: string): [string, string] {
  const lines = stdout.split('\n');
  const at = lines.findIndex((line) => line.includes(first));
  expect(at).toBeGreaterThanOrEqual(0);
  return [lines[at]!, lines[at + 1]!];
}

describe('chat prints other participants\' nicks and messages visibly', () => {
  it('--listen: one message stays one message (continuation indented), no raw bytes; --json exact', async () => {
    const room = uniqueRoom();
    const plain = startCli(['chat', room, '--listen', '--count', '1', '--timeout', '20']);
    const json = startCli(['chat', room, '--listen', '--count', '1', '--timeout', '20', '--json']);
    await until('both listeners to join', () => [plain, json].every((l) => participantPids(room).includes(l.child.pid!)));
    const sent = shmscope(['chat', room, '--send', MESSAGE, '--nick', NICK]);
    expect(sent.stderr).toBe('');
    expect(await plain.exited).toBe(0);
    expect(await json.exited).toBe(0);

    expect(plain.stdout()).not.toMatch(RAW);
    const [first, second] = messageLines(plain.stdout(), MESSAGE_SHOWN[0]);
    const prefix = new RegExp(`^\\[\\d\\d:\\d\\d:\\d\\d\\] <${escapeRegExp(NICK_SHOWN)}@\\d+> `).exec(first)?.[0];
    expect(prefix).toBeDefined();
    expect(first).toBe(prefix + MESSAGE_SHOWN[0]);
    expect(second).toBe(' '.repeat(prefix!.length) + MESSAGE_SHOWN[1]);

    expect(json.stdout()).not.toMatch(RAW);
    expect(JSON.parse(json.stdout())).toMatchObject({ nick: NICK, text: MESSAGE });
  });

  it('interactive: the message, the join notice and /who are visible', async () => {
    const room = uniqueRoom();
    const victim = startCli(['chat', room, '--nick', 'victim']);
    await until('the victim to join', () => participantPids(room).includes(victim.child.pid!));
    const intruder = ChatRoom.join(room, { nick: NICK });
    try {
      intruder.send(MESSAGE);
      await until('the message to arrive', () => victim.stdout().includes(MESSAGE_SHOWN[1]));
      victim.child.stdin.write('/who\n');
      await until('/who to answer', () => victim.stdout().includes(`-- ${NICK_SHOWN} (pid ${process.pid}, joined`));
    } finally {
      intruder.leave();
    }
    victim.child.stdin.end('/quit\n');
    expect(await victim.exited).toBe(0);
    const out = victim.stdout();
    expect(out).not.toMatch(RAW);
    const [first, second] = messageLines(out, MESSAGE_SHOWN[0]);
    // Not a terminal: the prompt is written as text before the line.
    expect(first).toMatch(new RegExp(`^(victim> )*\\[\\d\\d:\\d\\d:\\d\\d\\] <${escapeRegExp(NICK_SHOWN)}@${process.pid}> `));
    expect(second).toMatch(new RegExp(`^ {20,}${escapeRegExp(MESSAGE_SHOWN[1])}$`));
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
