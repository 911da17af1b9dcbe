// Real semaphores held by child processes (python3 + ctypes, so they do not depend on the addon):
// POSIX named semaphores through glibc's sem_open, System V sets through semget/semctl/semop.
import { spawnSync } from 'node:child_process';
import { spawnHolder, type Holder } from './children';

const PY = String.raw`
import ctypes, os, sys, threading
libc = ctypes.CDLL(None, use_errno=True)
libc.sem_open.restype = ctypes.c_void_p
libc.sem_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_uint, ctypes.c_uint]
libc.sem_wait.argtypes = [ctypes.c_void_p]
libc.sem_getvalue.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
libc.semget.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
class Sembuf(ctypes.Structure):
    _fields_ = [('num', ctypes.c_ushort), ('op', ctypes.c_short), ('flg', ctypes.c_short)]
def fail(what):
    e = ctypes.get_errno(); print('error %s %s' % (what, os.strerror(e)), flush=True); sys.exit(1)
O_CREAT, O_EXCL, SETALL = 0o100, 0o200, 17
cmd = sys.argv[1]
if cmd == 'psem':  # NAME VALUE WAITERS: creates it (O_EXCL), holds it mapped; WAITERS threads block in sem_wait
    s = libc.sem_open(sys.argv[2].encode(), O_CREAT | O_EXCL, 0o600, int(sys.argv[3]))
    if not s: fail('sem_open')
    for _ in range(int(sys.argv[4])):
        threading.Thread(target=libc.sem_wait, args=(s,), daemon=True).start()
elif cmd == 'psemopen':  # NAME: opens an existing one (never creates) and holds it mapped
    s = libc.sem_open(sys.argv[2].encode(), 0, 0, 0)
    if not s: fail('sem_open')
elif cmd == 'psemget':  # NAME: prints sem_getvalue of an existing one and exits
    s = libc.sem_open(sys.argv[2].encode(), 0, 0, 0)
    if not s: fail('sem_open')
    v = ctypes.c_int(); libc.sem_getvalue(s, ctypes.byref(v)); print(v.value, flush=True); sys.exit(0)
elif cmd == 'semset':  # KEY V0 V1 ...: creates the set (IPC_EXCL, 0600), SETALL, prints the semid and exits
    vals = [int(x) for x in sys.argv[3:]]
    i = libc.semget(int(sys.argv[2], 0), len(vals), 0o1000 | 0o2000 | 0o600)
    if i < 0: fail('semget')
    if libc.semctl(i, 0, SETALL, (ctypes.c_ushort * len(vals))(*vals)) != 0:
        e = ctypes.get_errno(); libc.semctl(i, 0, 0); ctypes.set_errno(e); fail('semctl')  # IPC_RMID: leave nothing behind
    print(i, flush=True); sys.exit(0)
elif cmd == 'semop':  # ID NUM OP: prints ok, then one semop, which blocks until it can complete
    b = Sembuf(int(sys.argv[3]), int(sys.argv[4]), 0)
    print('ok', flush=True)
    if libc.semop(int(sys.argv[2]), ctypes.byref(b), 1) != 0: fail('semop')
    print('done', flush=True); sys.stdin.read(); sys.exit(0)
print('ok', flush=True)
sys.stdin.read()
`;

function run(args: string[]): { pid: number; stdout: string } {
  const result = spawnSync('python3', ['-c', PY, ...args], { encoding: 'utf8', input: '', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`python3 ${args.join(' ')}: ${result.stdout} ${result.stderr}`);
  return { pid: result.pid!, stdout: result.stdout };
}

/** A child that creates the POSIX semaphore NAME ("/x") with `value` and holds it; `waiters` threads block in sem_wait. */
export function holdPosixSemaphore(name: string, value: number, waiters = 0): Promise<Holder> {
  return spawnHolder('python3', ['-c', PY, 'psem', name, String(value), String(waiters)], 'ok\n');
}

/** A child that opens the existing POSIX semaphore NAME and keeps it mapped. */
export function mapPosixSemaphore(name: string): Promise<Holder> {
  return spawnHolder('python3', ['-c', PY, 'psemopen', name], 'ok\n');
}

/** sem_getvalue of NAME, from a separate process. */
export function semGetValue(name: string): number {
  return Number(run(['psemget', name]).stdout.trim());
}

/** semget(key, values.length, IPC_CREAT|IPC_EXCL|0600) + SETALL; returns the semid and the creator's pid. */
export function createSemSet(key: number, values: number[]): { id: number; pid: number } {
  const { pid, stdout } = run(['semset', `0x${key.toString(16)}`, ...values.map(String)]);
  return { id: Number(stdout.trim()), pid };
}

/** One semop that completes at once (e.g. +1); returns the pid that did it. */
export function semopNow(id: number, num: number, op: number): number {
  return run(['semop', String(id), String(num), String(op)]).pid;
}

/** A child blocked in semop(ID, NUM, OP) (e.g. -1 on a zero value, or 0 on a non-zero one). */
export function semopBlocked(id: number, num: number, op: number): Promise<Holder> {
  return spawnHolder('python3', ['-c', PY, 'semop', String(id), String(num), String(op)], 'ok\n');
}

/** `ipcs -s -i ID`: semnum → [value, ncount, zcount, pid], as util-linux prints them. */
export function ipcsSemaphores(id: number): number[][] {
  const out = spawnSync('ipcs', ['-s', '-i', String(id)], { encoding: 'utf8' }).stdout;
  const lines = out.split('\n');
  const header = lines.findIndex((line) => /^semnum\s+value\s+ncount\s+zcount\s+pid/.test(line));
  if (header < 0) throw new Error(`unexpected ipcs output: ${out}`);
  return lines.slice(header + 1).filter((line) => /^\d/.test(line)).map((line) => line.trim().split(/\s+/).slice(1, 5).map(Number));
}
