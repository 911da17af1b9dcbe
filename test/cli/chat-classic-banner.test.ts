// Interactive `chat --classic`: the banner and the commands are the textbook layout's only (no
// presence, no ring), and the key is shown in hex as ipcs prints it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { native } from '../../main/native';
import { SegmentJanitor } from '../helpers/cleanup';
import { uniqueSysvKey } from '../helpers/unique';

const bin = fileURLToPath(new URL('../../bin/shmscope.js', import.meta.url));
const janitor = new SegmentJanitor();
afterEach(() => janitor.cleanup());

it('shows the key in hex, offers no /who or /history, and answers them with its own commands', () => {
  const key = uniqueSysvKey();
  const keyHex = `0x${key.toString(16).padStart(8, '0')}`;
  const run = spawnSync(process.execPath, [bin, 'chat', '--classic', '--key', String(key)], { input: '/who\n/history\n/quit\n', encoding: 'utf8', timeout: 30_000 });
  try {
    janitor.sysv(native().sysvGet(key, { create: false, exclusive: false, mode: 0, size: 0 }));
  } catch { /* not created: nothing to remove */ }
  expect(run.status, run.stderr).toBe(0);
  const lines = run.stdout.split('\n');
  expect(lines[0]).toMatch(new RegExp(`^-- writing to the textbook segment sysv:\\d+ \\(key ${keyHex}\\)$`));
  expect(run.stdout).not.toMatch(/\/who|\/history|nobody is here|ring holds/);
  // Each room command is answered with the session's own help line.
  expect(run.stdout.match(/"end" ends the conversation, \/quit leaves/g)).toHaveLength(3);
});
