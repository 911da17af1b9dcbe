// One joined chat room's state as a pure reducer: the message list (history first, then live
// messages), "N messages missed" notices, and the presence list. Kept apart from the Svelte
// component so ordering/dedup rules are tested directly.
import type { ChatMessage, ChatSession, Participant } from './contract';

export type ChatEntry =
  | { type: 'message'; key: string; message: ChatMessage; own: boolean }
  | { type: 'missed'; key: string; count: number }
  | { type: 'notice'; key: string; text: string };

export interface RoomState {
  sessionId: string;
  room: string;
  nick: string;
  /** Our own pid (to mark our messages), when known. */
  pid: number | undefined;
  entries: ChatEntry[];
  participants: Participant[];
  /** Highest seq seen, so a message delivered twice (history + live) shows once. */
  lastSeq: number;
  /** Total messages reported missed since joining. */
  missedTotal: number;
}

/** Oldest entries are dropped beyond this, so a chatty room cannot grow the DOM forever. */
export const MAX_ENTRIES = 2000;

let noticeCounter = 0;

function trim(entries: ChatEntry[]): ChatEntry[] {
  return entries.length > MAX_ENTRIES ? entries.slice(entries.length - MAX_ENTRIES) : entries;
}

function messageEntry(message: ChatMessage, pid: number | undefined, nick: string): ChatEntry {
  return { type: 'message', key: `m${message.seq}`, message, own: pid !== undefined ? message.pid === pid && message.nick === nick : false };
}

export function joinedRoom(session: ChatSession, pid?: number): RoomState {
  const history = [...session.history].sort((a, b) => a.seq - b.seq);
  const entries: ChatEntry[] = history.map((m) => messageEntry(m, pid, session.nick));
  entries.push({ type: 'notice', key: `n${++noticeCounter}`, text: `joined ${session.room} as ${session.nick}` });
  return {
    sessionId: session.sessionId,
    room: session.room,
    nick: session.nick,
    pid,
    entries: trim(entries),
    participants: sortParticipants(session.participants),
    lastSeq: history.length > 0 ? history[history.length - 1]!.seq : -1,
    missedTotal: 0,
  };
}

export function addMessage(state: RoomState, message: ChatMessage): RoomState {
  if (message.seq <= state.lastSeq) return state; // already shown (from history, or delivered twice)
  return { ...state, lastSeq: message.seq, entries: trim([...state.entries, messageEntry(message, state.pid, state.nick)]) };
}

export function addMissed(state: RoomState, count: number): RoomState {
  if (count <= 0) return state;
  const last = state.entries[state.entries.length - 1];
  // Consecutive losses read better as one notice with the running total.
  const entries = last?.type === 'missed'
    ? [...state.entries.slice(0, -1), { ...last, count: last.count + count }]
    : [...state.entries, { type: 'missed' as const, key: `x${++noticeCounter}`, count }];
  return { ...state, entries: trim(entries), missedTotal: state.missedTotal + count };
}

export function addNotice(state: RoomState, text: string): RoomState {
  return { ...state, entries: trim([...state.entries, { type: 'notice', key: `n${++noticeCounter}`, text }]) };
}

export function sortParticipants(participants: readonly Participant[]): Participant[] {
  return [...participants].sort((a, b) => a.joined - b.joined || a.pid - b.pid);
}

/** New presence list, plus "X joined"/"X left" notices for the difference. */
export function setPresence(state: RoomState, participants: readonly Participant[]): RoomState {
  const id = (p: Participant): string => `${p.pid}/${p.nick}`;
  const before = new Set(state.participants.map(id));
  const after = new Set(participants.map(id));
  let next: RoomState = { ...state, participants: sortParticipants(participants) };
  for (const p of participants) if (!before.has(id(p))) next = addNotice(next, `${p.nick} (pid ${p.pid}) joined`);
  for (const p of state.participants) if (!after.has(id(p))) next = addNotice(next, `${p.nick} (pid ${p.pid}) left`);
  return next;
}

export function missedText(count: number): string {
  return `${count} message${count === 1 ? '' : 's'} missed`;
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
