// Child processes that really attach segments, so attach counts come from the kernel.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const attachScript = fileURLToPath(new URL('../fixtures/attach.cjs', import.meta.url));

export interface Attacher {
  pid: number;
  /** Ends the child and waits for it to be gone. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => { for (const child of running) child.kill('SIGKILL'); });

/** Starts `node attach.cjs` and resolves once the child reports that it has attached. */
export function spawnAttacher(kind: 'sysv' | 'posix', target: string | number, access: 'ro' | 'rw'): Promise<Attacher> {
  const child = spawn(process.execPath, [attachScript, kind, String(target), access], { stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => { running.delete(child); resolve(); }));
  const stop = async () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); await exited; };
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve({ pid: child.pid!, stop });
    });
    child.once('exit', (code) => reject(new Error(`attacher exited with ${code} before attaching: ${err.trim()}`)));
  });
}
