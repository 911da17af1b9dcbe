import { visible } from '../../format/terminal';
import { openSegment, parseRef } from '../../segments';
import { UsageError, type Command } from '../command';
import { refuseRoomHeader } from '../room-header';
import { parseByteCount, parseHexBytes, requireOption, segmentRefArgument, stringOption } from '../values';

export const write: Command = {
  help: `Usage: shmscope write REF --offset N (--text STR | --hex "de ad be ef")

Attaches REF read-write and copies the bytes in at offset N. Nothing else in
the segment changes. --text writes the UTF-8 bytes of STR (no terminating NUL;
add --nul for one).

Options:
  --offset N    where to write (4096, 0x1000, 4K)
  --text STR    the UTF-8 text to write
  --hex BYTES   bytes as hex pairs: "de ad be ef", "deadbeef" or "de:ad:be:ef"
  --nul         with --text: append a NUL byte, as C strings want
  --force       write into a chat room's header page anyway (refused without:
                one stray byte there breaks the room for everyone, ECHANNEL)
  -h, --help
`,
  options: { offset: { type: 'string' }, text: { type: 'string' }, hex: { type: 'string' }, nul: { type: 'boolean' }, force: { type: 'boolean' } },
  async run(invocation, output) {
    const ref = parseRef(segmentRefArgument(invocation));
    const offset = parseByteCount('offset', requireOption(invocation, 'offset'));
    const text = stringOption(invocation, 'text');
    const hex = stringOption(invocation, 'hex');
    if ((text === undefined) === (hex === undefined)) throw new UsageError('give exactly one of --text and --hex');
    if (invocation.options.nul === true && text === undefined) throw new UsageError('--nul goes with --text');
    const bytes = text !== undefined
      ? Buffer.concat([Buffer.from(text, 'utf8'), Buffer.alloc(invocation.options.nul === true ? 1 : 0)])
      : parseHexBytes(hex!);
    const segment = openSegment(ref, { writable: true });
    try {
      if (invocation.options.force !== true) refuseRoomHeader(segment, offset, bytes.length);
      segment.write(offset, bytes);
    } finally {
      segment.close();
    }
    await output.out(`wrote ${bytes.length} bytes to ${visible(segment.ref)} at offset ${offset}\n`);
    return 0;
  },
};
