// The renderer's single door to the contract: every type the UI uses comes through here,
// so components never reach into preload/ or main/ on their own.
export type {
  AppInfo, Attacher, Bytes, BytesChanged, ChatMessage, ChatRoomOwner, ChatSession, CreateRequest, Created, Limits,
  MenuAction, Participant, PosixRow, ScanResult, SearchProgress, SegmentRow, ShmscopeApi, SysvIdentity, SysvRow, UnreadableProcess, ViewChanged, Watch,
  SemaphoreList, SemaphoreRow,
} from '../../common/contract';
export { MAX_CHAT_TEXT, MAX_RANGE, MAX_VIEW } from '../../common/contract';

/** The message and errno-style code of a failed call, for display ("No such file or directory (ENOENT)"). */
export interface ShownError {
  message: string;
  code: string;
}

export function toShownError(error: unknown): ShownError {
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
    return { message: error.message, code };
  }
  return { message: String(error), code: '' };
}
