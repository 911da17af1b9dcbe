// THE CONTRACT between the renderer and main: every method the renderer may call and every
// event it may receive, as data. Main registers its ipcMain handlers from `methods`, the
// preload builds window.shmscope from it, the web mode serves it over a WebSocket from it,
// and test/unit/contract.test.ts fails if any transport misses a method.
//
// ─── For the renderer ──────────────────────────────────────────────────────────────────────
// * Use the `ShmscopeApi` type. In Electron it is `window.shmscope` (declare it with
//   `declare global { interface Window { shmscope: ShmscopeApi } }`). In the web mode build
//   the same object with `connectWebSocket(wsUrlFromPage(location.href))` from
//   renderer/lib/ws-client.ts, so both transports behave identically (errors, events, bytes).
// * Every method returns a Promise. Failures reject with an Error carrying `code`
//   (errno name such as 'EACCES' / 'ENOENT', or 'EINVAL' for a refused argument) and a
//   message that names the argument or segment concerned: show `error.message` as is.
// * Events: `api.onSegmentsChanged(cb)` etc. return an unsubscribe function.
// * Bytes are Uint8Array both ways.
//
// ─── Wire protocol (web mode) ──────────────────────────────────────────────────────────────
//   GET  /t/T/                the renderer (index.html) and, below it, its assets (relative URLs).
//                             The token T is in the path, never in a cookie: browsers send cookies
//                             to every port of a host, so a cookie would reach other local servers.
//   WS   /t/T/ws              the contract. Client → server: {"id": n, "method": "name", "args": [...]}
//                             Server → client: {"id": n, "ok": true, "result": R}
//                                            | {"id": n, "ok": false, "error": {"message", "code"}}
//                             Server → client events: {"event": "name", "payload": P}
//   Uint8Array values travel as {"$bytes": "<base64>"} (common/wire.ts encodes/decodes them).
//   Host must be 127.0.0.1:PORT or localhost:PORT; Origin, when sent, the same origin; else 403.
//   Any path outside /t/T/ is 404. A connection from a process of another local user is
//   refused (403) unless the server allows that user. Beyond the server's connection limit,
//   the socket is closed at once with code 1013 and the reason as text.
import type { Attacher, FdHolder, KernelNumber, Limits, Mapping, MemfdRow, PosixRow, ScanResult as ScannerResult, SegmentRow as ScannerRow, SharedAnonRow, SysvRow, UnreadableProcess } from './scan-types';
import type { PosixSemaphoreRow, SemaphoreList, SemaphoreRow, SysvSemaphoreRow } from './scan-types';
import { NICK_MAX_BYTES, POSIX_NAME_MAX_BYTES, ROOM_NAME_MAX_BYTES } from './limits';
import { bool, bytes, ContractError, int, literal, object, optional, str, union, utf8str, type Validator } from './validate';

export { ContractError };

export type { Attacher, FdHolder, KernelNumber, Limits, Mapping, MemfdRow, PosixRow, SharedAnonRow, SysvRow, UnreadableProcess };
export type { PosixSemaphoreRow, SemaphoreList, SemaphoreRow, SysvSemaphoreRow };

/** A scanner row, plus the chat room it holds when the segment is a shmscope chat room.
 *  roomUnknown: its key lies in the rooms' block but its header could not be read without
 *  attaching (not root, or no process maps it), so whether it is a room is not known. */
export type SegmentRow = ScannerRow & { room?: string; roomUnknown?: true };

export interface ScanResult extends Omit<ScannerResult, 'segments'> {
  segments: SegmentRow[];
}

/** Largest range one readRange/watchRange/writeRange call moves (the hex view reads visible rows only). */
export const MAX_RANGE = 1024 * 1024;
/** Offsets are byte positions in a segment; segments can be huge, so allow any safe integer. */
const MAX_OFFSET = Number.MAX_SAFE_INTEGER;
/** A chat message's text, in UTF-16 code units (the channel limits the encoded size too). */
export const MAX_CHAT_TEXT = 4000;

// ── data types ──────────────────────────────────────────────────────────────────────────────

export interface AppInfo {
  version: string;
  /** Which transport this renderer talks through. */
  transport: 'electron' | 'web';
  pid: number;
  uid: number;
  user: string;
  hostname: string;
  /** Writes, creates, removes and chat joins are refused (EROFS): `shmscope serve --read-only`. */
  readOnly: boolean;
}

export interface Bytes {
  /** Canonical reference (sysv:ID or posix:NAME) of the segment read. */
  ref: string;
  offset: number;
  /** The segment's size now; `data` is shorter than asked when the range passes the end. */
  size: number;
  data: Uint8Array;
}

export interface Watch extends Bytes {
  watchId: string;
}

export interface Written {
  ref: string;
  offset: number;
  written: number;
}

