// Chat sessions of one client. The service talks to rooms through this small interface so
// it does not depend on how main/chat is built; main/service/chat-backend.ts adapts the
// real ChatRoom to it. Every session gets an opaque id that events carry back. Messages go
// out as the reader delivered them, one chatMessages event per batch, after the one
// de-duplication by seq of the whole path (the renderer trusts it).
import { randomUUID } from 'node:crypto';
import { ShmscopeError } from '../errors';
import type { ChatMessage, ChatRoomOwner, ChatSession, EventName, EventPayload, Participant } from '../../common/contract';

export interface ChatRoomHandle {
  readonly pid: number;
  readonly slot: number;
  readonly owner?: ChatRoomOwner;
  /** A run of messages in seq order, as one batch of the reader delivered them. */
  onMessages(listener: (messages: ChatMessage[]) => void): void;
  onMissed(listener: (count: number, reason: 'lapped' | 'unblocked' | 'corrupt') => void): void;
  onPresence(listener: (participants: Participant[]) => void): void;
  send(text: string): Promise<void> | void;
  history(): ChatMessage[];
  participants(): Participant[];
  leave(): Promise<void> | void;
}

export type ChatJoin = (room: string, options: { nick: string; history: boolean; trustOwner: boolean }) => Promise<ChatRoomHandle>;

/** lastSeq: the highest seq sent to the client (history included); nothing at or below goes again. */
interface Entry { room: string; nick: string; handle: ChatRoomHandle; lastSeq: number }

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** Per client; one window rarely needs more than a few rooms. */
export const MAX_SESSIONS = 16;

export class ChatSessions {
  readonly #join: ChatJoin | undefined;
  readonly #emit: Emit;
  readonly #rooms = new Map<string, Entry>();

  constructor(join: ChatJoin | undefined, emit: Emit) {
    this.#join = join;
    this.#emit = emit;
  }

  async join(room: string, nick: string, history: boolean, trustOwner = false): Promise<ChatSession> {
    if (!this.#join) throw new ShmscopeError(`room ${room}`, 'chat is not available in this build', 'ENOSYS');
    if (this.#rooms.size >= MAX_SESSIONS) {
      throw new ShmscopeError(`room ${room}`, `at most ${MAX_SESSIONS} rooms per window; leave one first`, 'EMFILE');
    }
    const handle = await this.#join(room, { nick, history, trustOwner });
    const sessionId = randomUUID();
    const entry: Entry = { room, nick, handle, lastSeq: -1 };
    this.#rooms.set(sessionId, entry);
    // The room is joined at the live tail and its history read after: a message sent in
    // that instant arrives both ways, and shows once.
    handle.onMessages((batch) => {
      const messages = batch.filter((m) => m.seq > entry.lastSeq);
      const last = messages.at(-1);
      if (!last) return;
      entry.lastSeq = last.seq;
      this.#emit('chatMessages', { sessionId, messages });
    });
    handle.onMissed((count, reason) => this.#emit('chatMissed', { sessionId, count, reason }));
    handle.onPresence((participants) => this.#emit('chatPresence', { sessionId, participants }));
    return {
      sessionId, room, nick, pid: handle.pid, slot: handle.slot,
      history: history ? this.#history(entry) : [], participants: handle.participants(),
      ...(handle.owner ? { owner: handle.owner } : {}),
    };
  }

  #entry(sessionId: string): Entry {
    const entry = this.#rooms.get(sessionId);
    if (!entry) throw new ShmscopeError(`chat session ${sessionId}`, 'not joined (left already, or the window was closed)', 'ENOENT');
    return entry;
  }

  #get(sessionId: string): ChatRoomHandle { return this.#entry(sessionId).handle; }

  /** The ring's messages; live ones up to the last of them are then not sent again. */
  #history(entry: Entry): ChatMessage[] {
    const messages = entry.handle.history();
    const last = messages.at(-1);
    if (last && last.seq > entry.lastSeq) entry.lastSeq = last.seq;
    return messages;
  }

  async send(sessionId: string, text: string): Promise<null> {
    await this.#get(sessionId).send(text);
    return null;
  }

  history(sessionId: string): ChatMessage[] { return this.#history(this.#entry(sessionId)); }
  participants(sessionId: string): Participant[] { return this.#get(sessionId).participants(); }

  async leave(sessionId: string): Promise<null> {
    const handle = this.#get(sessionId);
    this.#rooms.delete(sessionId);
    await handle.leave();
    return null;
  }

  async leaveAll(): Promise<void> {
    const handles = [...this.#rooms.values()].map((entry) => entry.handle);
    this.#rooms.clear();
    await Promise.allSettled(handles.map((handle) => handle.leave()));
  }
}
