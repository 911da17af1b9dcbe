// A Python process holding a POSIX segment made by multiprocessing.shared_memory,
// the way many programs create them, so tests see a foreign creator and attacher.
import { spawn } from 'node:child_process';

export interface PythonSegment {
  pid: number;
  /** Closes and unlinks the segment, then waits for Python to exit. */
  stop(): Promise<void>;
}

const script = `
import sys
from multiprocessing import shared_memory
shm = shared_memory.SharedMemory(name=sys.argv[1], create=True, size=int(sys.argv[2]))
shm.buf[:5] = b'hello'
print('ready', flush=True)
sys.stdin.read()
shm.close()
shm.unlink()
`;

/** `name` without the leading slash, as Python takes it. */
export function pythonSegment(name: string, size: number): Promise<PythonSegment> {
  const child = spawn('python3', ['-c', script, name, String(size)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.stdout.once('data', () => resolve({
      pid: child.pid!,
      stop: async () => { child.stdin.end(); await exited; },
    }));
    child.once('exit', (code) => reject(new Error(`python exited with ${code}: ${err.trim()}`)));
  });
}
