// Implements the contract (common/contract.ts) over segments, scan and chat, in plain Node so
// it is tested without Electron. Each transport connects one client per window or socket;
// the client owns its watches and chat sessions, and dispose() releases them all (window
// closed, socket dropped): rooms are left and segments detached.
import { hostname, userInfo } from 'node:os';
import pkg from '../package.json' with { type: 'json' };
import { rowMatchesRef } from '../common/columns';
import { ShmscopeError } from './errors';
import { labelRooms } from './chat';
import { scanLimits, scanSegments } from './scan';
import { scanSemaphores } from './scan/semaphores';
import {
  createSegment, formatRef, openSegment, parseRef, removeSegment, resolveSysvId, sysvHolders, type SegmentRef,
} from './segments';
import { ByteBudget } from './service/budget';
import { ChatSessions, type ChatJoin } from './service/chat';
import { SegmentFeed } from './service/feed';
import { checkWrite, plain, readClamped } from './service/ranges';
import { markSelf } from './service/self';
import { toWireError } from './service/reply';
import { Watches } from './service/watches';
import { Views } from './service/views';
import { Searches } from './service/searches';
import {
  isMethodName, validateArgs, VIEW_POLL_MS,
  type AppInfo, type ArgsOf, type ScanResult, type SegmentRow, type EventName, type EventPayload, type MethodName, type Reply, type ResultOf,
} from '../common/contract';

export interface ServiceOptions {
  transport: AppInfo['transport'];
  /** Joins chat rooms; without it the chat methods fail with ENOSYS. */
  chat?: ChatJoin;
  /** How often the segment list and watched ranges are re-read (default 1000 ms). */
  intervalMs?: number;
  /** How often open hex views are compared with their segments (default VIEW_POLL_MS). */
  viewIntervalMs?: number;
  /** Replaceable for tests. */
  scan?: () => ScanResult;
  /** Bytes all clients together may watch (default: no limit beyond MAX_WATCHES per client). */
  maxWatchedBytes?: number;
  /** Refuse every method that changes memory (write, create, remove, joining a chat room): EROFS. */
  readOnly?: boolean;
}

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface Client {
  /** Validates the arguments, runs the method, and always resolves with a Reply. */
  call(method: unknown, args: unknown): Promise<Reply>;
  /** Releases everything this client holds. Safe to call twice. */
  dispose(): Promise<void>;
}

export interface Service {
  connect(emit: Emit): Client;
  /** Disposes every client and stops the timers. */
  close(): Promise<void>;
}

interface ClientState {
  watches: Watches;
  views: Views;
  searches: Searches;
  chat: ChatSessions;
}

type Handlers = { [M in MethodName]: (state: ClientState, ...args: ArgsOf<M>) => ResultOf<M> | Promise<ResultOf<M>> };

