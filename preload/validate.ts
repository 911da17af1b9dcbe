// Runtime validators for the contract's arguments. Everything arriving over IPC or a
// WebSocket is untrusted (a compromised renderer, a foreign page), so main checks every
// argument against these before the service sees it. No Node or DOM imports: this file is
// bundled into the preload and the renderer too.

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

/** A plain object with exactly these keys (unknown keys are refused, so typos surface). */
export function object<T extends object>(shape: Shape<T>): Validator<T> {
  return (value, name) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
      fail(name, 'must be an object', value);
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!Object.hasOwn(shape, key)) throw new ContractError(`${name}: unknown field "${key}"`);
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(shape) as (keyof T & string)[]) {
      const checked = shape[key](record[key], `${name}.${key}`);
      if (checked !== undefined) out[key] = checked;
    }
    return out as T;
  };
}

/** A tagged union: `tag` selects which object validator applies. */
export function union<T extends object>(tag: string, variants: Record<string, Validator<T>>): Validator<T> {
  return (value, name) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(name, 'must be an object', value);
    const selector = (value as Record<string, unknown>)[tag];
    const variant = typeof selector === 'string' && Object.hasOwn(variants, selector) ? variants[selector] : undefined;
    if (!variant) {
      fail(`${name}.${tag}`, `must be one of ${Object.keys(variants).map((k) => JSON.stringify(k)).join(', ')}`, selector);
    }
    return variant(value, name);
  };
}
