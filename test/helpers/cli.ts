// Runs the built `shmscope` command as a user would (needs `npm run build`, which `npm test` does first).
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'shmscope.js');

export interface CliResult {
  /** The shmscope process's pid (what it would leave as a segment's lpid if it attached). */
  pid: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

export function shmscope(args: string[], options: { input?: string } = {}): CliResult {
  // maxBuffer: `ls --json` passes spawnSync's 1 MiB default when other runs (bench:scan) hold
  // thousands of segments, and spawnSync then kills the child with SIGTERM.
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', input: options.input ?? '', timeout: 60_000, maxBuffer: 1 << 28 });
  return { pid: result.pid ?? 0, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export const NOBODY = 65534;

/**
 * Runs the CLI as the unprivileged user nobody (root bypasses shared-memory permission checks).
 * The bundled CLI and the addon are copied to a directory nobody can read, wherever the checkout lives.
 */
export function shmscopeAsNobody(args: string[]): CliResult {
  const dir = mkdtempSync(join(tmpdir(), 'shmscope-nobody-'));
  try {
    const chunks = readdirSync(join(root, 'out/main')).filter((f) => f.startsWith('cli-chunk-') && f.endsWith('.js')).map((f) => `out/main/${f}`);
    for (const file of ['out/main/cli.js', ...chunks, 'out/main/maps-worker.js', 'native/build/Release/shmscope.node']) {
      mkdirSync(join(dir, dirname(file)), { recursive: true });
      copyFileSync(join(root, file), join(dir, file));
    }
    for (const sub of ['', 'out', 'out/main', 'native', 'native/build', 'native/build/Release']) chmodSync(join(dir, sub), 0o755);
    const result = spawnSync(
      'setpriv',
      ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', process.execPath, join(dir, 'out/main/cli.js'), ...args],
      { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 28 },
    );
    return { pid: result.pid ?? 0, status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
