// Names and keys no other test (or test file running at the same time) will use.
import { randomBytes } from 'node:crypto';

/** A POSIX object name such as "/shmscope-test-<tag>-<pid>-<random>". */
export function uniquePosixName(tag: string): string {
  return `/shmscope-test-${tag}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** A System V key in 0x5c000000..0x5cffffff that is not in use right now. */
export function uniqueSysvKey(): number {
  return (0x5c000000 | randomBytes(3).readUIntBE(0, 3)) >>> 0;
}
