import { safeJson } from '../../format/terminal';
import { differingChunks, RangeCollector, type ChangedRange } from '../../snapshot/compare';
import { openSource, type ByteSource } from '../../snapshot/source';
import { changedRows, describeSource } from '../diff-text';
import { UsageError, type Command, type Output } from '../command';
import { flag } from '../values';

const EXIT_EQUAL = 0;
const EXIT_DIFFERENT = 1;

export const diff: Command = {
  help: `Usage: shmscope diff OLD NEW [--json]

Compares the bytes of OLD and NEW, each a segment reference (sysv:ID,
key:0xHEX, posix:NAME, room:NAME) or a file: a snapshot from "shmscope snap"
(its metadata and checksum are checked first) or raw bytes. Write ./NAME for
a file whose name looks like a reference. Segments are read as "dump" reads
them, never written; files are never followed through a symbolic link, nor
read when they have more than one hard link.

Prints each 16-byte row that differs as "hexdump -C" would, OLD's bytes on a
"-" line, NEW's on a "+" line, and a line of ^ under the bytes that changed;
then how many bytes differ in how many ranges (runs of differing bytes). When
the sizes differ, the first min(sizes) bytes are compared and the difference
is reported. Prints nothing when they are equal.

--json prints {"old":SIDE,"new":SIDE,"ranges":[{"offset":N,"length":N,
"old":"HEX","new":"HEX"}],"differingBytes":N,"sizesDiffer":BOOL,"equal":BOOL}
where SIDE is {"source","origin":"segment"|"snapshot"|"raw","size","snapshot"};
a run longer than 1 MiB is given as consecutive ranges of at most 1 MiB.

Exit status: 0 equal, 1 different (bytes or size), 2 trouble.

Options:
  --json       the ranges as JSON (see above)
  -h, --help
`,
  options: { json: { type: 'boolean' } },
  failureStatus: 2,
  async run(invocation, output) {
    const [oldArgument, newArgument, ...rest] = invocation.positionals;
    if (oldArgument === undefined || newArgument === undefined) throw new UsageError('expected two things to compare (segment references or files)');
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
    // A future --layout/--type would decode both sides' structs through ByteSource.read and print
    // changed members instead of rows; the sources below are what it would take.
    const older = openSource(oldArgument);
    try {
      const newer = openSource(newArgument);
      try {
        const same = flag(invocation, 'json') ? await printJson(older, newer, output) : await printText(older, newer, output);
        return same ? EXIT_EQUAL : EXIT_DIFFERENT;
      } finally {
        newer.close();
      }
    } finally {
      older.close();
    }
  },
};

/** Resolves to true when the sources are equal. */
async function printText(older: ByteSource, newer: ByteSource, output: Output): Promise<boolean> {
  const ranges = new RangeCollector();
  let started = false;
  const start = async (): Promise<void> => {
    if (!started) await output.out(`--- ${describeSource(older)}\n+++ ${describeSource(newer)}\n`);
    started = true;
  };
  for (const chunk of differingChunks(older, newer)) {
    ranges.push(chunk);
    await start();
    await output.out(changedRows(chunk));
  }
  ranges.finish();
  const sizesDiffer = older.size !== newer.size;
  if (ranges.bytes === 0 && !sizesDiffer) return true;
  await start();
  if (sizesDiffer) {
    await output.out(`sizes differ: ${older.size} bytes old, ${newer.size} bytes new; compared the first ${Math.min(older.size, newer.size)}\n`);
  }
  await output.out(`${ranges.bytes} byte${ranges.bytes === 1 ? '' : 's'} differ${ranges.bytes === 1 ? 's' : ''} in ${ranges.ranges} range${ranges.ranges === 1 ? '' : 's'}\n`);
  return false;
}

async function printJson(older: ByteSource, newer: ByteSource, output: Output): Promise<boolean> {
  const ranges = new RangeCollector();
  let first = true;
  const print = async (done: ChangedRange[]): Promise<void> => {
    for (const range of done) {
      const entry = { offset: range.offset, length: range.old.length, old: range.old.toString('hex'), new: range.new.toString('hex') };
      await output.out(`${first ? '' : ','}${JSON.stringify(entry)}`);
      first = false;
    }
  };
  await output.out(`{"old":${safeJson(side(older))},"new":${safeJson(side(newer))},"ranges":[`);
  for (const chunk of differingChunks(older, newer)) await print(ranges.push(chunk));
  await print(ranges.finish());
  const sizesDiffer = older.size !== newer.size;
  const equal = ranges.bytes === 0 && !sizesDiffer;
  await output.out(`],"differingBytes":${ranges.bytes},"sizesDiffer":${sizesDiffer},"equal":${equal}}\n`);
  return equal;
}

function side(source: ByteSource): object {
  return { source: source.label, origin: source.origin, size: source.size, snapshot: source.snapshot ?? null };
}
