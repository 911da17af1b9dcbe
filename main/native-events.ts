// The events a chat channel delivers to JavaScript, as the addon's batches decode to them
// (native-batch.ts) and the native facade hands them on (native.ts).

/** One message as delivered: `seq` is the room-wide total order (1, 2, ...). */
export interface ChannelMessage {
  type: 'message';
  seq: number;
  pid: number;
  /** Presence slot of the sender, -1 when it had not joined. */
  slot: number;
  nick: string;
  /** Milliseconds since the epoch, set by the sender. */
  time: number;
  text: string;
}

/** Messages this reader will never see: overwritten before it read them (lapped), lost with a
 *  writer that died or stalled between claim and commit (unblocked), or scribbled over (corrupt). */
export interface ChannelMissed {
  type: 'missed';
  missed: number;
  reason: 'lapped' | 'unblocked' | 'corrupt';
}

export interface ChannelParticipant {
  slot: number;
  pid: number;
  nick: string;
  /** Milliseconds since the epoch. */
  joinedAt: number;
  /** A one-shot (`chat --send`/`--listen`): listed, but its join and leave are not announced. */
  quiet?: true;
}

/** The participant list changed (join, leave, or a dead participant reaped). */
export interface ChannelPresence {
  type: 'presence';
  participants: ChannelParticipant[];
}

export type ChannelEvent = ChannelMessage | ChannelMissed | ChannelPresence;
