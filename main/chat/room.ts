// ChatRoom: one participant in a room, for the CLI, the Electron app and web mode.
// Wraps the addon's Channel: messages arrive from the addon's waiter thread in batches
// and are re-emitted one by one; no timers, no polling here.
import { EventEmitter } from 'node:events';

import {
  type ChannelEvent,
  type ChannelInfo,
  type ChannelMessage,
  type ChannelMissed,
  type ChannelParticipant,
  type NativeChannel,
  native,
} from '../native';
import { roomKey, validateRoomName } from './naming';

export type { ChannelMessage, ChannelMissed, ChannelParticipant } from '../native';

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
  /** Create the room when it does not exist (default true). */
  create?: boolean;
  /** Permission bits of a newly created room (default 0o600; 0o660/0o666 to share). */
  mode?: number;
  /** Ring size of a newly created room (power of two, default 1 MiB). */
  ringBytes?: number;
  /** false: an open room does not keep the process alive (default true). */
  keepAlive?: boolean;
}

export interface ChatRoomEvents {
  message: [ChannelMessage];
  missed: [ChannelMissed];
  presence: [ChannelParticipant[]];
}

export class ChatRoom extends EventEmitter<ChatRoomEvents> {
  readonly name: string;
  readonly nick: string;
  readonly slot: number;
  readonly pid: number;
  private readonly channel: NativeChannel;
  private left = false;

  private constructor(name: string, options: ChatRoomOptions) {
    super();
    this.name = name;
    this.nick = options.nick;
    this.channel = new (native().Channel)({
      name,
      key: roomKey(name),
      create: options.create ?? true,
      mode: options.mode ?? 0o600,
      ...(options.ringBytes !== undefined ? { ringBytes: options.ringBytes } : {}),
    });
    try {
      const { slot, pid } = this.channel.join(options.nick);
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
    let shmid: number;
    try {
      shmid = addon.sysvGet(roomKey(room), { create: false, exclusive: false, mode: 0, size: 0 });
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return false;
      throw error;
    }
    // Only remove what really is this room, never another segment that shares the key.
    if (addon.channelDescribe(shmid)?.name !== room) return false;
    addon.sysvRemove(shmid);
    return true;
  }

  get info(): ChannelInfo { return this.channel.info(); }
  get closed(): boolean { return this.left; }

  /** Sends to everyone (this room too, unless echo is false); returns the message's seq. RangeError when too long. */
  send(text: string): number { return this.channel.send(text); }

  /** Whether a message came from this participant. */
  isOwn(message: ChannelMessage): boolean { return message.pid === this.pid && message.slot === this.slot; }

  /** The messages the ring still holds, oldest first. */
  history(): ChannelMessage[] {
    return this.channel.readHistory().filter((e): e is ChannelMessage => e.type === 'message');
  }

  participants(): ChannelParticipant[] { return this.channel.participants(); }

  /** Leaves the room and detaches; the room itself stays for the others. */
  leave(): void {
    if (this.left) return;
    this.left = true;
    this.channel.close();
  }

  private dispatch(batch: ChannelEvent[]): void {
    try {
      for (const event of batch) {
        if (this.left) return;
        switch (event.type) {
          case 'message': this.emit('message', event); break;
          case 'missed': this.emit('missed', event); break;
          case 'presence': this.emit('presence', event.participants); break;
        }
      }
    } catch (error) {
      // Thrown inside the addon's callback, a listener's error would only produce a
      // warning; rethrown from a microtask it is a normal uncaught exception.
      queueMicrotask(() => { throw error; });
    }
  }
}
