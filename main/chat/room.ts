// ChatRoom: one participant in a room, for the CLI, the Electron app and web mode.
// Wraps the addon's Channel: messages arrive from the addon's waiter thread in batches
// (up to 1,024 events per callback), re-emitted as one 'messages' event per run of
// messages for batch listeners and one 'message' event each for the others (each kind only
// when someone listens); no timers, no polling here.
import { EventEmitter } from 'node:events';

import {
  type ChannelEvent,
  type ChannelInfo,
  type ChannelMessage,
  type ChannelMissed,
  type NativeChannel,
  native,
} from '../native';
import { nickProblem } from '../../common/limits';
import { roomKey, validateRoomName } from './naming';
import { roomOwner, UntrustedRoomError, type RoomOwner } from './owner';
import { PresenceVerifier, type VerifiedParticipant } from './verify';

export type { ChannelMessage, ChannelMissed, ChannelParticipant } from '../native';
export type { RoomOwner } from './owner';
export type { VerifiedParticipant } from './verify';

export interface ChatRoomOptions {
  /** Shown to others; at most 32 UTF-8 bytes. */
  nick: string;
  /** Replay the messages the ring still holds (as 'message' events) before live ones. */
  history?: boolean;
  /** Also deliver this participant's own messages as 'message' events (default true).
   *  false drops them inside the addon, before they cost a copy, a JS string and a wakeup:
   *  cheaper than filtering with isOwn(). history() includes own messages either way. */
  echo?: boolean;
  /** Spin briefly before sleeping (only with ≥ 4 CPUs): lower latency, a little CPU per message. */
  lowLatency?: boolean;
  /** A one-shot (chat --send / --listen): others list it but do not announce its join and leave
   *  (the presence slot's quiet flag, docs/channel-format.md). Default false. */
  quiet?: boolean;
  /** Create the room when it does not exist (default true). */
  create?: boolean;
  /** Permission bits of a newly created room (default 0o600; 0o660/0o666 to share). */
  mode?: number;
  /** Ring size of a newly created room (power of two, default 1 MiB). */
  ringBytes?: number;
  /** false: an open room does not keep the process alive (default true). */
  keepAlive?: boolean;
  /** Join even when the room's segment is owned or was created by another user, who can
   *  read, forge and break everything in it (default false: code EPERM). */
  trustOwner?: boolean;
}

export interface ChatRoomEvents {
  message: [ChannelMessage];
  /** The same messages as 'message', a run at a time (in order; a 'missed' or 'presence'
   *  event between two messages ends a run): one call per batch instead of one per message. */
  messages: [ChannelMessage[]];
  missed: [ChannelMissed];
  presence: [VerifiedParticipant[]];
}

export class ChatRoom extends EventEmitter<ChatRoomEvents> {
  readonly name: string;
  readonly nick: string;
  readonly slot: number;
  readonly pid: number;
  /** Who owns the room's segment (and so can read, forge or break it). */
  readonly owner: RoomOwner;
  private readonly verifier: PresenceVerifier;
  private readonly channel: NativeChannel;
  private left = false;

  private constructor(name: string, options: ChatRoomOptions) {
    super();
    this.name = name;
    this.nick = options.nick;
    // Everything that can be checked is checked before a segment is created or attached.
    const nickTooLong = nickProblem(options.nick);
    if (nickTooLong !== null) {
      // The same error the addon's join() gives, thrown before anything exists.
      const subject = `room:${name}`;
      throw Object.assign(new RangeError(`${subject}: ${nickTooLong}`), { code: 'ERANGE', subject });
    }
    const trustOwner = options.trustOwner ?? false;
    const existing = roomShmid(name);
    if (existing !== null && !trustOwner) refuseUntrusted(name, roomOwner(existing));
    this.channel = new (native().Channel)({
      name,
      key: roomKey(name),
      create: options.create ?? true,
      mode: options.mode ?? 0o600,
      ...(options.ringBytes !== undefined ? { ringBytes: options.ringBytes } : {}),
    });
    const info = this.channel.info();
    this.verifier = new PresenceVerifier(info.shmid);
    try {
      this.owner = roomOwner(info.shmid);
      // Again on what was attached: the segment may have been replaced since the first look.
      if (!trustOwner) refuseUntrusted(name, this.owner);
      const { slot, pid } = this.channel.join(options.nick, options.quiet ?? false);
      this.slot = slot;
      this.pid = pid;
      this.channel.setLowLatency(options.lowLatency ?? false);
      this.channel.setRef(options.keepAlive ?? true);
      this.channel.start((batch) => this.dispatch(batch), {
        history: options.history ?? false,
        skipOwn: !(options.echo ?? true),
      });
    } catch (error) {
      this.channel.close();
      // A failed join leaves nothing behind: a room this call created goes again.
      if (info.created) native().sysvRemove(info.shmid);
      throw error;
    }
  }

