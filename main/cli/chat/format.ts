// How chat lines look in a terminal and in --json output. Nicks and texts are other users'
// strings: shown through `visible`, and a message's further lines indented under its text.
import type { VerifiedParticipant } from '../../chat/verify';
import { hangingLines, safeJson, visible } from '../../format/terminal';
import type { ChannelMissed, ChannelParticipant } from '../../native';
import { verificationNote } from './trust';

/** One line of `--listen --json`: the fields scripts rely on. */
export interface ChatJsonLine {
  seq: number;
  nick: string | null;
  pid: number | null;
  time: number;
  text: string;
}

export function clock(epochMs: number): string {
  return new Date(epochMs).toTimeString().slice(0, 8);
}

export function messageLine(message: ChatJsonLine): string {
  // Classic (textbook) messages carry no sender.
  const sender = message.nick === null ? '' : `<${visible(message.nick)}@${message.pid}> `;
  return hangingLines(`[${clock(message.time)}] ${sender}`, message.text);
}

export function jsonLine(message: ChatJsonLine): string {
  return safeJson({ seq: message.seq, nick: message.nick, pid: message.pid, time: message.time, text: message.text });
}

export function missedLine(missed: ChannelMissed): string {
  const why = { lapped: 'overwritten before this reader got to them', unblocked: 'lost with a writer that died or stalled', corrupt: 'damaged in shared memory' }[missed.reason];
  return `-- ${missed.missed} message${missed.missed === 1 ? '' : 's'} missed (${why}) --`;
}

export function whoLines(participants: VerifiedParticipant[]): string {
  if (participants.length === 0) return '-- nobody is here --';
  return participants.map((p) => `-- ${visible(p.nick)} (pid ${p.pid}, joined ${clock(p.joinedAt)}${p.quiet === true ? ', one-shot' : ''})${verificationNote(p)}`).join('\n');
}

/** "* alice joined" / "* bob left" lines for a presence change; one-shots (quiet: `chat --send`,
 *  `--listen`) come and go without a line. */
export function presenceChanges(before: ChannelParticipant[], after: VerifiedParticipant[]): string[] {
  const id = (p: ChannelParticipant) => `${p.slot}:${p.pid}:${p.joinedAt}`;
  const was = new Set(before.map(id));
  const is = new Set(after.map(id));
  const announced = (p: ChannelParticipant) => p.quiet !== true;
  return [
    ...after.filter((p) => announced(p) && !was.has(id(p))).map((p) => `* ${visible(p.nick)} joined (pid ${p.pid})${verificationNote(p)}`),
    ...before.filter((p) => announced(p) && !is.has(id(p))).map((p) => `* ${visible(p.nick)} left (pid ${p.pid})`),
  ];
}
