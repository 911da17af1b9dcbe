// Removes the segments a test made, even when the test failed. Uses the system's
// own tools, so cleanup does not depend on the code under test.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

export class SegmentJanitor {
  private readonly sysvIds = new Set<number>();
  private readonly posixNames = new Set<string>();

  sysv(id: number): number {
    this.sysvIds.add(id);
    return id;
  }

  /** `name` with or without the leading slash. */
  posix(name: string): string {
    this.posixNames.add(name.replace(/^\//, ''));
    return name;
  }

  /** Tracks whatever `shmscope create` printed (sysv:ID or posix:NAME). */
  ref(ref: string): string {
    const [kind, value] = ref.trim().split(':') as [string, string];
    if (kind === 'sysv') this.sysv(Number(value));
    else this.posix(value);
    return ref.trim();
  }

  cleanup(): void {
    for (const id of this.sysvIds) spawnSync('ipcrm', ['-m', String(id)], { stdio: 'ignore' });
    for (const name of this.posixNames) rmSync(`/dev/shm/${name}`, { force: true });
    this.sysvIds.clear();
    this.posixNames.clear();
  }
}
