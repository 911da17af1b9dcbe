// Property tests of the contract's argument validators (common/contract.ts, common/validate.ts):
// whatever a compromised renderer or a foreign WebSocket client sends, validateArgs either
// returns the arguments unchanged (exactly when an independent oracle, written here from
// the contract's documented limits, says they are valid) or throws a ContractError (EINVAL)
// whose message names the method and the first bad argument, and stays short.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContractError, isMethodName, MAX_CHAT_TEXT, MAX_PATTERN, MAX_RANGE, MAX_VIEW, methodNames, validateArgs, type MethodName } from '../../common/contract';

const RUNS = 3000;
const MAX_SAFE = 2 ** 53 - 1;

// ── the oracle ─────────────────────────────────────────────────────────────────────────────

type Check = (v: unknown) => boolean;

const isString = (min: number, max: number, pattern?: RegExp): Check => (v) =>
  typeof v === 'string' && v.length >= min && v.length <= max && !v.includes('\0') && (!pattern || pattern.test(v));
const isInt = (min: number, max: number): Check => (v) =>
  typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= MAX_SAFE && v >= min && v <= max;
const isBool: Check = (v) => v === true || v === false;
/** A plain record: no class instance, Date, Map, array or typed array; any realm's Object.prototype. */
function isPlain(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null || Object.getPrototypeOf(proto) === null;
}
/** Exactly these fields (own, enumerable), each valid; `optional` ones may be absent or null/undefined. */
const isRecord = (fields: Record<string, Check>, optional: Record<string, Check> = {}): Check => (v) => {
  if (!isPlain(v)) return false;
  if (Object.keys(v).some((k) => !Object.hasOwn(fields, k) && !Object.hasOwn(optional, k))) return false;
  const own = (k: string): unknown => (Object.hasOwn(v, k) ? v[k] : undefined);
  return Object.entries(fields).every(([k, check]) => check(own(k)))
    && Object.entries(optional).every(([k, check]) => own(k) === undefined || own(k) === null || check(own(k)));
};
const tagged = (tag: string, variants: Record<string, Check>): Check => (v) => {
  if (!isPlain(v)) return false;
  const selector = Object.hasOwn(v, tag) ? v[tag] : undefined;
  return typeof selector === 'string' && Object.hasOwn(variants, selector) && variants[selector]!(v);
};
const is = (value: string): Check => (v) => v === value;

const size = isInt(1, MAX_SAFE);
const mode = isInt(0, 0o777);
const oracle = {
  ref: isString(1, 1027, /^(sysv|key|posix):[^\n\r\u2028\u2029]/),
  offset: isInt(0, MAX_SAFE),
  length: isInt(0, MAX_RANGE),
  data: (v: unknown) => v instanceof Uint8Array && v.length <= MAX_RANGE,
  request: tagged('kind', {
    sysv: isRecord({
      kind: is('sysv'),
      identity: tagged('by', {
        key: isRecord({ by: is('key'), key: isInt(1, 0xffffffff) }),
        ftok: isRecord({ by: is('ftok'), path: isString(1, 4096), projectId: isInt(1, 255) }),
        private: isRecord({ by: is('private') }),
      }),
      size, mode, exclusive: isBool,
    }),
    posix: isRecord({ kind: is('posix'), name: isString(1, 1021), size, mode, exclusive: isBool }),
  }),
  room: isString(1, 64, /^[A-Za-z0-9._-]+$/),
  nick: isString(1, 32),
  id: isString(1, 64),
  options: (v: unknown) => v === undefined || v === null || isRecord({}, { history: isBool, trustOwner: isBool })(v),
  text: isString(1, MAX_CHAT_TEXT),
  bool: isBool,
  viewLength: isInt(0, MAX_VIEW),
  pattern: (v: unknown) => v instanceof Uint8Array && v.length <= MAX_PATTERN,
} satisfies Record<string, Check>;
type Kind = keyof typeof oracle;

/** The contract's methods and their arguments, listed here independently of common/contract.ts. */
const signatures: Record<MethodName, [name: string, kind: Kind][]> = {
  info: [], listSegments: [], limits: [], listSemaphores: [],
  showSegment: [['ref', 'ref']],
  readRange: [['ref', 'ref'], ['offset', 'offset'], ['length', 'length']],
  writeRange: [['ref', 'ref'], ['offset', 'offset'], ['data', 'data']],
  createSegment: [['request', 'request']],
  removeSegment: [['ref', 'ref']],
  watchRange: [['ref', 'ref'], ['offset', 'offset'], ['length', 'length']],
  unwatch: [['watchId', 'id']],
  viewRange: [['ref', 'ref'], ['offset', 'offset'], ['length', 'viewLength']],
  viewMove: [['viewId', 'id'], ['offset', 'offset'], ['length', 'viewLength']],
  viewWritable: [['viewId', 'id'], ['writable', 'bool']],
  viewWrite: [['viewId', 'id'], ['offset', 'offset'], ['data', 'data']],
  viewClose: [['viewId', 'id']],
  searchSegment: [['searchId', 'id'], ['ref', 'ref'], ['pattern', 'pattern'], ['from', 'offset']],
  searchCancel: [['searchId', 'id']],
  chatJoin: [['room', 'room'], ['nick', 'nick'], ['options', 'options']],
  chatSend: [['sessionId', 'id'], ['text', 'text']],
  chatHistory: [['sessionId', 'id']],
  chatParticipants: [['sessionId', 'id']],
  chatLeave: [['sessionId', 'id']],
};

