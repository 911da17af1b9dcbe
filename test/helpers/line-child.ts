// A child process talked to line by line: write lines to its stdin, wait for lines on its
// stdout. For tests that drive programs step by step and wait for each effect (no timers).
import { spawn } from 'node:child_process';

export interface LineChild {
  pid: number;
  /** Complete stdout lines so far. */
  lines(): string[];
  stderr(): string;
  send(line: string): void;
  /** Resolves with the first line from index `from` on that matches; rejects if the child exits first or after 20 s. */
  waitForLine(match: RegExp, from?: number): Promise<string>;
  /** SIGTERM (SIGKILL after 2 s); resolves with the exit code. */
  stop(): Promise<number | null>;
}

const running = new Set<() => void>();
process.on('exit', () => { for (const kill of running) kill(); });

export function startLineChild(command: string, args: string[]): LineChild {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const kill = () => child.kill('SIGKILL');
  running.add(kill);
  let out = '';
  let err = '';
  let code: number | null | undefined;
  const waiters = new Set<() => void>();
  const exited = new Promise<number | null>((resolve) => child.once('close', (c) => { code = c; running.delete(kill); resolve(c); for (const w of waiters) w(); }));
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); for (const w of waiters) w(); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const lines = () => out.split('\n').slice(0, -1);
  return {
    pid: child.pid!,
    lines,
    stderr: () => err,
    send(line) { child.stdin.write(`${line}\n`); },
    waitForLine(match, from = 0) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`no line matching ${match} after 20 s; stdout:\n${out}\nstderr:\n${err}`)); }, 20_000);
        const check = () => {
          const found = lines().slice(from).find((line) => match.test(line));
          if (found !== undefined || code !== undefined) {
            waiters.delete(check);
            clearTimeout(timer);
            if (found !== undefined) resolve(found);
            else reject(new Error(`${command} exited (${code}) before a line matching ${match}; stdout:\n${out}\nstderr:\n${err}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (code !== undefined) return code;
      child.kill('SIGTERM');
      const timer = setTimeout(kill, 2000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}
