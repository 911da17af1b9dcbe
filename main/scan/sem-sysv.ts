// System V semaphore sets: the list from /proc/sysvipc/sem (every set of our IPC namespace, readable
// by anyone), and each set's values from semctl through the addon (needs read permission).
//
// Kernel format (ipc/sem.c sysvipc_sem_proc_show): key "%10d" (signed), semid, perms "%4o", nsems,
// uid, gid, cuid, cgid, otime, ctime; columns are found by the header's names.
import { errorCode } from '../errors';
import { native } from '../native';
import { readTextOrNull } from './fsutil';
import { formatKey, formatPerms } from './sysv';
import type { SysvSemaphoreRow } from '../../common/scan-types';
import type { NameLookup } from './users';

export const SYSV_SEM_PATH = '/proc/sysvipc/sem';
/**
 * Semaphores whose figures one listing reads (4 syscalls each). Any user may create sets of up to
 * SEMMSL (32000) semaphores, up to SEMMNS in all; past this budget the remaining sets are listed
 * without values (E2BIG) rather than let them stall the scan.
 */
export const MAX_SEMAPHORES_READ = 256 * 1024;

const COLUMNS = ['key', 'semid', 'perms', 'nsems', 'uid', 'gid', 'cuid', 'cgid', 'otime', 'ctime'] as const;

/** Parses /proc/sysvipc/sem. Rows come back without values. */
export function parseSysvSem(text: string, names: NameLookup): SysvSemaphoreRow[] {
  const [head = '', ...lines] = text.split('\n');
  const header = head.trim().split(/\s+/);
  const col = Object.fromEntries(COLUMNS.map((name) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${SYSV_SEM_PATH}: no "${name}" column in header`);
    return [name, i];
  })) as Record<(typeof COLUMNS)[number], number>;
  const rows: SysvSemaphoreRow[] = [];
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < header.length) continue;
    const num = (name: (typeof COLUMNS)[number]): number => Number(fields[col[name]]);
    const keyNumber = num('key') >>> 0;
    const mode = Number.parseInt(fields[col.perms]!, 8) & 0o777;
    const id = num('semid');
    rows.push({
      kind: 'sysv',
      ref: `sem:sysv:${id}`,
      key: formatKey(keyNumber),
      keyNumber,
      id,
      nsems: num('nsems'),
      perms: formatPerms(mode),
      mode,
      uid: num('uid'),
      gid: num('gid'),
      owner: names.user(num('uid')),
      group: names.group(num('gid')),
      cuid: num('cuid'),
      cgid: num('cgid'),
      otime: num('otime'),
      ctime: num('ctime'),
      values: null,
      waiting: null,
      waitingForZero: null,
      lastPids: null,
      valueError: null,
    });
  }
  return rows;
}

/**
 * Fills a row's values from semctl. Returns false when the set is gone, or its id now names
 * another set (a different key): the row no longer describes anything.
 */
function fillValues(row: SysvSemaphoreRow): boolean {
  try {
    const read = native().sysvSemRead(row.id);
    if (read.key !== row.keyNumber || read.nsems !== row.nsems) return false;
    row.values = read.values;
    row.waiting = read.ncnt;
    row.waitingForZero = read.zcnt;
    row.lastPids = read.pids;
    row.otime = read.otime;
    row.ctime = read.ctime;
    return true;
  } catch (err) {
    const code = errorCode(err) ?? 'EIO';
    if (code === 'EINVAL' || code === 'EIDRM') return false; // removed since we listed it
    row.valueError = { code, message: err instanceof Error ? err.message : String(err) };
    return true;
  }
}

/** Every semaphore set of this IPC namespace with its values where we may read them, by id. */
export function readSysvSemaphores(names: NameLookup, budget = MAX_SEMAPHORES_READ): SysvSemaphoreRow[] {
  const text = readTextOrNull(SYSV_SEM_PATH);
  if (text === null) return [];
  const limit = budget;
  return parseSysvSem(text, names).sort((a, b) => a.id - b.id).filter((row) => {
    if (row.nsems > budget) {
      row.valueError = { code: 'E2BIG', message: `sem:${row.id}: values not read: more than ${limit} semaphores in all (see ipcs -s -i ${row.id})` };
      budget = 0; // and none after it: past the budget, the listing says so once per set
      return true;
    }
    budget -= row.nsems;
    return fillValues(row);
  });
}
