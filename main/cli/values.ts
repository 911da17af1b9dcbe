// Turning option strings into numbers, with errors that name the option.
import { parseHex } from '../../common/columns';
import { parseUnsigned } from '../segments';
import { UsageError, type Invocation } from './command';

const SIZE_SUFFIXES: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** "4096", "0x1000", "4K", "1M", "2G", "1T" (binary units) → bytes. */
export function parseByteCount(option: string, text: string): number {
  if (/^\s*-/.test(text)) throw new UsageError(`--${option}: must be ≥ 0, got "${text}"`);
  const match = /^(0x[0-9a-f]+|[0-9]+)([kmgt]?)(i?b)?$/i.exec(text.trim());
  const base = match?.[1] === undefined ? undefined : parseUnsigned(match[1]);
  const multiplier = SIZE_SUFFIXES[(match?.[2] ?? '').toLowerCase()];
  if (base === undefined || multiplier === undefined || !Number.isSafeInteger(base * multiplier)) {
    throw new UsageError(`--${option}: expected a byte count such as 4096, 0x1000, 64K, 1M or 1T, got "${text}"`);
  }
  return base * multiplier;
}

/** Permission bits written in octal: "0600", "644". */
export function parseMode(text: string): number {
  if (!/^0?[0-7]{1,3}$/.test(text)) throw new UsageError(`--mode: expected octal permission bits such as 0600, got "${text}"`);
  return Number.parseInt(text, 8);
}

export function stringOption(invocation: Invocation, name: string): string | undefined {
  const value = invocation.options[name];
  return typeof value === 'string' ? value : undefined;
}

/** Every value of an option declared `multiple` (none: empty). */
export function listOption(invocation: Invocation, name: string): string[] {
  const value = invocation.options[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

export function flag(invocation: Invocation, name: string): boolean {
  return invocation.options[name] === true;
}

export function requireOption(invocation: Invocation, name: string): string {
  const value = stringOption(invocation, name);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

/** The single positional argument a command takes (a segment reference, a room name, ...). */
export function onePositional(invocation: Invocation, what: string): string {
  const [first, ...rest] = invocation.positionals;
  if (first === undefined) throw new UsageError(`missing ${what}`);
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  return first;
}

/** "de ad be ef", "deadbeef", "de:ad:be:ef", "0xde 0xad" → bytes (common/columns.ts parses them). */
export function parseHexBytes(text: string): Buffer {
  const parsed = parseHex(text);
  if (!parsed.ok) throw new UsageError(`--hex: expected pairs of hex digits such as "de ad be ef" (${parsed.error}), got "${text}"`);
  return Buffer.from(parsed.value);
}

/** The segment reference most commands take as their one argument. */
export function segmentRefArgument(invocation: Invocation): string {
  return onePositional(invocation, 'segment reference (sysv:ID, key:0xHEX, posix:NAME or room:NAME)');
}