  /** Opens (or creates) the room and joins it. Events start on the next turn of the event loop. */
  static join(room: string, options: ChatRoomOptions): ChatRoom {
    return new ChatRoom(validateRoomName(room), options);
  }

  /** Removes the room's segment (it vanishes once the last process detaches). False if absent. */
  static remove(room: string): boolean {
    const addon = native();
    const shmid = roomShmid(room);
    // Only remove what really is this room, never another segment that shares the key.
    if (shmid === null || addon.channelDescribe(shmid)?.name !== room) return false;
    addon.sysvRemove(shmid);
    return true;
  }

  get info(): ChannelInfo { return this.channel.info(); }
  get closed(): boolean { return this.left; }

  /** Sends to everyone (this room too, unless echo is false); returns the message's seq. RangeError when too long. */
  send(text: string): number { return this.channel.send(text); }

  /** Sends the texts in order with one call into the addon and one wakeup of the room; returns
   *  the last seq. RangeError for a text too long (those before it are sent). */
  sendMany(texts: readonly string[]): number { return this.channel.sendMany(texts); }

  /** Whether a message came from this participant. */
  isOwn(message: ChannelMessage): boolean { return message.pid === this.pid && message.slot === this.slot; }

  /** The messages the ring still holds, oldest first. */
  history(): ChannelMessage[] {
    return this.channel.readHistory().filter((e): e is ChannelMessage => e.type === 'message');
  }

  /** Live participants, each checked against what the kernel says about its pid (verify.ts). */
  participants(): VerifiedParticipant[] { return this.verifier.verify(this.channel.participants()); }

  /** Leaves the room and detaches; the room itself stays for the others. */
  leave(): void {
    if (this.left) return;
    this.left = true;
    this.channel.close();
  }

  private dispatch(batch: ChannelEvent[]): void {
    try {
      const each = this.listenerCount('message') > 0;
      const runs = this.listenerCount('messages') > 0;
      let run: ChannelMessage[] = [];
      const flush = () => {
        if (run.length === 0) return;
        const messages = run;
        run = [];
        this.emit('messages', messages);
      };
      for (const event of batch) {
        if (this.left) return;
        if (event.type === 'message') {
          if (each) this.emit('message', event);
          if (runs) run.push(event);
          continue;
        }
        flush();
        if (this.left) return;
        if (event.type === 'missed') this.emit('missed', event);
        // Verifying reads /proc: only for someone who listens.
        else if (this.listenerCount('presence') > 0) this.emit('presence', this.verifier.verify(event.participants));
      }
      if (!this.left) flush();
    } catch (error) {
      // Thrown inside the addon's callback, a listener's error would only produce a
      // warning; rethrown from a microtask it is a normal uncaught exception.
      queueMicrotask(() => { throw error; });
    }
  }
}

/** The segment at the room's key, or null when there is none. */
function roomShmid(room: string): number | null {
  try {
    return native().sysvGet(roomKey(room), { create: false, exclusive: false, mode: 0, size: 0 });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return null;
    throw error;
  }
}

function refuseUntrusted(room: string, owner: RoomOwner): void {
  if (!owner.mine) throw new UntrustedRoomError(room, owner, '');
}
