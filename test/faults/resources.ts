// Everything the campaign creates, removed in `finally` and on SIGINT/SIGTERM, with the
// system's own tools so cleanup does not depend on the code under test. Names and keys
// follow test/helpers: SysV keys in the 0x5c block, POSIX names /shmscope-test-*, rooms t-*.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { killAll } from './procs';

const sysvIds = new Set<number>();
const posixNames = new Set<string>();
// Never cleared: what the final leak check looks for after cleanup.
export const everCreated = { sysv: new Set<number>(), posix: new Set<string>() };
const cleanups: Array<() => void> = [];

export function trackSysv(id: number): number { sysvIds.add(id); everCreated.sysv.add(id); return id; }
export function trackPosix(name: string): string {
  posixNames.add(name.replace(/^\//, ''));
  everCreated.posix.add(name.replace(/^\//, ''));
  return name;
}
export function onCleanup(fn: () => void): void { cleanups.push(fn); }

export function uniqueRoom(tag: string): { name: string; key: number } {
  return { name: `t-faults-${tag}-${process.pid}-${randomBytes(3).toString('hex')}`, key: uniqueKey() };
}
export function uniqueKey(): number { return (0x5c000000 | randomBytes(3).readUIntBE(0, 3)) >>> 0; }
export function uniquePosix(tag: string): string { return `/shmscope-test-faults-${tag}-${process.pid}-${randomBytes(4).toString('hex')}`; }

export function cleanupAll(): void {
  killAll();
  for (const fn of cleanups.splice(0).reverse()) {
    try { fn(); } catch { /* best effort: keep removing the rest */ }
  }
  // ipcrm takes many ids per call: one spawn for thousands of segments.
  const ids = [...sysvIds];
  for (let i = 0; i < ids.length; i += 500) {
    spawnSync('ipcrm', ids.slice(i, i + 500).flatMap((id) => ['-m', String(id)]), { stdio: 'ignore' });
  }
  for (const name of posixNames) rmSync(`/dev/shm/${name}`, { force: true });
  sysvIds.clear();
  posixNames.clear();
}

let installed = false;
export function cleanupOnSignals(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\nfaults: ${signal}, cleaning up`);
      cleanupAll();
      process.exit(130);
    });
  }
  process.on('exit', () => killAll());
}
