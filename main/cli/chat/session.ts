// What `shmscope chat` talks to: a shmscope room or a textbook (classic) segment,
// behind one small interface so sending, listening and the interactive prompt
// are written once.
import { ChatRoom } from '../../chat';
import { ClassicChannel, isClassicEnd } from '../../chat/classic';
import { UntrustedRoomError } from '../../chat/owner';
import type { VerifiedParticipant } from '../../chat/verify';
import type { ChannelMissed } from '../../native';
import { formatKey } from '../../segments';
import { whoLines, type ChatJsonLine } from './format';
import { ownerLine } from './trust';

export interface SessionHandlers {
  message(message: ChatJsonLine): void;
  missed(missed: ChannelMissed): void;
  presence(participants: VerifiedParticipant[]): void;
  /** The conversation is over (classic: "end" arrived); nothing more will come. */
  ended(): void;
}

export interface ChatSession {
  /** What the interactive prompt prints first: what this session is and the commands it takes. */
  intro(): string;
  /** The commands it takes, for an unknown one. */
  readonly help: string;
  /** Whether /who and /history apply (a room has presence and a ring; the textbook layout has neither). */
  readonly roomCommands: boolean;
  send(text: string): Promise<void>;
  /** Whether sending this text ends the conversation (classic: "end"), so the prompt leaves after it. */
  ends(text: string): boolean;
  /** Starts delivering what others send (and, if the session was opened with history, what the room still holds). */
  listen(handlers: SessionHandlers): void;
  participants(): VerifiedParticipant[];
  history(): ChatJsonLine[];
  close(): void;
}

const ROOM_HELP = '-- /who: who is here   /history: what the room still holds   /quit: leave --';

/** quiet: a one-shot (--send, --listen), whose join and leave others do not announce. */
export function roomSession(room: string, nick: string, history: boolean, trustOwner: boolean, quiet = false): ChatSession {
  let chat: ChatRoom;
  try {
    chat = ChatRoom.join(room, { nick, history, echo: false, trustOwner, quiet });
  } catch (error) {
    if (error instanceof UntrustedRoomError) throw new UntrustedRoomError(error.room, error.owner, ' — pass --trust-owner to join anyway');
    throw error;
  }
  return {
    intro: () => `-- joined room ${room} as ${nick}\n${ownerLine(chat.owner)}\n${ROOM_HELP}\n${whoLines(chat.participants())}`,
    help: ROOM_HELP,
    roomCommands: true,
    send: async (text) => { chat.send(text); },
    ends: () => false,
    listen(handlers) {
      chat.on('message', (message) => { if (!chat.isOwn(message)) handlers.message(message); });
      chat.on('missed', (missed) => handlers.missed(missed));
      chat.on('presence', (participants) => handlers.presence(participants));
    },
    participants: () => chat.participants(),
    history: () => chat.history(),
    close: () => chat.leave(),
  };
}

/** The textbook layout has one slot: a writer and a reader take turns on it, and a process
 *  that did both would take back the lines it just wrote. So a session is one or the other:
 *  --listen reads, interactive and --send write. */
export function classicSession(key: number, role: 'reader' | 'writer'): ChatSession {
  const channel = ClassicChannel.open(key);
  const stop = new AbortController();
  const help = '-- each line goes to its reader (the textbook reader, or shmscope chat --classic --listen); "end" ends the conversation, /quit leaves --';
  const intro = role === 'writer'
    ? `-- writing to the textbook segment ${channel.ref} (key ${formatKey(key)})\n${help}`
    : `-- reading the textbook segment ${channel.ref} (key ${formatKey(key)}) --`;
  return {
    intro: () => intro,
    help,
    roomCommands: false,
    send: (text) => channel.send(text, { signal: stop.signal }),
    ends: (text) => isClassicEnd(text),
    listen(handlers) {
      if (role === 'writer') return;
      void (async () => {
        for (let seq = 0; ; seq++) {
          let text: string;
          try {
            text = await channel.receive({ signal: stop.signal });
          } catch (error) {
            if (stop.signal.aborted) return;
            throw error;
          }
          handlers.message({ seq, nick: null, pid: null, time: Date.now(), text });
          if (isClassicEnd(text)) { handlers.ended(); return; }
        }
      })();
    },
    // The textbook layout has no presence and keeps only the last line.
    participants: () => [],
    history: () => [],
    close: () => { stop.abort(); channel.close(); },
  };
}
