import { decode as decodeBytes, fieldCount } from '../../../common/layout';
import { ShmscopeError } from '../../errors';
import { safeJson } from '../../format/terminal';
import { pickType, readDeclarations } from '../../layout/header';
import { valuesText } from '../../layout/values';
import { watch } from '../../layout/watch';
import { openSegment, parseRef, sysvHolders } from '../../segments';
import { UsageError, type Command } from '../command';
import { flag, parseByteCount, requireOption, segmentRefArgument, stringOption } from '../values';

// A decode is printed whole (and re-read every interval with --watch): past this many members
// or bytes, ask for a smaller --count or a narrower type. A char[1 << 30] is one member.
const MAX_FIELDS = 100_000;
const MAX_BYTES = 16 * 1024 * 1024;
const DEFAULT_INTERVAL_MS = 100;

function positiveInteger(option: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
    throw new UsageError(`--${option}: expected a whole number of at least ${min}, got "${text}"`);
  }
  return Number(text);
}

export const decode: Command = {
  help: `Usage: shmscope decode REF --layout FILE.h --type NAME [--offset N] [--count N] [--json] [--watch]

Reads the object of type NAME (declared in FILE.h, laid out as gcc does on
x86-64) at --offset in segment REF and prints every member's value: integers,
enums by name, pointers as addresses, char arrays as text (C escapes, up to the
first NUL), bit-fields. The segment is read as "shmscope dump" reads it (through
another process's mapping when root, so nothing about it changes).

Options:
  --layout FILE.h  the C declarations
  --type NAME      the type: a typedef name, "struct NAME", or a tag alone
                   (may be left out when FILE.h declares one struct or union)
  --offset N       where the object starts in the segment (default 0); 4096, 0x1000, 4K
  --count N        decode N objects back to back (an array of NAME); paths get [i]
  --json           {"type","size","fields":[{"path","offset","size","type","value"}]};
                   64-bit values as strings, char arrays as "value" (text) and "bytes" (hex)
  --watch          after the values, print one line per member that changes:
                   time, member, old → new (--json: one JSON object per line); Ctrl-C stops
  --interval MS    with --watch: how often to read, in milliseconds (default ${DEFAULT_INTERVAL_MS})
  -h, --help
`,
  options: {
    layout: { type: 'string' }, type: { type: 'string' }, offset: { type: 'string' }, count: { type: 'string' },
    json: { type: 'boolean' }, watch: { type: 'boolean' }, interval: { type: 'string' },
  },
  async run(invocation, output) {
    const ref = parseRef(segmentRefArgument(invocation));
    const file = requireOption(invocation, 'layout');
    const named = pickType(readDeclarations(file), file, stringOption(invocation, 'type'));
    const offsetText = stringOption(invocation, 'offset');
    const offset = offsetText === undefined ? 0 : parseByteCount('offset', offsetText);
    const count = positiveInteger('count', stringOption(invocation, 'count'), 1, 1);
    const interval = positiveInteger('interval', stringOption(invocation, 'interval'), DEFAULT_INTERVAL_MS, 10);
    const { type } = named;
    const fields = fieldCount(type) * count;
    if (fields > MAX_FIELDS) {
      throw new ShmscopeError(named.name, `${count} × ${fieldCount(type)} members is more than ${MAX_FIELDS} to print; use a smaller --count or a member's type with --offset`, 'E2BIG');
    }
    if (type.size * count > MAX_BYTES) {
      throw new ShmscopeError(named.name, `${count} × ${type.size} bytes is more than ${MAX_BYTES} to decode; use a smaller --count or a member's type with --offset`, 'E2BIG');
    }
    const segment = openSegment(ref, { holders: sysvHolders });
    try {
      const length = type.size * count;
      if (offset > segment.size || length > segment.size - offset) {
        throw new ShmscopeError(segment.ref, `${count === 1 ? named.name : `${count} × ${named.name}`} (${length} bytes) at offset ${offset} runs past the end of the segment (${segment.size} bytes)`, 'ERANGE');
      }
      const bytes = segment.read(offset, length);
      const first = decodeBytes(type, bytes, { count, baseOffset: offset });
      const json = flag(invocation, 'json');
      const title = `${named.name} at ${segment.ref} offset ${offset}${count === 1 ? '' : ` × ${count}`} (${length} bytes)`;
      await output.out(json
        ? `${safeJson({ type: named.name, size: type.size, ...(count === 1 ? {} : { count }), ref: segment.ref, offset, fields: first }, flag(invocation, 'watch') ? undefined : 2)}\n`
        : valuesText(title, first));
      if (!flag(invocation, 'watch')) return 0;
      return await watch({ segment, type, offset, count }, { bytes, fields: first }, interval, json, output);
    } finally {
      segment.close();
    }
  },
};
