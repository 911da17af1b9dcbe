// Child processes of bench:chat and everything the run must remove afterwards.
// Children are this same bundled file re-run with `--role NAME JSON`; they talk to the
// parent over the child_process IPC channel (control messages are objects, the IPC
// ping-pong contender sends bare strings, so the two never mix up). A child exits when
// that channel closes, so a parent that dies, even by SIGKILL, leaves no children behind.
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { ChatRoom } from '../../main/chat/room';

/** Control messages in either direction: `type` says which; the rest depends on it. */
export interface Control {
  type: string;
  [field: string]: unknown;
}

export function asControl(message: unknown): Control | null {
  if (typeof message !== 'object' || message === null) return null;
  return typeof (message as { type?: unknown }).type === 'string' ? (message as Control) : null;
}

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** The next control message of this type (rejects when the child exits first or after timeoutMs). */
  next(type: string, timeoutMs?: number): Promise<Control>;
  send(message: Control | string): void;
}

const children = new Set<ChildProcess>();
const rooms = new Set<string>();
const paths = new Set<string>();

/** Runs this file again as a child in `role` (see roles.ts); resolves once the child says 'ready'. */
export async function startChild(role: string, args: object = {}): Promise<Child> {
  const self = fileURLToPath(import.meta.url);
  const proc = spawn(process.execPath, [self, '--role', role, JSON.stringify(args)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  const queue: Control[] = [];
  const waiters: Array<{ type: string; resolve: (c: Control) => void; reject: (e: Error) => void }> = [];
  proc.on('message', (m: unknown) => {
    const c = asControl(m);
    if (!c) return;
    const i = waiters.findIndex((w) => w.type === c.type);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(c);
    else queue.push(c);
  });
  proc.once('exit', (code, signal) => {
    for (const w of waiters.splice(0)) w.reject(new Error(`${role} child exited (${signal ?? code}) before '${w.type}'`));
  });
  const child: Child = {
    proc,
    pid: proc.pid ?? -1,
    next(type, timeoutMs = 30_000) {
      const i = queue.findIndex((c) => c.type === type);
      if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0]!);
      if (proc.exitCode !== null || proc.signalCode !== null) return Promise.reject(new Error(`${role} child is gone`));
      return new Promise<Control>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${role} child: no '${type}' within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          type,
          resolve: (c) => { clearTimeout(timer); resolve(c); },
          reject: (e) => { clearTimeout(timer); reject(e); },
        });
      });
    },
    send(message) { proc.send(message); },
  };
  await child.next('ready');
  return child;
}

/** SIGKILLs every child still running and waits for them to be gone. */
export async function killChildren(): Promise<void> {
  const gone = [...children].map((p) => new Promise<void>((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) resolve();
    else { p.once('exit', () => resolve()); p.kill('SIGKILL'); }
  }));
  await Promise.all(gone);
}

/** Registers a room this run created, so cleanup() removes it whatever happens. */
export function trackRoom(name: string): string {
  rooms.add(name);
  return name;
}

export function trackPath(path: string): string {
  paths.add(path);
  return path;
}

/** Synchronous, so it also works from a signal handler: kill children, remove rooms and files. */
export function cleanupNow(): void {
  for (const p of children) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  for (const name of rooms) {
    try { ChatRoom.remove(name); } catch { /* already gone */ }
  }
  rooms.clear();
  for (const path of paths) rmSync(path, { recursive: true, force: true });
  paths.clear();
}
