// Child processes that really attach segments, so attach counts come from the kernel.
// Every helper child prints one line once it holds what it was asked to hold, then keeps
// it until its stdin closes (or it is killed).
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const attachScript = fileURLToPath(new URL('../fixtures/attach.cjs', import.meta.url));

export interface Holder {
  pid: number;
  /** Ends the child (stdin closed, SIGKILL after 2 s) and waits for it to be gone. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => { for (const child of running) child.kill('SIGKILL'); });

/** Starts `command args…` and resolves once its first line of output starts with `ready`. */
export function spawnHolder(command: string, args: string[], ready: string): Promise<Holder> {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => { running.delete(child); resolve(); }));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.stdin!.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  };
  const what = `${command} ${args.filter((arg) => !arg.includes('\n')).join(' ')}`;
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.startsWith(ready)) resolve({ pid: child.pid!, stop });
      else if (out.includes('\n')) reject(new Error(`${what}: ${out.trim()} ${err.trim()}`));
    });
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code} before it was ready: ${out.trim()} ${err.trim()}`)));
  });
}

/** `node attach.cjs`: attaches through the native addon, read-only or read-write. */
export function spawnAttacher(kind: 'sysv' | 'posix', target: string | number, access: 'ro' | 'rw'): Promise<Holder> {
  return spawnHolder(process.execPath, [attachScript, kind, String(target), access], 'ready');
}
