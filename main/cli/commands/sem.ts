import { safeJson, visible } from '../../format/terminal';
import { scanSemaphores } from '../../scan/semaphores';
import type { SemaphoreRow } from '../../../common/scan-types';
import { unreadableNote } from '../attachments';
import type { Command } from '../command';
import { flag } from '../values';
import { renderTable, type Column } from '../table';

/** Per-semaphore figures of a set, at most this many in a cell ("…" and the rest in --json). */
const MAX_SHOWN = 16;

function list(values: number[] | null): string {
  if (values === null) return '?';
  const shown = values.slice(0, MAX_SHOWN).join(',');
  return values.length > MAX_SHOWN ? `${shown},…(+${values.length - MAX_SHOWN})` : shown;
}

function value(row: SemaphoreRow): string {
  if (row.valueError !== null) return `? (${row.valueError.code})`;
  return row.kind === 'posix' ? String(row.value) : list(row.values);
}

function mappedBy(row: SemaphoreRow): string {
  if (row.kind === 'sysv') return '-';
  return row.attachers.map((a) => `${a.command}[${a.pid}]${a.mappings.length > 1 ? `x${a.mappings.length}` : ''}`).join(' ');
}

const columns: Column<SemaphoreRow>[] = [
  { header: 'KIND', value: (row) => row.kind },
  { header: 'KEY', value: (row) => (row.kind === 'sysv' ? row.key : '-') },
  { header: 'ID', value: (row) => (row.kind === 'sysv' ? String(row.id) : '-'), right: true },
  { header: 'NAME', value: (row) => (row.kind === 'posix' ? row.name : '-') },
  { header: 'PERMS', value: (row) => row.perms },
  { header: 'OWNER', value: (row) => row.owner },
  { header: 'NSEMS', value: (row) => (row.kind === 'sysv' ? String(row.nsems) : '1'), right: true },
  { header: 'VALUE', value },
  { header: 'WAITING', value: (row) => (row.kind === 'posix' ? (row.waiters === null ? '?' : String(row.waiters)) : list(row.waiting)) },
  { header: 'ZWAIT', value: (row) => (row.kind === 'sysv' ? list(row.waitingForZero) : '-') },
  { header: 'LAST PID', value: (row) => (row.kind === 'sysv' ? list(row.lastPids) : '-') },
  { header: 'MAPPED BY', value: mappedBy },
];

/** Why some values are missing, one line per semaphore. */
function errorNotes(rows: SemaphoreRow[]): string {
  return rows
    .filter((row) => row.valueError !== null)
    .map((row) => `(${visible(`${row.kind === 'posix' ? row.name : `sem:${row.id}`}: value not read: ${row.valueError!.message}`)})\n`)
    .join('');
}

export const sem: Command = {
  help: `Usage: shmscope sem [--json]

Lists POSIX named semaphores (the sem.NAME files in /dev/shm) with their value,
the threads waiting in sem_wait, and the processes that map them; and System V
semaphore sets (from /proc/sysvipc/sem and semctl) with each semaphore's value,
the processes waiting for it to increase (WAITING, semncnt) or to become zero
(ZWAIT, semzcnt), and the last process to operate on it (LAST PID).

Looking changes nothing: POSIX values are read from the file (never with
sem_open, sem_wait or sem_post) in the glibc x86-64 layout; a file of another
size or layout is listed with its value unknown (ELAYOUT). A System V set's
values need read permission on it (as ipcs -s -i does).

Options:
  --json    print {"semaphores": [...]} with every field, for scripts
  -h, --help
`,
  options: { json: { type: 'boolean' } },
  async run(invocation, output) {
    const scan = scanSemaphores();
    if (flag(invocation, 'json')) {
      const { semaphores, unreadableProcesses, unreadable } = scan;
      await output.out(`${safeJson({ semaphores, unreadableProcesses, unreadable }, 2)}\n`);
      return 0;
    }
    await output.out(renderTable(columns, scan.semaphores));
    await output.out(errorNotes(scan.semaphores) + unreadableNote(scan, 'which semaphores they map is not known'));
    return 0;
  },
};
