// System-wide SysV limits and current use, like `lsipc -g` / `ipcs -lm`, plus POSIX totals.
import { readFileSync } from 'node:fs';
import { readPosixSegments } from './posix';
import { readSysvSegments } from './sysv';
import type { KernelNumber, Limits, PosixRow, SysvRow } from '../../common/scan-types';
import type { NameLookup } from './users';

const noNames: NameLookup = { user: String, group: String };

/** Digits as a number when that is exact, else as the string itself (see KernelNumber). */
export function kernelNumber(digits: string): KernelNumber {
  if (!/^\d+$/.test(digits)) return NaN;
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : digits.replace(/^0+(?=\d)/, '');
}

function readNumber(path: string): KernelNumber {
  try {
    // Defaults such as shmmax = 18446744073692774399 exceed 2^53: a double would round them.
    return kernelNumber(readFileSync(path, 'latin1').trim());
  } catch {
    return NaN;
  }
}

/**
 * The kernel's "no limit" for shmmax/shmall is ULONG_MAX - 2^24 (include/uapi/linux/shm.h), far past
 * any memory: like the UI, call anything from 2^52 up unlimited.
 */
export function isUnlimited(value: KernelNumber): boolean {
  return BigInt(typeof value === 'string' ? value : Number.isFinite(value) ? value : 0) >= 2n ** 52n;
}

let pageSize: number | undefined;

/** AT_PAGESZ from /proc/self/auxv (exact, no subprocess); 4096 if that cannot be read. */
export function systemPageSize(): number {
  if (pageSize !== undefined) return pageSize;
  pageSize = 4096;
  try {
    const auxv = readFileSync('/proc/self/auxv');
    const AT_PAGESZ = 6n;
    for (let off = 0; off + 16 <= auxv.length; off += 16) {
      const type = auxv.readBigUInt64LE(off);
      if (type === 0n) break;
      if (type === AT_PAGESZ) { pageSize = Number(auxv.readBigUInt64LE(off + 8)); break; }
    }
  } catch {
    // keep 4096
  }
  return pageSize;
}

export function computeLimits(sysv: readonly SysvRow[], posix: readonly PosixRow[]): Limits {
  const page = systemPageSize();
  let pagesInUse = 0;
  for (const row of sysv) pagesInUse += Math.ceil(row.size / page);
  let posixBytes = 0;
  for (const row of posix) posixBytes += row.size;
  return {
    shmmax: readNumber('/proc/sys/kernel/shmmax'),
    shmall: readNumber('/proc/sys/kernel/shmall'),
    shmmni: readNumber('/proc/sys/kernel/shmmni'),
    pageSize: page,
    segments: sysv.length,
    pagesInUse,
    posixObjects: posix.length,
    posixBytes,
  };
}

export function scanLimits(): Limits {
  return computeLimits(readSysvSegments(noNames), readPosixSegments(noNames).map((e) => e.row));
}
