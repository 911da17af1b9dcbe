import { visible } from '../../format/terminal';
import { parseRef, removeSegment } from '../../segments';
import type { Command } from '../command';
import { segmentRefArgument } from '../values';

export const rm: Command = {
  help: `Usage: shmscope rm REF

Removes REF. A System V segment is marked for removal (IPC_RMID) and goes
away when the last process detaches; a POSIX name is unlinked at once while
processes that map it keep their memory.

Options:
  -h, --help
`,
  options: {},
  async run(invocation, output) {
    const removed = removeSegment(parseRef(segmentRefArgument(invocation)));
    await output.out(`removed ${visible(removed)}\n`);
    return 0;
  },
};
