// Adapts main/chat's ChatRoom to the service's ChatRoomHandle: each run of messages the
// reader delivered stays one batch. The room is joined at the live tail and its history
// read right after, so nothing falls in between (ChatSessions drops what arrives twice).
import { ChatRoom } from '../chat';
import type { ChannelMessage, VerifiedParticipant } from '../chat/room';
import type { ChatMessage, Participant } from '../../common/contract';
import type { ChatJoin, ChatRoomHandle } from './chat';

function toMessage(m: ChannelMessage): ChatMessage {
  return { seq: m.seq, pid: m.pid, slot: m.slot, nick: m.nick, text: m.text, time: m.time };
}

function toParticipant(p: VerifiedParticipant): Participant {
  return {
    pid: p.pid, slot: p.slot, nick: p.nick, joinedAt: p.joinedAt,
    ...(p.uid !== null && p.user !== null ? { uid: p.uid, user: p.user } : {}),
    verified: p.verified, reason: p.reason,
  };
}

export const joinChatRoom: ChatJoin = async (room, { nick, trustOwner }) => {
  // keepAlive false: an open room must not keep `shmscope serve` from exiting on Ctrl-C.
  const chat = ChatRoom.join(room, { nick, history: false, keepAlive: false, trustOwner });
  const handle: ChatRoomHandle = {
    pid: chat.pid,
    slot: chat.slot,
    owner: { ...chat.owner },
    onMessages(listener) { chat.on('messages', (ms) => listener(ms.map(toMessage))); },
    onMissed(listener) { chat.on('missed', (m) => listener(m.missed, m.reason)); },
    onPresence(listener) { chat.on('presence', (ps) => listener(ps.map(toParticipant))); },
    send(text) { chat.send(text); },
    history: () => chat.history().map(toMessage),
    participants: () => chat.participants().map(toParticipant),
    leave() { chat.leave(); },
  };
  return handle;
};

export async function defaultChat(): Promise<ChatJoin | undefined> {
  return joinChatRoom;
}