// ── the generators: valid values, near misses and adversarial junk ───────────────────────────

/** Strings built from characters that matter here: NUL, slashes, dots, newlines, surrogates. */
const spicyString = (maxLength: number): fc.Arbitrary<string> => fc.string({
  maxLength,
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('a', 'Z', '0', '9', '.', '_', '-') },
    { weight: 1, arbitrary: fc.constantFrom('\0', '/', ':', ' ', '\n', '\u2028', 'é', '\uD800', '😀', '%', '\\') },
  ),
});
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({
    withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true,
    withObjectString: true, withTypedArray: true, withSparseArray: true,
  }),
  fc.constantFrom<unknown>(
    NaN, Infinity, -Infinity, -0, -1, 0.5, 1e-300, 2 ** 53, 2 ** 53 - 1, 2 ** 53 + 2, 2 ** 60, 2 ** 64, -(2 ** 53),
    0xffffffff, 0x100000000, 511, 512, MAX_RANGE, MAX_RANGE + 1, '', '\0', 'a\0b', '0', '1', 'true', true, false, null, undefined,
    [], {}, '__proto__', 'constructor', 'toString', new Uint8Array(MAX_RANGE + 1), Buffer.from('hi'), new Uint8ClampedArray(2),
    new Uint16Array(2), new ArrayBuffer(4), new DataView(new ArrayBuffer(2)), () => 1, Symbol('s'), 10n,
    JSON.parse('{"__proto__": {"polluted": true}}'), JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
    Object.create(null), Object.create({ history: true }), new (class Options { history = true })(), new Date(0), 'x'.repeat(100_000),
  ),
  fc.double(), fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), fc.maxSafeInteger(), spicyString(80),
);

const anyRef = fc.oneof(
  fc.tuple(fc.constantFrom('sysv:', 'key:', 'posix:', 'posix:/', 'SYSV:', 'shm:', ''), spicyString(40)).map(([a, b]) => a + b),
  fc.tuple(fc.constantFrom('sysv:', 'key:', 'posix:'), fc.integer({ min: 1000, max: 1040 })).map(([a, n]) => a + 'x'.repeat(n)),
);
const anyInt = (max: number) => fc.oneof(fc.integer({ min: -2, max: Math.min(max + 2, 2 ** 31 - 1) }), fc.constantFrom(max, max + 1, MAX_SAFE, 2 ** 53));
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | unknown> => fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: junk });
/** A record with some of these fields (each possibly junk), and possibly extra or prototype-polluting keys. */
function someRecord(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const keys = Object.keys(fields);
  return fc.tuple(
    fc.record(Object.fromEntries(keys.map((k) => [k, maybe(fields[k]!)])), { requiredKeys: keys.filter((_, i) => i % 2 === 0) }),
    fc.oneof({ weight: 5, arbitrary: fc.constant([] as [string, unknown][]) },
      { weight: 1, arbitrary: fc.array(fc.tuple(fc.constantFrom('__proto__', 'constructor', 'extra', 'kind ', 'x'.repeat(5000)), junk), { maxLength: 2 }) }),
  ).map(([base, extra]) => {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of extra) Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
    return out;
  });
}
const anyIdentity = fc.oneof(
  someRecord({ by: fc.constant('key'), key: anyInt(0xffffffff) }),
  someRecord({ by: fc.constant('ftok'), path: fc.oneof(spicyString(20), fc.constant('/'.repeat(4097))), projectId: anyInt(255) }),
  someRecord({ by: fc.constantFrom('private', 'PRIVATE') }),
);
const anyRequest = fc.oneof(
  someRecord({ kind: fc.constant('sysv'), identity: anyIdentity, size: anyInt(MAX_SAFE), mode: anyInt(0o777), exclusive: fc.boolean() }),
  someRecord({ kind: fc.constantFrom('posix', 'Posix'), name: spicyString(30), size: anyInt(MAX_SAFE), mode: anyInt(0o777), exclusive: fc.boolean() }),
);
const arbitraries: Record<Kind, fc.Arbitrary<unknown>> = {
  ref: anyRef,
  offset: anyInt(MAX_SAFE),
  length: anyInt(MAX_RANGE),
  data: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.constant(new Uint8Array(MAX_RANGE)), fc.constant(Buffer.alloc(MAX_RANGE + 1))),
  request: anyRequest,
  room: fc.oneof(spicyString(70), fc.constantFrom('.', '..', 'lobby')),
  nick: spicyString(40),
  id: fc.oneof(spicyString(70), fc.uuid()),
  options: fc.oneof(fc.constant(undefined), someRecord({ history: fc.boolean() })),
  text: fc.oneof(spicyString(60), fc.constant('x'.repeat(MAX_CHAT_TEXT)), fc.constant('x'.repeat(MAX_CHAT_TEXT + 1))),
  bool: fc.boolean(),
  viewLength: anyInt(MAX_VIEW),
  pattern: fc.oneof(fc.uint8Array({ maxLength: 16 }), fc.constant(new Uint8Array(MAX_PATTERN)), fc.constant(new Uint8Array(MAX_PATTERN + 1))),
};