export type SysvIdentity =
  | { by: 'key'; key: number }
  | { by: 'ftok'; path: string; projectId: number }
  | { by: 'private' };

export type CreateRequest =
  | { kind: 'sysv'; identity: SysvIdentity; size: number; mode: number; exclusive: boolean }
  | { kind: 'posix'; name: string; size: number; mode: number; exclusive: boolean };

export interface Created {
  ref: string;
  /** SysV only: the key, '0x%08x' (0x00000000 for IPC_PRIVATE). */
  key?: string;
}

export interface ChatMessage {
  /** Position in the room's log; increases by one per message, so gaps show losses. */
  seq: number;
  pid: number;
  /** The sender's presence slot (-1 if it had not joined). Two windows of one app share a pid,
   *  so "is this mine" is `pid === session.pid && slot === session.slot`. */
  slot: number;
  nick: string;
  text: string;
  /** Milliseconds since the epoch (sender's clock). */
  time: number;
}

export interface Participant {
  pid: number;
  slot: number;
  nick: string;
  /** When it joined: milliseconds since the epoch (the name every layer uses, addon included). */
  joinedAt: number;
  /** The user the pid runs as (real uid, /proc/PID/status); absent when that could not be read. */
  uid?: number;
  user?: string;
  /** Whether the entry was confirmed against the kernel (the pid runs, has the room attached, and
   *  its nick is no other user's login name). Anyone who can write a room can forge entries. */
  verified?: boolean;
  /** What was checked, or why the entry is not to be believed. */
  reason?: string;
}

/** Who owns a room's segment: they can read, forge or break everything in it. */
export interface ChatRoomOwner {
  uid: number;
  user: string;
  creatorUid: number;
  creator: string;
  /** Owned and created by the user shmscope runs as. */
  mine: boolean;
}

export interface ChatSession {
  sessionId: string;
  room: string;
  nick: string;
  /** Our own pid and presence slot in the room (see ChatMessage.slot). */
  pid: number;
  slot: number;
  /** Messages still in the ring when we joined (empty if history was not asked for). */
  history: ChatMessage[];
  participants: Participant[];
  owner?: ChatRoomOwner;
}

export interface BytesChanged extends Bytes {
  watchId: string;
  /** Set once when the watched segment can no longer be read (removed, truncated); the watch ends. */
  error?: { message: string; code: string };
}

export type MenuAction = 'createSegment' | 'joinChat' | 'refresh';

// ── the hex view's live window and search (one view per window, searched where the bytes are) ──

/** A view: one open segment showing one range, re-read every VIEW_POLL_MS and moved, not reopened. */
export interface ViewBytes extends Bytes {
  viewId: string;
}

export interface ViewChanged extends ViewBytes {
  /** Set once when the segment can no longer be read (removed, truncated); the view ends. */
  error?: { message: string; code: string };
}

/** How often an open view's range is compared with the segment (ms). */
export const VIEW_POLL_MS = 20;
/** Longest range a view shows: a screenful of rows is a few KiB, and every byte is re-read
 *  VIEW_POLL_MS, so the cap bounds what a window can make main copy (with MAX_VIEWS per window). */
export const MAX_VIEW = 64 * 1024;
/** Longest pattern searchSegment takes. */
export const MAX_PATTERN = 4096;

export interface SearchHit {
  ref: string;
  /** Where the pattern starts, or -1 when it is nowhere in the segment. */
  offset: number;
}

export interface SearchProgress {
  searchId: string;
  /** Bytes searched so far, of `total`. */
  done: number;
  total: number;
}

// ── argument validators ─────────────────────────────────────────────────────────────────────

// A POSIX name is up to 255 bytes, and escaped (\xHH) up to 4 characters a byte: posix:/ + 1020.
const MAX_POSIX_NAME_TEXT = 1 + 4 * POSIX_NAME_MAX_BYTES;
// memfd:, anon:, posix-deleted: (DEV:INO) and ipcns: (NSINODE:ID) name what has no name, as the scan lists it.
const ref = str({
  min: 1, max: 'posix:'.length + MAX_POSIX_NAME_TEXT,
  hint: 'must be a segment reference: sysv:ID, key:0xHEX, posix:NAME, or memfd:/anon:/posix-deleted:DEV:INO, ipcns:NS:ID',
  pattern: /^((sysv|key|posix):.|(memfd|anon|posix-deleted):[0-9a-f]{2,3}:[0-9a-f]{2,5}:[0-9]{1,16}$|ipcns:[0-9]{1,16}:[0-9]{1,10}$)/,
});
const offset = int({ min: 0, max: MAX_OFFSET });
const length = int({ min: 0, max: MAX_RANGE });
const viewLength = int({ min: 0, max: MAX_VIEW });
const size = int({ min: 1, max: MAX_OFFSET });
const mode = int({ min: 0, max: 0o777 });
const room = str({ min: 1, max: ROOM_NAME_MAX_BYTES, pattern: /^[A-Za-z0-9._-]+$/, hint: 'must be letters, digits, ".", "_" or "-"' });
const nick = utf8str({ maxBytes: NICK_MAX_BYTES });
const sessionId = str({ min: 1, max: 64 });
const watchId = str({ min: 1, max: 64 });
const viewId = str({ min: 1, max: 64 });
const searchId = str({ min: 1, max: 64 });

