// The C floor (floor.c): two C processes over a shared segment, built with the system's
// C compiler once per bench run and run in turn with the JS contenders.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let binary: string | null = null;

function source(): string {
  // Bundled code runs from out/bench/, sources live in bench/chat/: walk up to the package root.
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'bench', 'chat', 'floor.c');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error('bench/chat/floor.c not found');
  }
}

/** Compiles floor.c into `dir` (which the run removes afterwards). */
export function buildFloor(dir: string): void {
  const out = join(dir, 'floor');
  execFileSync(process.env.CC ?? 'cc', ['-O2', '-o', out, source()], { stdio: ['ignore', 'ignore', 'inherit'] });
  binary = out;
}

function run(mode: string, size: number, count: number): Record<string, number> {
  if (!binary) throw new Error('buildFloor() first');
  return JSON.parse(execFileSync(binary, [mode, String(size), String(count)], { encoding: 'utf8', timeout: 120_000 })) as Record<string, number>;
}

export const FLOOR = 'C floor (futex, memcpy)';

export function floorRoundTrip(size: number, count: number): { p50: number; p99: number } {
  const r = run('pingpong', size, count);
  return { p50: r.p50!, p99: r.p99! };
}

export function floorThroughput(size: number, count: number): { mbPerSec: number; msgPerSec: number } {
  const r = run('throughput', size, count);
  return { mbPerSec: r.mbPerSec!, msgPerSec: r.msgPerSec! };
}
