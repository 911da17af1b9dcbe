import { scanLimits } from '../../scan';
import { isUnlimited } from '../../scan/limits';
import type { KernelNumber } from '../../../common/scan-types';
import type { Command } from '../command';
import { flag } from '../values';
import { humanSize } from '../../../common/columns';

/** " (unlimited)" after a figure that is the kernel's "no limit". */
function unlimited(value: KernelNumber): string {
  return isUnlimited(value) ? ' (unlimited)' : '';
}

export const limits: Command = {
  help: `Usage: shmscope limits [--json]

Shows the kernel's System V limits (shmmax, shmall, shmmni) next to what is in
use now, and the POSIX objects in /dev/shm. Limits are printed exactly as the
kernel has them; the kernel's "no limit" defaults are also called unlimited.

Options:
  --json    print the figures as one JSON object; a figure above 2^53 - 1
            (which a JSON number cannot carry exactly) is a string of digits
  -h, --help
`,
  options: { json: { type: 'boolean' } },
  async run(invocation, output) {
    const figures = scanLimits();
    if (flag(invocation, 'json')) {
      await output.out(`${JSON.stringify(figures, null, 2)}\n`);
      return 0;
    }
    const lines: [string, string][] = [
      ['SHMMNI', `${figures.segments} of ${figures.shmmni} segments in use`],
      ['SHMALL', `${figures.pagesInUse} of ${figures.shmall} pages in use${unlimited(figures.shmall)} (page size ${figures.pageSize} bytes)`],
      ['SHMMAX', `${figures.shmmax} bytes per segment at most (${isUnlimited(figures.shmmax) ? 'unlimited' : humanSize(Number(figures.shmmax))})`],
      ['POSIX', `${figures.posixObjects} objects in /dev/shm, ${figures.posixBytes} bytes (${humanSize(figures.posixBytes)})`],
    ];
    await output.out(lines.map(([label, value]) => `${label.padEnd(8)}${value}`).join('\n') + '\n');
    return 0;
  },
};