export function createService(options: ServiceOptions): Service {
  const scan = (): ScanResult => markSelf(options.scan ? options.scan() : labelRooms(scanSegments()));
  const intervalMs = options.intervalMs ?? 1000;
  const feed = new SegmentFeed(scan, intervalMs);
  const clients = new Set<ClientState & { dispose(): Promise<void> }>();
  const watchBudget = new ByteBudget(options.maxWatchedBytes ?? Infinity);
  const readOnly = options.readOnly ?? false;
  /** A chat join counts as a write: it writes our presence into the room, and may create it. */
  const refuseIfReadOnly = (method: MethodName): void => {
    if (readOnly) throw new ShmscopeError(method, 'refused: this shmscope serves read-only (--read-only)', 'EROFS');
  };

  // One timer for every client's watches: a tick reads each watched range once.
  let watchTimer: NodeJS.Timeout | undefined;
  const syncWatchTimer = (): void => {
    const any = [...clients].some((c) => c.watches.size > 0);
    if (any && !watchTimer) {
      watchTimer = setInterval(() => { for (const c of clients) c.watches.poll(); }, intervalMs);
      watchTimer.unref();
    } else if (!any && watchTimer) {
      clearInterval(watchTimer);
      watchTimer = undefined;
    }
  };

  // One fast timer for every client's views: a tick re-reads each view's few KiB; whether the
  // segment was removed is asked on the slow cadence (a stat per view), every intervalMs.
  const viewIntervalMs = options.viewIntervalMs ?? VIEW_POLL_MS;
  const goneEvery = Math.max(1, Math.round(intervalMs / viewIntervalMs));
  let viewTimer: NodeJS.Timeout | undefined;
  let viewTicks = 0;
  const syncViewTimer = (): void => {
    const any = [...clients].some((c) => c.views.size > 0);
    if (any && !viewTimer) {
      viewTimer = setInterval(() => {
        const checkGone = ++viewTicks % goneEvery === 0;
        for (const c of clients) c.views.poll(checkGone);
        if (![...clients].some((c) => c.views.size > 0)) syncViewTimer();
      }, viewIntervalMs);
      viewTimer.unref();
    } else if (!any && viewTimer) {
      clearInterval(viewTimer);
      viewTimer = undefined;
    }
  };

  const handlers: Handlers = {
    info: () => {
      const user = userInfo();
      return { version: pkg.version, transport: options.transport, pid: process.pid, uid: user.uid, user: user.username, hostname: hostname(), readOnly };
    },
    listSegments: () => scan(),
    showSegment: (_s, ref) => findRow(scan(), parseRef(ref), ref),
    readRange: (_s, ref, offset, length) => {
      const segment = openSegment(parseRef(ref), { holders: sysvHolders });
      try {
        return { ref: segment.ref, offset, size: segment.size, data: plain(readClamped(segment, offset, length)) };
      } finally {
        segment.close();
      }
    },
    writeRange: (_s, ref, offset, data) => {
      refuseIfReadOnly('writeRange');
      // Writing is an explicit act: a read-write attachment just for this write.
      const segment = openSegment(parseRef(ref), { writable: true });
      try {
        checkWrite(segment, offset, data.length);
        segment.write(offset, data);
        return { ref: segment.ref, offset, written: data.length };
      } finally {
        segment.close();
      }
    },
    createSegment: (_s, request) => {
      refuseIfReadOnly('createSegment');
      const created = createSegment(request);
      feed.poke();
      return created;
    },
    removeSegment: (_s, ref) => {
      refuseIfReadOnly('removeSegment');
      const parsed = parseRef(ref);
      const canonical = canonicalRef(parsed);
      // Our own attachments would keep a SysV segment alive (marked dest) after IPC_RMID.
      for (const c of clients) {
        c.watches.endFor(canonical, 'removed');
        c.views.endFor(canonical, 'removed');
      }
      syncWatchTimer();
      syncViewTimer();
      const removed = removeSegment(parsed);
      feed.poke();
      return { ref: removed };
    },
    limits: () => scanLimits(),
    listSemaphores: () => scanSemaphores(),
    watchRange: (state, ref, offset, length) => {
      const watch = state.watches.add(ref, offset, length);
      syncWatchTimer();
      return watch;
    },
    unwatch: (state, watchId) => {
      state.watches.remove(watchId);
      syncWatchTimer();
      return null;
    },
    viewRange: (state, ref, offset, length) => {
      const view = state.views.open(ref, offset, length);
      syncViewTimer();
      return view;
    },
    viewMove: (state, viewId, offset, length) => state.views.move(viewId, offset, length),
    viewWritable: (state, viewId, writable) => {
      if (writable) refuseIfReadOnly('viewWritable');
      state.views.setWritable(viewId, writable);
      return null;
    },
    viewWrite: (state, viewId, offset, data) => {
      refuseIfReadOnly('viewWrite');
      return state.views.write(viewId, offset, data);
    },
    viewClose: (state, viewId) => {
      state.views.close(viewId);
      syncViewTimer();
      return null;
    },
    searchSegment: (state, searchId, ref, pattern, from) => state.searches.run(searchId, ref, pattern, from),
    searchCancel: (state, searchId) => {
      state.searches.cancel(searchId);
      return null;
    },
    chatJoin: (state, room, nick, joinOptions) => {
      refuseIfReadOnly('chatJoin');
      return state.chat.join(room, nick, joinOptions?.history ?? true, joinOptions?.trustOwner ?? false);
    },
    chatSend: (state, sessionId, text) => state.chat.send(sessionId, text),
    chatHistory: (state, sessionId) => state.chat.history(sessionId),
    chatParticipants: (state, sessionId) => state.chat.participants(sessionId),
    chatLeave: (state, sessionId) => state.chat.leave(sessionId),
  };

  function connect(emit: Emit): Client {
    let disposed = false;
    const unsubscribe = feed.subscribe((result) => emit('segmentsChanged', result));
    const state = {
      watches: new Watches((payload) => emit('bytesChanged', payload), watchBudget),
      views: new Views((payload) => emit('viewChanged', payload), watchBudget),
      searches: new Searches((payload) => emit('searchProgress', payload)),
      chat: new ChatSessions(options.chat, emit),
      async dispose(): Promise<void> {
        if (disposed) return;
        disposed = true;
        clients.delete(state);
        unsubscribe();
        state.watches.closeAll();
        state.views.closeAll();
        state.searches.cancelAll();
        syncWatchTimer();
        syncViewTimer();
        await state.chat.leaveAll();
      },
    };
    clients.add(state);
    return {
      async call(method, args) {
        try {
          if (disposed) throw new ShmscopeError('shmscope', 'this window is closing', 'ECONNRESET');
          if (!isMethodName(method)) throw new ShmscopeError(String(method).slice(0, 64), 'no such method', 'ENOSYS');
          const checked = validateArgs(method, args);
          const handler = handlers[method] as (s: ClientState, ...a: unknown[]) => unknown;
          return { ok: true, result: await handler(state, ...checked) };
        } catch (error) {
          return { ok: false, error: toWireError(error) };
        }
      },
      dispose: state.dispose,
    };
  }

  return {
    connect,
    async close() {
      await Promise.all([...clients].map((c) => c.dispose()));
      feed.stop();
    },
  };
}

/** sysv:ID or posix:NAME for any reference (a key: is looked up). */
function canonicalRef(ref: SegmentRef): string {
  return ref.kind === 'key' ? `sysv:${resolveSysvId(ref)}` : formatRef(ref);
}

function findRow(result: ScanResult, ref: SegmentRef, text: string): SegmentRow {
  const row = result.segments.find((r) => rowMatchesRef(r, ref));
  if (!row) throw new ShmscopeError(text, 'no such segment (removed, or never existed)', 'ENOENT');
  return row;
}