/** One call: mostly plausible arguments (some junk), sometimes too few or too many. */
const anyCall: fc.Arbitrary<{ method: MethodName; args: unknown[] }> = fc.constantFrom(...methodNames).chain((method) => {
  const sig = signatures[method];
  return fc.tuple(
    fc.tuple(...sig.map(([, kind]) => maybe(arbitraries[kind]))) as fc.Arbitrary<unknown[]>,
    fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -Math.max(sig.length, 1), max: -1 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }),
    fc.array(junk, { minLength: 2, maxLength: 2 }),
  ).map(([args, delta, extra]) => ({ method, args: delta <= 0 ? args.slice(0, args.length + delta) : [...args, ...extra.slice(0, delta)] }));
});

// ── the properties ───────────────────────────────────────────────────────────────────────────

/** What the oracle expects: null when valid, else the prefix the error message must start with. */
function expectedRefusal(method: MethodName, args: unknown[]): string | null {
  const sig = signatures[method];
  if (args.length > sig.length) return `${method}: takes at most ${sig.length} argument(s), got ${args.length}`;
  for (let i = 0; i < sig.length; i++) {
    const [name, kind] = sig[i]!;
    if (!oracle[kind](args[i])) return `${method}(${name})`;
  }
  return null;
}

/** The validated arguments as the service should see them (absent options become undefined). */
function normalized(method: MethodName, args: unknown[]): unknown[] {
  return signatures[method].map(([, kind], i) => {
    const v = args[i];
    if (kind !== 'options' || v === undefined || v === null) return kind === 'options' ? undefined : v;
    const history = (v as { history?: unknown }).history;
    return history === undefined || history === null ? {} : { history };
  });
}

describe('contract validators (property)', () => {
  it(`accept exactly the valid calls, and refuse the others naming the first bad argument (${RUNS} runs)`, () => {
    let accepted = 0;
    fc.assert(fc.property(anyCall, ({ method, args }) => {
      const refusal = expectedRefusal(method, args);
      let result: unknown[] | undefined;
      let error: unknown;
      try {
        result = validateArgs(method, args) as unknown[];
      } catch (e) {
        error = e;
      }
      if (refusal === null) {
        expect(error, `refused a valid call: ${String(error)}`).toBeUndefined();
        const want = normalized(method, args);
        signatures[method].forEach(([, kind], i) => {
          // Bytes pass through as the same object (no copy of up to a MiB); the rest compare by value.
          if (kind === 'data') expect(result![i]).toBe(args[i]);
          else expect(result![i]).toEqual(want[i]);
        });
        expect(result).toHaveLength(want.length);
        accepted++;
        return;
      }
      expect(error, `accepted an invalid call, expected "${refusal}…"`).toBeInstanceOf(ContractError);
      const { message, code } = error as ContractError;
      expect(code).toBe('EINVAL');
      expect(message.startsWith(refusal), `"${message}" should start with "${refusal}"`).toBe(true);
      // Never echo a huge attacker-chosen value back (into logs, dialogs, the wire).
      expect(message.length).toBeLessThan(400);
    }), { numRuns: RUNS });
    // The generators must reach both sides of the oracle, or the property says little.
    expect(accepted).toBeGreaterThan(RUNS / 20);
  });

  it('refuse non-list argument containers', () => {
    fc.assert(fc.property(fc.constantFrom(...methodNames), junk, (method, args) => {
      fc.pre(!Array.isArray(args));
      expect(() => validateArgs(method, args)).toThrow(new ContractError(`${method}: arguments must be a list`));
    }), { numRuns: 300 });
  });

  it('know exactly the contract\'s method names, never an inherited property', () => {
    const names = new Set<string>(Object.keys(signatures));
    expect(new Set(methodNames)).toEqual(names);
    fc.assert(fc.property(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'info ', 'Info'), fc.string(), junk),
      (name) => { expect(isMethodName(name)).toBe(typeof name === 'string' && names.has(name)); }), { numRuns: 500 });
  });

  it('do not let a polluting key reach Object.prototype', () => {
    validateArgs('chatJoin', ['lobby', 'ann', JSON.parse('{"__proto__": {"polluted": true}}')].slice(0, 2));
    expect(() => validateArgs('createSegment', [JSON.parse('{"kind": "posix", "__proto__": {"polluted": true}, "name": "x", "size": 1, "mode": 384, "exclusive": false}')]))
      .toThrow(/unknown field "__proto__"/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
