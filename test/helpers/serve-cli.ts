// `shmscope serve` run as a user would (the built CLI in a child process): resolves once it
// printed its URL, with what it printed so far; stop() sends Ctrl-C and resolves with the exit code.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/shmscope.js', import.meta.url));

export interface ServeChild {
  url: URL;
  stdout: string;
  stderr: string;
  stop(): Promise<number | null>;
}

/** `wrap`: a command to run it under, e.g. setpriv's arguments to run it as another user. */
export async function startServeCli(args: string[] = [], env: NodeJS.ProcessEnv = process.env, wrap: string[] = []): Promise<ServeChild> {
  const command = [...wrap, process.execPath, bin, 'serve', ...args];
  const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  try {
    const url = await new Promise<URL>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const match = /open (http:\/\/127\.0\.0\.1:\d+\/t\/[\w-]+\/)/.exec(stdout);
        if (match) resolve(new URL(match[1]!));
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stdout}${stderr}`)));
    });
    return {
      url,
      get stdout() { return stdout; },
      get stderr() { return stderr; },
      async stop() {
        child.kill('SIGINT');
        return exited;
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}
