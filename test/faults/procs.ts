// Child processes of the fault campaign: the bundled campaign re-runs itself with
// `--role NAME JSON` (roles.ts), like bench/chat does, so no fixture paths are needed.
// Every child is tracked and SIGKILLed on exit, SIGINT or failure.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const running = new Set<ChildProcess>();

export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

export interface Child {
  proc: ChildProcess;
  pid: number;
  lines: string[];
  stderr(): string;
  /** Resolves with the first stdout line matching; rejects on exit or timeout. */
  waitLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  waitStderr(text: string, timeoutMs?: number): Promise<void>;
  /** Exit code, or the signal's name when a signal ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends the signal (if still running) and resolves with how the child ended. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnRole(role: string, args: object): Child {
  const proc = spawn(process.execPath, [self, '--role', role, JSON.stringify(args)], { stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(proc);
  const lines: string[] = [];
  let err = '';
  let partial = '';
  const listeners = new Set<() => void>();
  const notify = (): void => { for (const l of listeners) l(); };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.once('close', (code, signal) => { running.delete(proc); notify(); resolve({ code, signal }); });
  });
  proc.stdout!.on('data', (d: Buffer) => {
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    notify();
  });
  proc.stderr!.on('data', (d: Buffer) => { err += d.toString(); notify(); });
  proc.stdin!.on('error', () => { /* the child may be gone already */ });
  const until = (test: () => boolean, what: string, timeoutMs: number): Promise<void> => new Promise((resolve, reject) => {
    const done = (): void => { clearTimeout(timer); listeners.delete(check); };
    const check = (): void => {
      if (test()) { done(); resolve(); return; }
      if (proc.exitCode !== null || proc.signalCode !== null) { done(); reject(new Error(`${role} exited before ${what}: ${err.trim().slice(-400)}`)); }
    };
    const timer = setTimeout(() => { done(); reject(new Error(`${role}: timed out waiting for ${what}: ${err.trim().slice(-400)}`)); }, timeoutMs);
    listeners.add(check);
    check();
  });
  return {
    proc,
    pid: proc.pid ?? -1,
    lines,
    stderr: () => err,
    async waitLine(match, timeoutMs = 15_000) {
      await until(() => lines.some(match), 'a matching line', timeoutMs);
      return lines.find(match)!;
    },
    waitStderr: (text, timeoutMs = 15_000) => until(() => err.includes(text), JSON.stringify(text), timeoutMs),
    exited,
    async kill(signal = 'SIGKILL') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** A signal that ended a child and that we did not send is a crash. */
export function crashedBy(result: { signal: NodeJS.Signals | null }, sent: NodeJS.Signals[] = ['SIGKILL', 'SIGTERM']): boolean {
  return result.signal !== null && !sent.includes(result.signal);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
