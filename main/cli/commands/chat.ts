import { userInfo } from 'node:os';
import { CLASSIC_KEY } from '../../chat/classic';
import { parseUnsigned } from '../../segments';
import { UsageError, type Command, type Invocation } from '../command';
import { interactive } from '../chat/interactive';
import { listen } from '../chat/listen';
import { classicSession, roomSession, type ChatSession } from '../chat/session';
import { flag, onePositional, stringOption } from '../values';

function positiveNumber(invocation: Invocation, name: string): number | undefined {
  const text = stringOption(invocation, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (name === 'count' && !Number.isInteger(value))) {
    throw new UsageError(`--${name}: expected a positive ${name === 'count' ? 'whole number' : 'number'}, got "${text}"`);
  }
  return value;
}

function openSession(invocation: Invocation, room: string | undefined): ChatSession {
  if (flag(invocation, 'classic')) {
    if (flag(invocation, 'trust-owner')) throw new UsageError('--trust-owner goes with a room, not --classic');
    const keyText = stringOption(invocation, 'key');
    const key = keyText === undefined ? CLASSIC_KEY : parseUnsigned(keyText);
    if (key === undefined || key === 0 || key > 0xffffffff) throw new UsageError(`--key: expected a non-zero 32-bit key, got "${keyText}"`);
    // The one-slot textbook buffer has a reader and a writer, never one process as both.
    return classicSession(key, flag(invocation, 'listen') ? 'reader' : 'writer');
  }
  if (stringOption(invocation, 'key') !== undefined) throw new UsageError('--key goes with --classic');
  if (room === undefined) throw new UsageError('missing room name');
  const nick = stringOption(invocation, 'nick') ?? userInfo().username;
  const oneShot = stringOption(invocation, 'send') !== undefined || flag(invocation, 'listen');
  return roomSession(room, nick, flag(invocation, 'history'), flag(invocation, 'trust-owner'), oneShot);
}

export const chat: Command = {
  help: `Usage: shmscope chat ROOM [--nick NAME]
       shmscope chat ROOM --send TEXT
       shmscope chat ROOM --listen [--history] [--count N] [--timeout SECONDS] [--json]
       shmscope chat --classic [--key K] [--send TEXT | --listen ...]

Any number of terminals, app windows and web pages that name the same ROOM
share one broadcast log in a System V segment: no server process.

Without --send/--listen it is an interactive chat: type a line to send it;
/who lists who is here (marking entries it could not verify against the
kernel), /history shows what the room still holds, /quit leaves.
Interactive --classic only writes: the textbook layout holds one line for
one reader (another program, or shmscope chat --classic --listen).

Options:
  --nick NAME      how others see you (default: your user name)
  --send TEXT      send one message and exit
  --listen         print messages as they arrive, one per line
                   (--send and --listen are one-shots: others list them
                   but do not announce their join and leave)
  --history        with --listen: first replay what the room still holds
  --count N        with --listen: exit after N messages (status 0 only if N arrived)
  --timeout S      with --listen: give up after S seconds
  --json           with --listen: JSON lines {seq, nick, pid, time, text}
  --classic        speak the textbook layout: struct { int written_by_you;
                   char some_text[2048]; } at key 1234 (polled every 20 ms);
                   interactive --classic is the writer, --listen the reader
  --key K          with --classic: another key (hex or decimal)
  --trust-owner    join a room whose segment another user owns or created
                   (without it: refused, code EPERM); that user can read,
                   forge or break everything in it
  -h, --help
`,
  options: {
    nick: { type: 'string' }, send: { type: 'string' }, listen: { type: 'boolean' }, history: { type: 'boolean' },
    count: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' },
    classic: { type: 'boolean' }, key: { type: 'string' }, 'trust-owner': { type: 'boolean' },
  },
  async run(invocation, output) {
    const classic = flag(invocation, 'classic');
    const room = classic && invocation.positionals.length === 0 ? undefined : onePositional(invocation, 'room name');
    const text = stringOption(invocation, 'send');
    const listening = flag(invocation, 'listen');
    if (text !== undefined && listening) throw new UsageError('give --send or --listen, not both');
    if (!listening && ['count', 'timeout', 'json', 'history'].some((name) => invocation.options[name] !== undefined)) {
      throw new UsageError('--count, --timeout, --json and --history go with --listen');
    }
    const count = positiveNumber(invocation, 'count');
    const timeoutSeconds = positiveNumber(invocation, 'timeout');

    const session = openSession(invocation, room);
    if (text !== undefined) {
      try {
        await session.send(text);
      } finally {
        session.close();
      }
      return 0;
    }
    if (listening) {
      return listen(session, { json: flag(invocation, 'json'), ...(count !== undefined ? { count } : {}), ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}) }, output);
    }
    return interactive(session, classic ? 'classic> ' : `${stringOption(invocation, 'nick') ?? userInfo().username}> `);
  },
};
