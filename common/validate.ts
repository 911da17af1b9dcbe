// Runtime validators for the contract's arguments. Everything arriving over IPC or a
// WebSocket is untrusted (a compromised renderer, a foreign page), so main checks every
// argument against these before the service sees it. No Node or DOM imports: this file is
// bundled into the preload and the renderer too.
import { utf8Bytes } from './limits';

/** A rejected argument. `code` is EINVAL so it travels like the OS errors do. */
export class ContractError extends Error {
  readonly code = 'EINVAL';
  constructor(message: string) {
    super(message);
    this.name = 'ContractError';
  }
}

/** Checks `value` (named `name` in messages) and returns it typed, or throws ContractError. */
export type Validator<T> = (value: unknown, name: string) => T;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

function fail(name: string, why: string, value: unknown): never {
  throw new ContractError(`${name}: ${why}, got ${describe(value)}`);
}

export function str(options: { min?: number; max: number; pattern?: RegExp; hint?: string }): Validator<string> {
  const min = options.min ?? 0;
  return (value, name) => {
    if (typeof value !== 'string') fail(name, 'must be a string', value);
    if (value.length < min) fail(name, min === 1 ? 'must not be empty' : `must have at least ${min} characters`, value);
    if (value.length > options.max) fail(name, `must have at most ${options.max} characters`, value);
    if (value.includes('\0')) fail(name, 'must not contain NUL characters', value);
    if (options.pattern && !options.pattern.test(value)) fail(name, options.hint ?? `must match ${options.pattern}`, value);
    return value;
  };
}

/** A string of 1 to `maxBytes` UTF-8 bytes (what the C++ counts), without NUL. */
export function utf8str(options: { maxBytes: number }): Validator<string> {
  return (value, name) => {
    if (typeof value !== 'string') fail(name, 'must be a string', value);
    if (value.length === 0) fail(name, 'must not be empty', value);
    if (value.includes('\0')) fail(name, 'must not contain NUL characters', value);
    if (utf8Bytes(value) > options.maxBytes) fail(name, `must be at most ${options.maxBytes} bytes of UTF-8`, value);
    return value;
  };
}

export function int(options: { min: number; max: number }): Validator<number> {
  return (value, name) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(name, 'must be an integer', value);
    if (value < options.min || value > options.max) fail(name, `must be between ${options.min} and ${options.max}`, value);
    return value;
  };
}

export const bool: Validator<boolean> = (value, name) => {
  if (typeof value !== 'boolean') fail(name, 'must be true or false', value);
  return value;
};

export function bytes(options: { max: number }): Validator<Uint8Array> {
  return (value, name) => {
    if (!(value instanceof Uint8Array)) fail(name, 'must be a Uint8Array', value);
    if (value.length > options.max) fail(name, `must be at most ${options.max} bytes`, value);
    return value;
  };
}

export function literal<const T extends string>(...allowed: T[]): Validator<T> {
  return (value, name) => {
    if (typeof value !== 'string' || !(allowed as string[]).includes(value)) {
      fail(name, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value);
    }
    return value as T;
  };
}

export function optional<T>(inner: Validator<T>): Validator<T | undefined> {
  return (value, name) => (value === undefined || value === null ? undefined : inner(value, name));
}

type Shape<T> = { [K in keyof T]-?: Validator<T[K]> };

/** A plain record: not an array, Date, Map, typed array or class instance. Checked by shape, not by
 *  `=== Object.prototype`, so a record made in another realm (a vm context, the page's world) passes. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** A plain object with exactly these keys (unknown keys are refused, so typos surface). */
export function object<T extends object>(shape: Shape<T>): Validator<T> {
  return (value, name) => {
    if (!isPlainObject(value)) fail(name, 'must be an object', value);
    const record = value;
    for (const key of Object.keys(record)) {
      // The key is the caller's: quote it, but never echo an unbounded string back.
      if (!Object.hasOwn(shape, key)) throw new ContractError(`${name}: unknown field ${describe(key)}`);
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(shape) as (keyof T & string)[]) {
      // Own fields only: an inherited one is not something the caller sent.
      const checked = shape[key](Object.hasOwn(record, key) ? record[key] : undefined, `${name}.${key}`);
      if (checked !== undefined) out[key] = checked;
    }
    return out as T;
  };
}

/** A tagged union: `tag` selects which object validator applies. */
export function union<T extends object>(tag: string, variants: Record<string, Validator<T>>): Validator<T> {
  return (value, name) => {
    if (!isPlainObject(value)) fail(name, 'must be an object', value);
    const selector = Object.hasOwn(value, tag) ? value[tag] : undefined;
    const variant = typeof selector === 'string' && Object.hasOwn(variants, selector) ? variants[selector] : undefined;
    if (!variant) {
      fail(`${name}.${tag}`, `must be one of ${Object.keys(variants).map((k) => JSON.stringify(k)).join(', ')}`, selector);
    }
    return variant(value, name);
  };
}