const createRequest: Validator<CreateRequest> = union<CreateRequest>('kind', {
  sysv: object<Extract<CreateRequest, { kind: 'sysv' }>>({
    kind: literal('sysv'),
    identity: union<SysvIdentity>('by', {
      key: object<Extract<SysvIdentity, { by: 'key' }>>({ by: literal('key'), key: int({ min: 1, max: 0xffffffff }) }),
      ftok: object<Extract<SysvIdentity, { by: 'ftok' }>>({
        by: literal('ftok'), path: str({ min: 1, max: 4096 }), projectId: int({ min: 1, max: 255 }),
      }),
      private: object<Extract<SysvIdentity, { by: 'private' }>>({ by: literal('private') }),
    }),
    size, mode, exclusive: bool,
  }),
  posix: object<Extract<CreateRequest, { kind: 'posix' }>>({
    kind: literal('posix'), name: str({ min: 1, max: MAX_POSIX_NAME_TEXT }), size, mode, exclusive: bool,
  }),
});

/** trustOwner: join a room another user owns or created (refused otherwise, code EPERM). */
export interface ChatJoinOptions { history?: boolean; trustOwner?: boolean }
const joinOptions = optional(object<ChatJoinOptions>({ history: optional(bool), trustOwner: optional(bool) }));

// ── the method list ─────────────────────────────────────────────────────────────────────────

/** One method: named argument validators, and (type only) its result. */
export interface MethodSpec<Args extends unknown[], Result> {
  args: { [K in keyof Args]: readonly [name: string, check: Validator<Args[K]>] };
  /** Phantom: carries the result type; never set. */
  readonly result?: Result;
}

function method<Args extends unknown[], Result>(...args: MethodSpec<Args, Result>['args']): MethodSpec<Args, Result> {
  return { args };
}

export const methods = {
  /** Version, transport, who we run as. */
  info: method<[], AppInfo>(),
  /** One scan of every SysV and POSIX segment with attachers. */
  listSegments: method<[], ScanResult>(),
  /** One segment's row (same data as in listSegments); ENOENT if it is gone. */
  showSegment: method<[ref: string], SegmentRow>(['ref', ref]),
  /** Copies up to MAX_RANGE bytes out of a segment, attached read-only. */
  readRange: method<[ref: string, offset: number, length: number], Bytes>(['ref', ref], ['offset', offset], ['length', length]),
  /** Copies bytes into a segment through an explicit read-write attachment. */
  writeRange: method<[ref: string, offset: number, data: Uint8Array], Written>(
    ['ref', ref], ['offset', offset], ['data', bytes({ max: MAX_RANGE })]),
  createSegment: method<[request: CreateRequest], Created>(['request', createRequest]),
  /** IPC_RMID / shm_unlink. Drops this app's own attachments to it first. */
  removeSegment: method<[ref: string], { ref: string }>(['ref', ref]),
  limits: method<[], Limits>(),
  /** One look at every POSIX named semaphore and System V semaphore set, values read without changing them. */
  listSemaphores: method<[], SemaphoreList>(),
  /** Reads a range now and then about once a second, emitting bytesChanged only when it changed.
   *  The segment stays attached (read-only) until unwatch or the window closes. */
  watchRange: method<[ref: string, offset: number, length: number], Watch>(['ref', ref], ['offset', offset], ['length', length]),
  unwatch: method<[watchId: string], null>(['watchId', watchId]),
  /** Opens a live view of a range: its bytes now, then viewChanged within VIEW_POLL_MS of every change.
   *  The segment stays open (read through another process's mapping when possible, else attached
   *  read-only) until viewClose or the window closes; its bytes count against the watched-bytes limit. */
  viewRange: method<[ref: string, offset: number, length: number], ViewBytes>(['ref', ref], ['offset', offset], ['length', viewLength]),
  /** Shows another range through the same open segment (scrolling): its bytes at once. */
  viewMove: method<[viewId: string, offset: number, length: number], ViewBytes>(['viewId', viewId], ['offset', offset], ['length', viewLength]),
  /** Reopens the view's segment read-write (true) or back read-only (false); one handle either way. */
  viewWritable: method<[viewId: string, writable: boolean], null>(['viewId', viewId], ['writable', bool]),
  /** Writes through the view's open handle; the view must be writable (EACCES otherwise). */
  viewWrite: method<[viewId: string, offset: number, data: Uint8Array], Written>(
    ['viewId', viewId], ['offset', offset], ['data', bytes({ max: MAX_RANGE })]),
  viewClose: method<[viewId: string], null>(['viewId', viewId]),
  /** Finds `pattern` from `from` on, wrapping around once, in main (no bytes cross the transport);
   *  searchProgress events carry `searchId` (chosen by the caller, so it can cancel before the answer).
   *  One search at a time per window (EBUSY). */
  searchSegment: method<[searchId: string, ref: string, pattern: Uint8Array, from: number], SearchHit>(
    ['searchId', searchId], ['ref', ref], ['pattern', bytes({ max: MAX_PATTERN })], ['from', offset]),
  /** Stops a running search: it rejects with ECANCELED. Unknown ids are ignored (it may have just ended). */
  searchCancel: method<[searchId: string], null>(['searchId', searchId]),
  /** Joins (creating if needed) a chat room; events for it carry the returned sessionId.
   *  A room another user owns is refused (EPERM) unless options.trustOwner is true. */
  chatJoin: method<[room: string, nick: string, options?: ChatJoinOptions], ChatSession>(
    ['room', room], ['nick', nick], ['options', joinOptions]),
  chatSend: method<[sessionId: string, text: string], null>(['sessionId', sessionId], ['text', str({ min: 1, max: MAX_CHAT_TEXT })]),
  chatHistory: method<[sessionId: string], ChatMessage[]>(['sessionId', sessionId]),
  chatParticipants: method<[sessionId: string], Participant[]>(['sessionId', sessionId]),
  chatLeave: method<[sessionId: string], null>(['sessionId', sessionId]),
} as const;

