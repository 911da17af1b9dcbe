// An in-memory ShmscopeApi: the contract's TypeScript type, implemented over plain objects, so
// component tests exercise the same calls and events the real transports carry.
import type { ChatMessage, ChatSession, EventName, EventPayload, Participant, ScanResult, SegmentRow, ShmscopeApi } from '../../common/contract';

type Listeners = { [E in EventName]: Set<(payload: EventPayload<E>) => void> };

export interface FakeApi {
  api: ShmscopeApi;
  /** Calls made, in order: [method, args]. */
  calls: [string, unknown[]][];
  segments: SegmentRow[];
  memory: Map<string, Uint8Array>;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  listenerCount(event: EventName): number;
  /** Open views by id (viewRange … viewClose). */
  views: Map<string, { ref: string; offset: number; length: number; writable: boolean }>;
  /** Another process writes: memory changes and every open view over it gets viewChanged. */
  touch(ref: string, offset: number, bytes: number[]): void;
  /** Makes the next call of `method` reject with this error (message + code). */
  failNext(method: string, message: string, code: string): void;
}

export function createFakeApi(initial: SegmentRow[] = []): FakeApi {
  const listeners: Listeners = {
    segmentsChanged: new Set(), bytesChanged: new Set(), viewChanged: new Set(), searchProgress: new Set(), chatMessages: new Set(), chatMissed: new Set(), chatPresence: new Set(), menu: new Set(),
  };
  const calls: [string, unknown[]][] = [];
  const segments = [...initial];
  const memory = new Map<string, Uint8Array>();
  const failures = new Map<string, { message: string; code: string }>();
  let nextSession = 1;
  let nextWatch = 1;
  let nextView = 1;
  const views: FakeApi['views'] = new Map();
  const viewOf = (viewId: string): { ref: string; offset: number; length: number; writable: boolean } => {
    const view = views.get(viewId);
    if (!view) throw Object.assign(new Error(`view ${viewId}: no such view`), { code: 'ENOENT' });
    return view;
  };

  const scan = (): ScanResult => ({ segments: [...segments], unreadableProcesses: 0, unreadable: [], scannedProcesses: 1 });
  const bytesOf = (ref: string): Uint8Array => {
    let m = memory.get(ref);
    if (!m) {
      const row = segments.find((s) => s.ref === ref);
      m = new Uint8Array(row?.size ?? 0);
      memory.set(ref, m);
    }
    return m;
  };

  async function call<T>(method: string, args: unknown[], result: () => T): Promise<T> {
    calls.push([method, args]);
    await Promise.resolve();
    const failure = failures.get(method);
    if (failure) {
      failures.delete(method);
      throw Object.assign(new Error(failure.message), { code: failure.code });
    }
    return result();
  }

  function on<E extends EventName>(event: E): (cb: (p: EventPayload<E>) => void) => () => void {
    return (cb) => {
      listeners[event].add(cb);
      return () => { listeners[event].delete(cb); };
    };
  }

  const me: Participant = { pid: 4242, slot: 0, nick: 'me', joinedAt: 1 };

  const api: ShmscopeApi = {
    info: () => call('info', [], () => ({ version: '0.0.0', transport: 'web' as const, pid: 4242, uid: 1000, user: 'tester', hostname: 'box', readOnly: false })),
    listSegments: () => call('listSegments', [], scan),
    showSegment: (ref) => call('showSegment', [ref], () => {
      const row = segments.find((s) => s.ref === ref);
      if (!row) throw Object.assign(new Error(`${ref}: no such segment`), { code: 'ENOENT' });
      return row;
    }),
    readRange: (ref, offset, length) => call('readRange', [ref, offset, length], () => {
      const m = bytesOf(ref);
      return { ref, offset, size: m.length, data: m.slice(offset, offset + length) };
    }),
    writeRange: (ref, offset, data) => call('writeRange', [ref, offset, data], () => {
      bytesOf(ref).set(data, offset);
      return { ref, offset, written: data.length };
    }),
    createSegment: (request) => call('createSegment', [request], () => {
      const ref = request.kind === 'posix' ? `posix:${request.name}` : 'sysv:99';
      return { ref };
    }),
    removeSegment: (ref) => call('removeSegment', [ref], () => ({ ref })),
    limits: () => call('limits', [], () => ({ shmmax: 2 ** 62, shmall: 2 ** 62, shmmni: 4096, pageSize: 4096, segments: 1, pagesInUse: 1, posixObjects: 0, posixBytes: 0 })),
    listSemaphores: () => call('listSemaphores', [], () => ({ semaphores: [], unreadableProcesses: 0, unreadable: [], scannedProcesses: 0 })),
    watchRange: (ref, offset, length) => call('watchRange', [ref, offset, length], () => {
      const m = bytesOf(ref);
      return { ref, offset, size: m.length, data: m.slice(offset, offset + length), watchId: `w${nextWatch++}` };
    }),
    unwatch: (watchId) => call('unwatch', [watchId], () => null),
    viewRange: (ref, offset, length) => call('viewRange', [ref, offset, length], () => {
      const m = bytesOf(ref);
      const viewId = `v${nextView++}`;
      views.set(viewId, { ref, offset, length, writable: false });
      return { ref, offset, size: m.length, data: m.slice(offset, offset + length), viewId };
    }),
    viewMove: (viewId, offset, length) => call('viewMove', [viewId, offset, length], () => {
      const view = viewOf(viewId);
      Object.assign(view, { offset, length });
      const m = bytesOf(view.ref);
      return { ref: view.ref, offset, size: m.length, data: m.slice(offset, offset + length), viewId };
    }),
    viewWritable: (viewId, writable) => call('viewWritable', [viewId, writable], () => { viewOf(viewId).writable = writable; return null; }),
    viewWrite: (viewId, offset, data) => call('viewWrite', [viewId, offset, data], () => {
      const view = viewOf(viewId);
      if (!view.writable) throw Object.assign(new Error(`${view.ref}: this view is read-only`), { code: 'EACCES' });
      bytesOf(view.ref).set(data, offset);
      return { ref: view.ref, offset, written: data.length };
    }),
    viewClose: (viewId) => call('viewClose', [viewId], () => { viewOf(viewId); views.delete(viewId); return null; }),
    searchSegment: (searchId, ref, pattern, from) => call('searchSegment', [searchId, ref, pattern, from], () => {
      const m = bytesOf(ref);
      const at = (i: number): boolean => pattern.every((b, j) => m[i + j] === b);
      const starts = [...Array(Math.max(0, m.length - pattern.length + 1)).keys()];
      const hit = starts.find((i) => i >= from && at(i)) ?? starts.find((i) => i < from && at(i)) ?? -1;
      return { ref, offset: hit };
    }),
    searchCancel: (searchId) => call('searchCancel', [searchId], () => null),
    chatJoin: (room, nick) => call('chatJoin', [room, nick], (): ChatSession => ({
      sessionId: `s${nextSession++}`, room, nick, pid: me.pid, slot: me.slot,
      history: [{ seq: 0, pid: 1, slot: 1, nick: 'old', text: 'from before', time: 0 }],
      participants: [{ ...me, nick }],
    })),
    chatSend: (sessionId, text) => call('chatSend', [sessionId, text], () => null),
    chatHistory: (sessionId) => call('chatHistory', [sessionId], (): ChatMessage[] => []),
    chatParticipants: (sessionId) => call('chatParticipants', [sessionId], (): Participant[] => []),
    chatLeave: (sessionId) => call('chatLeave', [sessionId], () => null),
    onSegmentsChanged: on('segmentsChanged'),
    onBytesChanged: on('bytesChanged'),
    onViewChanged: on('viewChanged'),
    onSearchProgress: on('searchProgress'),
    onChatMessages: on('chatMessages'),
    onChatMissed: on('chatMissed'),
    onChatPresence: on('chatPresence'),
    onMenu: on('menu'),
  };

  return {
    api,
    calls,
    segments,
    memory,
    views,
    emit(event, payload) {
      for (const cb of [...listeners[event]]) (cb as (p: typeof payload) => void)(payload);
    },
    touch(ref, offset, bytes) {
      const m = bytesOf(ref);
      m.set(bytes, offset);
      for (const [viewId, view] of views) {
        if (view.ref !== ref) continue;
        for (const cb of [...listeners.viewChanged]) cb({ viewId, ref, offset: view.offset, size: m.length, data: m.slice(view.offset, view.offset + view.length) });
      }
    },
    listenerCount: (event) => listeners[event].size,
    failNext(method, message, code) { failures.set(method, { message, code }); },
  };
}
