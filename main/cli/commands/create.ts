import { visible } from '../../format/terminal';
import { createSegment, parseUnsigned, type CreateRequest, type SysvIdentity } from '../../segments';
import { UsageError, type Command, type Invocation } from '../command';
import { flag, onePositional, parseByteCount, parseMode, requireOption, stringOption } from '../values';

/** ftok's project id: one character ("A") or a number 1..255. */
function parseProjectId(text: string): number {
  const number = parseUnsigned(text);
  const value = number ?? (text.length === 1 ? text.charCodeAt(0) : undefined);
  if (value === undefined || value < 1 || value > 255) {
    throw new UsageError(`--proj: expected one character or a number 1..255, got "${text}"`);
  }
  return value;
}

function sysvIdentity(invocation: Invocation): SysvIdentity {
  const key = stringOption(invocation, 'key');
  const ftokPath = stringOption(invocation, 'ftok');
  const chosen = [key !== undefined, ftokPath !== undefined, flag(invocation, 'private')].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError('give exactly one of --key K, --ftok PATH --proj C, --private');
  if (key !== undefined) {
    const value = parseUnsigned(key);
    if (value === undefined || value === 0 || value > 0xffffffff) {
      throw new UsageError(`--key: expected a non-zero 32-bit key such as 0x1234 or 4660, got "${key}" (use --private for IPC_PRIVATE)`);
    }
    return { by: 'key', key: value };
  }
  if (ftokPath !== undefined) return { by: 'ftok', path: ftokPath, projectId: parseProjectId(requireOption(invocation, 'proj')) };
  return { by: 'private' };
}

function request(invocation: Invocation): CreateRequest {
  const [kind, ...rest] = invocation.positionals;
  if (kind !== 'sysv' && kind !== 'posix') {
    throw new UsageError(kind === undefined ? 'missing kind (sysv or posix)' : `unknown kind ${kind} (sysv or posix)`);
  }
  const size = parseByteCount('size', requireOption(invocation, 'size'));
  const modeText = stringOption(invocation, 'mode');
  const mode = modeText === undefined ? 0o600 : parseMode(modeText);
  const exclusive = flag(invocation, 'excl');
  if (kind === 'sysv') {
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
    return { kind: 'sysv', identity: sysvIdentity(invocation), size, mode, exclusive };
  }
  if (invocation.options.key !== undefined || invocation.options.ftok !== undefined || flag(invocation, 'private')) {
    throw new UsageError('--key, --ftok and --private are for System V segments');
  }
  return { kind: 'posix', name: onePositional({ ...invocation, positionals: rest }, 'POSIX name'), size, mode, exclusive };
}

export const create: Command = {
  help: `Usage: shmscope create sysv (--key K | --ftok PATH --proj C | --private) --size N [--mode 0600] [--excl]
       shmscope create posix NAME --size N [--mode 0600] [--excl]

Creates a segment (or, without --excl, opens an existing one with that key or
name) and prints its reference, e.g. sysv:32769 or posix:demo.

Options:
  --key K        System V key, hex (0x1234) or decimal
  --ftok PATH    derive the key with ftok(PATH, C); needs --proj
  --proj C       ftok project id: one character or a number 1..255
  --private      IPC_PRIVATE: a new segment no key can find
  --size N       size in bytes (4096, 0x1000, 64K, 1M, 1T)
  --mode MODE    permission bits in octal (default 0600)
  --excl         fail with EEXIST if it exists already
  -h, --help
`,
  options: {
    key: { type: 'string' }, ftok: { type: 'string' }, proj: { type: 'string' }, private: { type: 'boolean' },
    size: { type: 'string' }, mode: { type: 'string' }, excl: { type: 'boolean' },
  },
  async run(invocation, output) {
    const created = createSegment(request(invocation));
    await output.out(`${visible(created.ref)}\n`);
    return 0;
  },
};
