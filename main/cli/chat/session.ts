// What `shmscope chat` talks to: a shmscope room or a textbook (classic) segment,
// behind one small interface so sending, listening and the interactive prompt
// are written once.
import { ChatRoom } from '../../chat';
import { ClassicChannel, isClassicEnd } from '../../chat/classic';
import type { ChannelMissed, ChannelParticipant } from '../../native';
import type { ChatJsonLine } from './format';

export interface SessionHandlers {
  message(message: ChatJsonLine): void;
  missed(missed: ChannelMissed): void;
  presence(participants: ChannelParticipant[]): void;
  /** The conversation is over (classic: "end" arrived); nothing more will come. */
  ended(): void;
}

export interface ChatSession {
  readonly description: string;
  send(text: string): Promise<void>;
  /** Starts delivering what others send (and, if the session was opened with history, what the room still holds). */
  listen(handlers: SessionHandlers): void;
  participants(): ChannelParticipant[];
  history(): ChatJsonLine[];
  close(): void;
}

export function roomSession(room: string, nick: string, history: boolean): ChatSession {
  const chat = ChatRoom.join(room, { nick, history, echo: false });
  return {
    description: `room ${room} as ${nick}`,
    send: async (text) => { chat.send(text); },
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

export function classicSession(key: number): ChatSession {
  const channel = ClassicChannel.open(key);
  const stop = new AbortController();
  return {
    description: `classic segment ${channel.ref} (key ${key})`,
    send: (text) => channel.send(text, { signal: stop.signal }),
    listen(handlers) {
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
