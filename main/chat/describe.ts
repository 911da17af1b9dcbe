// Lets the scanner and `shmscope ls/show` label chat rooms without knowing the layout:
// a segment is a room when its header validates (magic, version, sizes).
import { type ChannelDescription, native } from '../native';

export type { ChannelDescription } from '../native';

/** The room in System V segment `shmid`, or null when it is not a (readable) channel. */
export function describeChannel(shmid: number): ChannelDescription | null {
  try {
    return native().channelDescribe(shmid);
  } catch {
    return null;  // gone or unreadable: not something we can label
  }
}
