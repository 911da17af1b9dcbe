// Small helpers for asserting on errors thrown by the addon.

/** What the addon puts on its errors (see native/src/os_error.h). */
export interface AddonError extends Error {
  code?: string;
  errno?: number;
  syscall?: string;
  subject?: string;
}

/** Runs fn, expecting it to throw; returns what it threw. */
export function thrown(fn: () => unknown): AddonError {
  try {
    fn();
  } catch (error) {
    return error as AddonError;
  }
  throw new Error('expected the call to throw, but it returned normally');
}

/** Runs cleanup steps one by one, ignoring failures, so a failed test still cleans up everything. */
export function tryEach(steps: Array<() => void>): void {
  for (const step of steps) {
    try { step(); } catch { /* already gone */ }
  }
}
