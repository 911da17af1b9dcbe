import { visible } from '../../format/terminal';
import { openSegment, parseRef, sysvHolders } from '../../segments';
import { writeSnapshot } from '../../snapshot/write';
import type { Command } from '../command';
import { flag, requireOption, segmentRefArgument } from '../values';

export const snap: Command = {
  help: `Usage: shmscope snap REF -o FILE [--force]

Saves the bytes of REF, with its reference, key or name, size, the time and
the shmscope version, to FILE (format: docs/snapshot-format.md). The segment
is read as "dump" reads it: through another process's mapping when shmscope
may (as root), else attached read-only; it is never written. Bytes that other
processes change while the snapshot is read may be caught half-changed.

FILE appears whole or not at all (written beside it, then renamed), with mode
0600: segments often hold other users' data. A symbolic link at FILE is never
followed.

Options:
  -o, --output FILE   where to save the snapshot
  --force             replace FILE if it exists (refused without)
  -h, --help
`,
  options: { output: { type: 'string', short: 'o' }, force: { type: 'boolean' } },
  async run(invocation, output) {
    const ref = parseRef(segmentRefArgument(invocation));
    const file = requireOption(invocation, 'output');
    const segment = openSegment(ref, { holders: sysvHolders });
    try {
      const header = writeSnapshot(segment, file, flag(invocation, 'force'));
      await output.out(`${visible(`saved ${header.size} bytes of ${header.ref} to ${file}`)}\n`);
    } finally {
      segment.close();
    }
    return 0;
  },
};
