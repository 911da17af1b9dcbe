// The contract as data: validators explain refusals by argument, and the API object built
// from it (for the preload and the web client alike) has every method and listener.
import { describe, expect, it } from 'vitest';
import {
  ContractError, eventNames, ipcChannel, listenerName, methodNames, validateArgs, type EventName, type MethodName,
} from '../../common/contract';
import { buildApi, ShmscopeApiError, type Transport } from '../../common/bridge';
import { ipcTransport, type IpcRendererLike } from '../../preload/ipc-transport';
import { decode, encode } from '../../common/wire';

function refusal(method: MethodName, args: unknown[]): string {
  try {
    validateArgs(method, args);
  } catch (error) {
    expect(error).toBeInstanceOf(ContractError);
    return (error as Error).message;
  }
  throw new Error(`${method}(${JSON.stringify(args)}) was accepted`);
}

describe('argument validation', () => {
  it('accepts well-formed calls and returns the arguments', () => {
    expect(validateArgs('readRange', ['posix:demo', 0, 16])).toEqual(['posix:demo', 0, 16]);
    expect(validateArgs('listSegments', [])).toEqual([]);
    expect(validateArgs('chatJoin', ['lobby', 'ann'])).toEqual(['lobby', 'ann', undefined]);
    const data = new Uint8Array([1, 2]);
    expect(validateArgs('writeRange', ['sysv:5', 3, data])[2]).toBe(data);
    expect(validateArgs('createSegment', [{ kind: 'sysv', identity: { by: 'private' }, size: 4096, mode: 0o600, exclusive: true }]))
      .toEqual([{ kind: 'sysv', identity: { by: 'private' }, size: 4096, mode: 0o600, exclusive: true }]);
  });

  it('names the argument and the reason', () => {
    expect(refusal('readRange', ['posix:demo', -1, 16])).toBe('readRange(offset): must be between 0 and 9007199254740991, got -1');
    expect(refusal('readRange', ['posix:demo', 0, 2 * 1024 * 1024])).toMatch(/^readRange\(length\): must be between 0 and 1048576/);
    expect(refusal('readRange', ['demo', 0, 1])).toMatch(/^readRange\(ref\): must be a segment reference/);
    expect(refusal('readRange', ['posix:demo', 1.5, 1])).toMatch(/^readRange\(offset\): must be an integer, got 1.5/);
    expect(refusal('writeRange', ['posix:demo', 0, [1, 2]])).toBe('writeRange(data): must be a Uint8Array, got an array');
    expect(refusal('chatJoin', ['a room', 'ann'])).toMatch(/^chatJoin\(room\): must be letters, digits/);
    expect(refusal('chatSend', ['s1', ''])).toMatch(/^chatSend\(text\): must not be empty/);
    expect(refusal('showSegment', [])).toMatch(/^showSegment\(ref\): must be a string, got undefined/);
    expect(refusal('limits', [1])).toBe('limits: takes at most 0 argument(s), got 1');
  });

  it('checks nested requests field by field and refuses unknown fields', () => {
    expect(refusal('createSegment', [{ kind: 'shm', size: 1 }])).toMatch(/^createSegment\(request\)\.kind: must be one of "sysv", "posix"/);
    expect(refusal('createSegment', [{ kind: 'posix', name: 'x', size: 0, mode: 0o600, exclusive: false }]))
      .toMatch(/^createSegment\(request\)\.size: must be between 1 and/);
    expect(refusal('createSegment', [{ kind: 'posix', name: 'x', size: 1, mode: 0o1777, exclusive: false }]))
      .toMatch(/^createSegment\(request\)\.mode: must be between 0 and 511/);
    expect(refusal('createSegment', [{ kind: 'sysv', identity: { by: 'key', key: 0 }, size: 1, mode: 0o600, exclusive: false }]))
      .toMatch(/^createSegment\(request\)\.identity\.key: must be between 1 and 4294967295/);
    expect(refusal('createSegment', [{ kind: 'posix', name: 'x', size: 1, mode: 0o600, exclusive: false, evil: true }]))
      .toBe('createSegment(request): unknown field "evil"');
  });
});

function recordingTransport(): Transport & { calls: [MethodName, unknown[]][]; subs: EventName[] } {
  const calls: [MethodName, unknown[]][] = [];
  const subs: EventName[] = [];
  return {
    calls,
    subs,
    async call(method, args) {
      calls.push([method, args]);
      return method === 'limits' ? { ok: false, error: { message: 'nope', code: 'EACCES' } } : { ok: true, result: method };
    },
    subscribe(event) {
      subs.push(event);
      return () => {};
    },
  };
}

describe('buildApi (shared by the preload and the web client)', () => {
  it('has exactly one function per method and one on<Event> per event', () => {
    const api = buildApi(recordingTransport());
    const expected = [...methodNames, ...eventNames.map(listenerName)].sort();
    expect(Object.keys(api).sort()).toEqual(expected);
    for (const key of expected) expect(typeof (api as unknown as Record<string, unknown>)[key]).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('forwards calls and turns error replies into errors with a code', async () => {
    const transport = recordingTransport();
    const api = buildApi(transport);
    await expect(api.readRange('posix:x', 0, 4)).resolves.toBe('readRange');
    expect(transport.calls).toEqual([['readRange', ['posix:x', 0, 4]]]);
    const failure = api.limits();
    await expect(failure).rejects.toBeInstanceOf(ShmscopeApiError);
    await expect(failure).rejects.toMatchObject({ message: 'nope', code: 'EACCES' });
  });

  it('refuses non-function listeners', () => {
    const api = buildApi(recordingTransport());
    expect(() => api.onChatMessages(42 as unknown as () => void)).toThrow(/onChatMessages: callback must be a function/);
  });
});

describe('ipcTransport (the preload side)', () => {
  it('invokes one channel per method and strips the IPC event from listeners', async () => {
    const invoked: [string, unknown[]][] = [];
    const listeners = new Map<string, (event: unknown, payload: unknown) => void>();
    const ipc: IpcRendererLike = {
      async invoke(channel, ...args) { invoked.push([channel, args]); return { ok: true, result: 7 }; },
      on(channel, listener) { listeners.set(channel, listener); },
      removeListener(channel, listener) { if (listeners.get(channel) === listener) listeners.delete(channel); },
    };
    const api = buildApi(ipcTransport(ipc));
    for (const name of methodNames) {
      await (api[name] as (...a: unknown[]) => Promise<unknown>)('x');
    }
    expect(invoked.map(([c]) => c)).toEqual(methodNames.map(ipcChannel.method));
    const seen: unknown[] = [];
    const off = api.onChatMissed((payload) => seen.push(payload));
    const channel = ipcChannel.event('chatMissed');
    listeners.get(channel)!({ sender: 'secret' }, { sessionId: 's', count: 3 });
    expect(seen).toEqual([{ sessionId: 's', count: 3 }]);
    off();
    expect(listeners.has(channel)).toBe(false);
  });
});

describe('wire encoding', () => {
  it('round-trips bytes (Uint8Array and Buffer) inside JSON', () => {
    const text = encode({ a: new Uint8Array([0, 255, 7]), b: Buffer.from('hi'), c: [1, 'x'] });
    expect(decode(text)).toEqual({ a: new Uint8Array([0, 255, 7]), b: new Uint8Array([104, 105]), c: [1, 'x'] });
    const big = new Uint8Array(200_000).map((_, i) => i & 0xff);
    expect(decode(encode(big))).toEqual(big);
  });
});
