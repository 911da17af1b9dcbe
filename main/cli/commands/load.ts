import { ShmscopeError } from '../../errors';
import { visible } from '../../format/terminal';
import { openSegment, parseRef, type Segment } from '../../segments';
import { CHUNK_BYTES, openFileSource } from '../../snapshot/file';
import type { ByteSource } from '../../snapshot/source';
import { UsageError, type Command } from '../command';
import { refuseRoomHeader } from '../room-header';
import { flag, parseByteCount, stringOption } from '../values';

export const load: Command = {
  help: `Usage: shmscope load REF FILE [--offset N] [--force] [--force-room]

Attaches REF read-write and copies the bytes of FILE in at offset N. FILE is
a snapshot from "shmscope snap" (its metadata and checksum are checked first;
nothing is written if they are off) or, when it does not start with
"shmscope-snapshot/", raw bytes. Processes reading the segment meanwhile may
see a mix of old and new bytes. A symbolic link as FILE, or a file with
more than one hard link, is refused.

FILE's bytes must fit between N and the end of the segment. They must also
fill it exactly (the sizes match) unless --force is given; with --force the
bytes after them are left as they are.

Options:
  --offset N     where the first byte goes (default 0); 4096, 0x1000, 4K
  --force        load although FILE's size differs from the segment's
  --force-room   write into a chat room's header page anyway (refused without:
                 one stray byte there breaks the room for everyone, ECHANNEL)
  -h, --help
`,
  options: { offset: { type: 'string' }, force: { type: 'boolean' }, 'force-room': { type: 'boolean' } },
  async run(invocation, output) {
    const [refText, file, ...rest] = invocation.positionals;
    if (refText === undefined || file === undefined) throw new UsageError('expected a segment reference and a file');
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
    const ref = parseRef(refText);
    const offsetText = stringOption(invocation, 'offset');
    const offset = offsetText === undefined ? 0 : parseByteCount('offset', offsetText);
    const source = openFileSource(file);
    let target: string;
    try {
      const segment = openSegment(ref, { writable: true });
      try {
        target = segment.ref;
        checkFits(segment, source, offset, flag(invocation, 'force'));
        if (!flag(invocation, 'force-room')) refuseRoomHeader(segment, offset, source.size, '--force-room');
        for (let at = 0; at < source.size; at += CHUNK_BYTES) {
          segment.write(offset + at, source.read(at, Math.min(CHUNK_BYTES, source.size - at)));
        }
      } finally {
        segment.close();
      }
    } finally {
      source.close();
    }
    const from = source.snapshot === undefined ? file : `${file} (snapshot of ${source.snapshot.ref}, taken ${source.snapshot.time})`;
    await output.out(`${visible(`loaded ${source.size} bytes from ${from} into ${target} at offset ${offset}`)}\n`);
    return 0;
  },
};

/** FILE's bytes must fit from `offset` to the end, and fill it unless `force`. */
function checkFits(segment: Segment, source: ByteSource, offset: number, force: boolean): void {
  if (offset > segment.size) throw new ShmscopeError(segment.ref, `--offset ${offset} is past the end of the segment (${segment.size} bytes)`, 'ERANGE');
  const room = segment.size - offset;
  if (source.size > room) {
    throw new ShmscopeError(source.label, `holds ${source.size} bytes, more than fit in ${segment.ref} from offset ${offset} (${room} bytes)`, 'ERANGE');
  }
  if (source.size !== room && !force) {
    throw new ShmscopeError(source.label, `holds ${source.size} bytes but ${segment.ref} has ${room} from offset ${offset}: the sizes differ — pass --force to load anyway`, 'EINVAL');
  }
}
