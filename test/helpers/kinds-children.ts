// Real memfd objects, shared anonymous mappings and SysV segments in another IPC namespace, made
// by python3 and held by a small family of processes (a parent and its forked children) until
// the parent's stdin closes. The children die with the parent (PR_SET_PDEATHSIG).
import { readFileSync } from 'node:fs';
import { spawnHolder, type Holder } from './children';

const PY = String.raw`
import ctypes, mmap, os, signal, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
libc.shmget.argtypes = [ctypes.c_int, ctypes.c_size_t, ctypes.c_int]
libc.shmctl.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
parent = os.getpid()
def child(job):
    pid = os.fork()
    if pid == 0:
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent: os._exit(0)
        job()
        os.write(w, b'x')
        while True: time.sleep(3600)
    return pid
r, w = os.pipe()
cmd, keep, kids = sys.argv[1], [], []
if cmd == 'memfd':  # NAME SIZE TEXT: the parent and child 1 map it, child 2 holds only the fd; NAME-held is only held
    name, size, text = sys.argv[2], int(sys.argv[3]), sys.argv[4].encode()
    fd = os.memfd_create(name)
    os.ftruncate(fd, size)
    m = mmap.mmap(fd, size, mmap.MAP_SHARED)
    m[:len(text)] = text
    held = os.memfd_create(name + '-held')
    os.write(held, text)
    kids.append(child(lambda: None))
    def unmap(): m.close()
    kids.append(child(unmap))
    keep += [m]
elif cmd == 'anon':  # SIZE TEXT: shared with one child; a second shared anonymous mapping only the parent has
    size, text = int(sys.argv[2]), sys.argv[3].encode()
    m = mmap.mmap(-1, size, mmap.MAP_SHARED)
    m[:len(text)] = text
    kids.append(child(lambda: None))
    keep += [m, mmap.mmap(-1, 3 * 4096, mmap.MAP_SHARED)]
elif cmd == 'sysv':  # KEY SIZE TEXT (run inside unshare --ipc): creates, attaches, writes; a child that attaches nothing
    i = libc.shmget(int(sys.argv[2], 0), int(sys.argv[3]), 0o1000 | 0o2000 | 0o640)
    if i < 0: print('error shmget', os.strerror(ctypes.get_errno()), flush=True); sys.exit(1)
    p = libc.shmat(i, None, 0)
    text = sys.argv[4].encode()
    ctypes.memmove(p, text, len(text))
    kids.append(child(lambda: None))  # no IPC_RMID (it would reset the key): the segment goes with the namespace
for _ in kids: os.read(r, 1)
print('ok', *kids, flush=True)
sys.stdin.read()
`;

export interface Family extends Holder {
  /** The forked children, in the order the command made them. */
  kids: number[];
}

/**
 * Runs the helper and resolves once the whole family holds its objects. `prefix` runs it under
 * commands that exec it (unshare --ipc, setpriv), so the holder's pid is python's.
 */
export async function pyFamily(args: string[], prefix: string[] = []): Promise<Family> {
  const [command, ...rest] = [...prefix, 'python3', '-c', PY, ...args];
  const holder = await spawnHolder(command!, rest, 'ok');
  const kids = readFileSync(`/proc/${holder.pid}/task/${holder.pid}/children`, 'latin1').trim().split(' ').filter(Boolean).map(Number);
  return { ...holder, kids };
}
