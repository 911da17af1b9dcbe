import { hexOffset, HexdumpWriter } from '../../format/hexdump';
import { openSegment, parseRef, sysvHolders } from '../../segments';
import type { Command } from '../command';
import { parseByteCount, segmentRefArgument, stringOption } from '../values';

// Large enough to keep syscalls few, small enough that a huge segment never sits in memory whole.
const CHUNK_BYTES = 1 << 20;

export const dump: Command = {
  help: `Usage: shmscope dump REF [--offset N] [--length N]

Prints the bytes of REF in the format of "hexdump -C" (identical output),
with offsets counted from the start of the segment. A System V segment is
read through a mapping another process holds when shmscope may (as root), so
its attach times and last pid do not change; otherwise it is attached
read-only.

Options:
  --offset N   first byte to print (default 0); accepts 4096, 0x1000, 4K
  --length N   number of bytes to print (default: up to the end)
A range past the end prints what there is, as hexdump -C -s N -n N does.
  -h, --help
`,
  options: { offset: { type: 'string' }, length: { type: 'string' } },
  async run(invocation, output) {
    const ref = parseRef(segmentRefArgument(invocation));
    const offsetText = stringOption(invocation, 'offset');
    const lengthText = stringOption(invocation, 'length');
    // Like hexdump -C -s/-n: a range past the end prints what there is (possibly nothing), and a
    // skip that leaves nothing to print still ends with the offset where the bytes end.
    const requestedOffset = offsetText === undefined ? 0 : parseByteCount('offset', offsetText);
    const requestedLength = lengthText === undefined ? Number.POSITIVE_INFINITY : parseByteCount('length', lengthText);
    const segment = openSegment(ref, { holders: sysvHolders });
    try {
      const offset = Math.min(requestedOffset, segment.size);
      const length = Math.min(requestedLength, segment.size - offset);
      if (length === 0) {
        if (requestedOffset > 0 && requestedLength > 0 && segment.size > 0) await output.out(`${hexOffset(offset)}\n`);
        return 0;
      }
      const writer = new HexdumpWriter(offset);
      for (let at = offset; at < offset + length; at += CHUNK_BYTES) {
        const text = writer.push(segment.read(at, Math.min(CHUNK_BYTES, offset + length - at)));
        if (text !== '') await output.out(text);
      }
      await output.out(writer.end());
      return 0;
    } finally {
      segment.close();
    }
  },
};