/** Every event main may push, with its payload type (values are phantom, only keys matter). */
export const events = {
  /** The segment list differs from the last one sent (about once a second while it changes). */
  segmentsChanged: {} as ScanResult,
  bytesChanged: {} as BytesChanged,
  viewChanged: {} as ViewChanged,
  searchProgress: {} as SearchProgress,
  /** New messages of a session, in seq order, each once: one event per batch the reader
   *  delivered (up to 1,024 messages), not one per message. */
  chatMessages: {} as { sessionId: string; messages: ChatMessage[] },
  /** Messages this session will never see: lapped by writers, or lost with a dead writer. */
  chatMissed: {} as { sessionId: string; count: number; reason: 'lapped' | 'unblocked' | 'corrupt' },
  chatPresence: {} as { sessionId: string; participants: Participant[] },
  /** A menu item (Electron) asks the focused window to act. */
  menu: {} as { action: MenuAction },
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = (typeof events)[E];
export type ArgsOf<M extends MethodName> = Methods[M] extends MethodSpec<infer A, unknown> ? A : never;
export type ResultOf<M extends MethodName> = Methods[M] extends MethodSpec<unknown[], infer R> ? R : never;

export const methodNames = Object.keys(methods) as MethodName[];
export const eventNames = Object.keys(events) as EventName[];

/** `onSegmentsChanged` for `segmentsChanged`, and so on. */
export type ListenerName<E extends EventName> = `on${Capitalize<E>}`;
export function listenerName<E extends EventName>(event: E): ListenerName<E> {
  return `on${event[0]!.toUpperCase()}${event.slice(1)}` as ListenerName<E>;
}

/** What the renderer sees as window.shmscope (or gets from connectWebSocket). */
export type ShmscopeApi =
  & { [M in MethodName]: (...args: ArgsOf<M>) => Promise<ResultOf<M>> }
  & { [E in EventName as ListenerName<E>]: (callback: (payload: EventPayload<E>) => void) => () => void };

/** How a failure travels over any transport. */
export interface WireError {
  message: string;
  code: string;
}

export type Reply<R = unknown> = { ok: true; result: R } | { ok: false; error: WireError };

/** Checks a call's arguments against the contract; returns them typed. Throws ContractError. */
export function validateArgs<M extends MethodName>(name: M, args: unknown): ArgsOf<M> {
  const spec: MethodSpec<unknown[], unknown> = methods[name];
  if (!Array.isArray(args)) throw new ContractError(`${name}: arguments must be a list`);
  if (args.length > spec.args.length) {
    throw new ContractError(`${name}: takes at most ${spec.args.length} argument(s), got ${args.length}`);
  }
  return spec.args.map(([argName, check], i) => check(args[i], `${name}(${argName})`)) as ArgsOf<M>;
}

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.hasOwn(methods, value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(events, value);
}

/** Electron IPC channel names: one per method, one per event, prefixed so nothing else collides. */
export const ipcChannel = {
  method: (name: MethodName): string => `shmscope:call:${name}`,
  event: (name: EventName): string => `shmscope:event:${name}`,
};
