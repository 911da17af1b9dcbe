// How the UI shows strings from outside shmscope (segment names, process and user names, nicks,
// chat messages, error text): the one visible form of common/visible.ts, shared with the CLI,
// so a bidi override cannot make `adv-bidi-\u202Etxt.exe` read "adv-bidi-exe.txt" here either.
import { visibleLines } from '../../common/visible';

export { visible } from '../../common/visible';

/** A chat message for a `white-space: pre-wrap` element: its line breaks kept, each line made visible. */
export function visibleMessage(text: string): string {
  return visibleLines(text).join('\n');
}
