// Vitest globalSetup (node project): fails the run when a test left a test segment
// behind (test/helpers/leaks.ts says what counts), after giving late cleanups a moment.
// Leaked segments are listed, not removed: on a shared machine a segment we cannot
// attribute for sure might belong to another run, and removing it would break that run.
import { newTestSegments, testSegments } from '../helpers/leaks';

let before = new Set<string>();

export function setup(): void {
  before = new Set(testSegments().map((s) => s.ref));
}

export async function teardown(): Promise<void> {
  let leaked = newTestSegments(before);
  for (let i = 0; i < 50 && leaked.length > 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    leaked = newTestSegments(before);
  }
  if (leaked.length === 0) return;
  const list = leaked.map((s) => `${s.ref} (creator pid ${s.creator})`).join(', ');
  throw new Error(`tests left ${leaked.length} shared memory segment(s) behind: ${list}; remove with ipcrm -m ID / rm /dev/shm/NAME`);
}
