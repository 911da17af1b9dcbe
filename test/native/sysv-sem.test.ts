// native sysvSemRead: one semaphore set read through semctl without changing it, and the addon's
// error boundary (argument checks, errno-coded errors naming "sem:ID").
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { native } from '../../main/native';
import { createSemSet, ipcsSemaphores } from '../helpers/semaphores';
import { uniqueSysvKey } from '../helpers/unique';
import { thrown } from './errors';

const sets: number[] = [];
afterEach(() => {
  for (const id of sets.splice(0)) spawnSync('ipcrm', ['-s', String(id)], { stdio: 'ignore' });
});

describe('sysvSemRead', () => {
  it('reads a set as ipcs does (up to SEMVMX, 32767), twice the same (reading changes nothing)', () => {
    const key = uniqueSysvKey();
    const { id, pid } = createSemSet(key, [3, 0, 32767]);
    sets.push(id);
    const read = native().sysvSemRead(id);
    expect(read).toMatchObject({ semid: id, key, mode: 0o600, uid: 0, nsems: 3, values: [3, 0, 32767], ncnt: [0, 0, 0], zcnt: [0, 0, 0], pids: [pid, pid, pid] });
    expect(ipcsSemaphores(id)).toEqual([[3, 0, 0, pid], [0, 0, 0, pid], [32767, 0, 0, pid]]);
    expect(native().sysvSemRead(id)).toEqual(read);
  });

  it('refuses bad ids before any syscall, and names the set in OS errors', () => {
    const addon = native();
    expect(thrown(() => addon.sysvSemRead('1' as unknown as number))).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    expect(thrown(() => addon.sysvSemRead(-1))).toMatchObject({ name: 'RangeError', code: 'ERANGE' });
    expect(thrown(() => addon.sysvSemRead(1.5))).toMatchObject({ name: 'RangeError' });
    expect(thrown(() => addon.sysvSemRead(2 ** 31))).toMatchObject({ name: 'RangeError' });
    const { id } = createSemSet(uniqueSysvKey(), [1]);
    spawnSync('ipcrm', ['-s', String(id)]);
    const gone = thrown(() => addon.sysvSemRead(id));
    expect(['EINVAL', 'EIDRM']).toContain(gone.code);
    expect(gone).toMatchObject({ subject: `sem:${id}`, syscall: 'semctl(IPC_STAT)' });
  });
});
