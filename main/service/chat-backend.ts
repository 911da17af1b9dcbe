// Connects the service to main/chat. Until main/chat lands this reports chat as unavailable
// (the chat methods then fail with ENOSYS and a clear message) instead of breaking the build.
import type { ChatJoin } from './chat';

export async function defaultChat(): Promise<ChatJoin | undefined> {
  return undefined;
}
