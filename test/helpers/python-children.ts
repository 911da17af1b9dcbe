// Real segments and real attaching processes, without the native
// addon (python3 + ctypes for SysV, python3 mmap / multiprocessing.shared_memory for POSIX).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { spawnHolder, type Holder } from './children';

const PY = String.raw`
import ctypes, mmap, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
libc.shmget.argtypes = [ctypes.c_int, ctypes.c_size_t, ctypes.c_int]
libc.shmctl.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
SHM_RDONLY, IPC_RMID, SHM_LOCK = 0o10000, 0, 11
def fail(what):
    e = ctypes.get_errno(); print('error %s %s' % (what, os.strerror(e)), flush=True); sys.exit(1)
cmd = sys.argv[1]
keep = []
if cmd == 'shmget':  # key size mode -> prints id and exits
    i = libc.shmget(int(sys.argv[2], 0), int(sys.argv[3]), 0o1000 | 0o2000 | int(sys.argv[4], 8))
    if i < 0: fail('shmget')
    print(i, flush=True); sys.exit(0)
if cmd == 'shmlock':  # id -> SHM_LOCK and exit
    if libc.shmctl(int(sys.argv[2]), SHM_LOCK, None) != 0: fail('shmctl')
    print('ok', flush=True); sys.exit(0)
if cmd == 'sysv':  # id ro|rw times [touch]
    shmid, ro, times = int(sys.argv[2]), sys.argv[3] == 'ro', int(sys.argv[4])
    for _ in range(times):
        p = libc.shmat(shmid, None, SHM_RDONLY if ro else 0)
        if p is None or p == ctypes.c_void_p(-1).value: fail('shmat')
        if len(sys.argv) > 5 and not ro: ctypes.memset(p, 0x41, int(sys.argv[5]))
elif cmd == 'posix':  # /dev/shm/NAME ro|rw times
    path, ro, times = sys.argv[2], sys.argv[3] == 'ro', int(sys.argv[4])
    fd = os.open(path, os.O_RDONLY if ro else os.O_RDWR)
    for _ in range(times):
        keep.append(mmap.mmap(fd, 0, mmap.MAP_SHARED, mmap.PROT_READ if ro else mmap.PROT_READ | mmap.PROT_WRITE))
elif cmd == 'twice':  # shmid /dev/shm/NAME: attaches/maps each twice, read-only then read-write
    shmid, path = int(sys.argv[2]), sys.argv[3]
    for flags in (SHM_RDONLY, 0):
        p = libc.shmat(shmid, None, flags)
        if p is None or p == ctypes.c_void_p(-1).value: fail('shmat')
    fd = os.open(path, os.O_RDWR)
    for prot in (mmap.PROT_READ, mmap.PROT_READ | mmap.PROT_WRITE):
        keep.append(mmap.mmap(fd, 0, mmap.MAP_SHARED, prot))
elif cmd == 'mpshm':  # NAME size: multiprocessing.shared_memory creates and holds it
    from multiprocessing import shared_memory
    keep.append(shared_memory.SharedMemory(name=sys.argv[2], create=True, size=int(sys.argv[3])))
print('ok', flush=True)
sys.stdin.read()
`;

export type Child = Holder;

/** Runs the helper and resolves once it printed "ok" (it then holds its mappings until stopped). */
export function pyChild(...args: string[]): Promise<Child> {
  return spawnHolder('python3', ['-c', PY, ...args], 'ok\n');
}

/** Stops children, ignoring the ones that never started. */
export async function stopAll(children: Array<Child | undefined>): Promise<void> {
  await Promise.all(children.map((c) => c?.stop()));
}

/** ipcmk -M SIZE -p MODE → shmid (random key chosen by ipcmk). */
export function ipcmk(size = 4096, mode = '0640'): number {
  const out = execFileSync('ipcmk', ['-M', String(size), '-p', mode], { encoding: 'utf8' });
  const m = /id:\s*(\d+)/.exec(out);
  if (!m) throw new Error(`unexpected ipcmk output: ${out}`);
  return Number(m[1]);
}

/** shmget(key, size, IPC_CREAT|IPC_EXCL|mode) → shmid */
export function shmgetKey(key: number, size: number, mode: string): number {
  return Number(execFileSync('python3', ['-c', PY, 'shmget', `0x${key.toString(16)}`, String(size), mode], { encoding: 'utf8' }).trim());
}

export function shmLock(id: number): void {
  execFileSync('python3', ['-c', PY, 'shmlock', String(id)], { encoding: 'utf8' });
}

/** Removes a SysV segment we created; already gone is fine. */
export function removeSysv(id: number | undefined): void {
  if (id === undefined) return;
  try { execFileSync('ipcrm', ['-m', String(id)], { stdio: 'ignore' }); } catch { /* already gone */ }
}

/** Removes a /dev/shm object we created (name with or without the leading slash). */
export function removePosix(name: string): void {
  rmSync(`/dev/shm/${name.replace(/^\//, '')}`, { force: true });
}
