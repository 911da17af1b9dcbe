// One joined chat room's state as a pure reducer: the message list (history first, then live
// messages), "N messages missed" notices, and the presence list. Kept apart from the Svelte
// component so ordering rules are tested directly. Live messages come from main in seq
// order and each once (main/service/chat.ts de-duplicates), a batch at a time.
import type { ChatMessage, ChatRoomOwner, ChatSession, Participant, ShmscopeApi } from './contract';

/** Why messages were lost (the contract's chatMissed.reason). */
export type MissedReason = 'lapped' | 'unblocked' | 'corrupt';

/** The part of the contract the chat panel uses. */
export type ChatApi = Pick<ShmscopeApi, 'chatJoin' | 'chatSend' | 'chatLeave' | 'onChatMessages' | 'onChatMissed' | 'onChatPresence'>;

export type ChatEntry =
  | { type: 'message'; key: string; message: ChatMessage; own: boolean }
  | { type: 'missed'; key: string; count: number; reason: MissedReason }
  | { type: 'notice'; key: string; text: string };

export interface RoomState {
  sessionId: string;
  room: string;
  nick: string;
  /** Our pid and presence slot: a message is ours when both match (two windows share a pid). */
  pid: number;
  slot: number;
  entries: ChatEntry[];
  participants: Participant[];
  /** Who owns the room's segment, when the backend says. */
  owner: ChatRoomOwner | null;
  /** Highest seq shown: after a reconnect, the new session's history past it is what was missed. */
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

function messageEntry(message: ChatMessage, pid: number, slot: number): ChatEntry {
  return { type: 'message', key: `m${message.seq}`, message, own: message.pid === pid && message.slot === slot };
}

export function joinedRoom(session: ChatSession): RoomState {
  const history = [...session.history].sort((a, b) => a.seq - b.seq);
  const entries: ChatEntry[] = history.map((m) => messageEntry(m, session.pid, session.slot));
  entries.push({ type: 'notice', key: `n${++noticeCounter}`, text: `joined ${session.room} as ${session.nick}` });
  return {
    sessionId: session.sessionId,
    room: session.room,
    nick: session.nick,
    pid: session.pid,
    slot: session.slot,
    entries: trim(entries),
    participants: sortParticipants(session.participants),
    owner: session.owner ?? null,
    lastSeq: history.length > 0 ? history[history.length - 1]!.seq : -1,
    missedTotal: 0,
  };
}

/** A batch of new messages (seq order, each once) in one step: one copy of the list per batch. */
export function addMessages(state: RoomState, messages: readonly ChatMessage[]): RoomState {
  const last = messages.at(-1);
  if (!last) return state;
  const added = messages.map((m) => messageEntry(m, state.pid, state.slot));
  return { ...state, lastSeq: last.seq, entries: trim([...state.entries, ...added]) };
}

export function addMissed(state: RoomState, count: number, reason: MissedReason = 'lapped'): RoomState {
  if (count <= 0) return state;
  const last = state.entries[state.entries.length - 1];
  // Consecutive losses for the same reason read better as one notice with the running total.
  const entries = last?.type === 'missed' && last.reason === reason
    ? [...state.entries.slice(0, -1), { ...last, count: last.count + count }]
    : [...state.entries, { type: 'missed' as const, key: `x${++noticeCounter}`, count, reason }];
  return { ...state, entries: trim(entries), missedTotal: state.missedTotal + count };
}

export function addNotice(state: RoomState, text: string): RoomState {
  return { ...state, entries: trim([...state.entries, { type: 'notice', key: `n${++noticeCounter}`, text }]) };
}

/** Identity of a participant: pid alone is not enough (two windows of one app share it). */
export function participantKey(p: Participant): string {
  return `${p.pid}/${p.slot}`;
}

export function sortParticipants(participants: readonly Participant[]): Participant[] {
  return [...participants].sort((a, b) => a.joinedAt - b.joinedAt || a.pid - b.pid || a.slot - b.slot);
}

/** New presence list, plus "X joined"/"X left" notices for the difference. */
export function setPresence(state: RoomState, participants: readonly Participant[]): RoomState {
  const id = (p: Participant): string => participantKey(p);
  const before = new Set(state.participants.map(id));
  const after = new Set(participants.map(id));
  let next: RoomState = { ...state, participants: sortParticipants(participants) };
  for (const p of participants) if (!before.has(id(p))) next = addNotice(next, `${p.nick} (pid ${p.pid}) joined`);
  for (const p of state.participants) if (!after.has(id(p))) next = addNotice(next, `${p.nick} (pid ${p.pid}) left`);
  return next;
}

export function missedText(count: number, reason: MissedReason = 'lapped'): string {
  const why = {
    lapped: 'the ring wrapped before we read them',
    unblocked: 'a writer died while writing',
    corrupt: 'damaged records were skipped',
  }[reason];
  return `${count} message${count === 1 ? '' : 's'} missed (${why})`;
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The warning a room owned or created by another user deserves, or null for one's own room. */
export function ownerWarning(owner: ChatRoomOwner | null): string | null {
  if (owner === null || owner.mine) return null;
  const creator = owner.creatorUid === owner.uid ? '' : `, created by user ${owner.creator} (uid ${owner.creatorUid})`;
  return `This room is owned by user ${owner.user} (uid ${owner.uid})${creator}, not you: they can read, forge or break everything in it.`;
}

/** Why a participant's entry is not to be believed, or null when it was verified (or not checked). */
export function unverifiedReason(p: Participant): string | null {
  return p.verified === false ? (p.reason ?? 'not verified') : null;
}

/** Messages this close together from one sender show as one block (nick once), as chat clients do. */
export const GROUP_MS = 5 * 60 * 1000;

/** True when entry `index` continues the previous entry's block: same sender, soon after. */
export function continuesBlock(entries: readonly ChatEntry[], index: number): boolean {
  const entry = entries[index];
  const before = entries[index - 1];
  if (entry?.type !== 'message' || before?.type !== 'message') return false;
  const a = before.message;
  const b = entry.message;
  return a.nick === b.nick && a.pid === b.pid && a.slot === b.slot && b.time - a.time >= 0 && b.time - a.time < GROUP_MS;
}

/**
 * The room after joining it again on a new connection (the web mode reconnected): the new
 * session's ids, presence and owner, the messages sent meanwhile (history past what was
 * shown), and a notice. A room whose log starts over (it was recreated) shows all its history.
 */
export function rejoinedRoom(old: RoomState, session: ChatSession): RoomState {
  const history = [...session.history].sort((a, b) => a.seq - b.seq);
  const restarted = history.length > 0 && history[history.length - 1]!.seq < old.lastSeq;
  let next: RoomState = {
    ...old,
    sessionId: session.sessionId,
    pid: session.pid,
    slot: session.slot,
    participants: sortParticipants(session.participants),
    owner: session.owner ?? null,
    lastSeq: restarted ? -1 : old.lastSeq,
  };
  next = addNotice(next, restarted ? `reconnected; ${old.room} was recreated meanwhile` : `reconnected to ${old.room}`);
  return addMessages(next, history.filter((m) => m.seq > next.lastSeq));
}
