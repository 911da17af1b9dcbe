// Segments our tests and the fault campaign make, found from the system's own view so
// a leak is seen even when the code under test lost track of it. What counts as a test
// segment (test/helpers/unique.ts, chat.ts): SysV keys 0x5cxxxxxx; POSIX names
// /shmscope-test-*; rooms at 0x53xxxxxx keys whose header names a t-* or cli-* room.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { native } from '../../main/native';

export interface TestSegment {
  /** 'sysv:ID' or 'posix:/NAME' */
  ref: string;
  /** Who made it: SysV cpid; POSIX: the pid in the name (shmscope-test-TAG-PID-RANDOM), 0 if none. */
  creator: number;
  /** SysV: the last process to attach or detach (lpid), 0 if none or POSIX. */
  lastUser: number;
}

export function testSegments(): TestSegment[] {
  const found: TestSegment[] = [];
  const lines = readFileSync('/proc/sysvipc/shm', 'utf8').trim().split('\n').slice(1);
  for (const line of lines) {
    const f = line.trim().split(/\s+/);
    const key = Number(f[0]) >>> 0, shmid = Number(f[1]), cpid = Number(f[4]), lpid = Number(f[5]);
    if (key >>> 24 === 0x5c || (key >>> 24 === 0x53 && isTestRoom(shmid))) found.push({ ref: `sysv:${shmid}`, creator: cpid, lastUser: lpid });
  }
  for (const name of readdirSync('/dev/shm')) {
    if (!name.startsWith('shmscope-test-')) continue;
    const pid = /-(\d+)-[0-9a-f]+$/.exec(name)?.[1];
    found.push({ ref: `posix:/${name}`, creator: pid ? Number(pid) : 0, lastUser: 0 });
  }
  return found;
}

function isTestRoom(shmid: number): boolean {
  try {
    const d = native().channelDescribe(shmid);
    return d !== null && /^(t|cli)-/.test(d.name);
  } catch {
    return false;  // not readable or gone: not ours to judge
  }
}

function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

/** True when `pid` is alive and not us or a descendant of us: another test run owns it. */
export function ownedByOthers(pid: number, self = process.pid): boolean {
  if (pid <= 0 || !isAlive(pid)) return false;
  for (let p = pid, hops = 0; p > 1 && hops < 64; p = parentOf(p), hops++) if (p === self) return false;
  return true;
}

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/**
 * Segments that appeared since `before` and that no other live process tree made or uses.
 * (Developers may run several test runs on one machine; CI runs one, where this is exact.)
 */
export function newTestSegments(before: ReadonlySet<string>): TestSegment[] {
  return testSegments().filter((s) => !before.has(s.ref) && !ownedByOthers(s.creator) && !ownedByOthers(s.lastUser));
}

/** Open descriptors and shared-memory mappings of this process (for per-process leak checks). */
export function processResources(): { fds: number; sysvMaps: number; shmMaps: number; shmFds: number } {
  const fdNames = readdirSync('/proc/self/fd');
  let shmFds = 0;
  for (const fd of fdNames) {
    try { if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('/dev/shm/')) shmFds++; } catch { /* closed meanwhile */ }
  }
  const maps = readFileSync('/proc/self/maps', 'utf8').split('\n');
  return {
    fds: fdNames.length,
    sysvMaps: maps.filter((l) => l.includes('/SYSV')).length,
    shmMaps: maps.filter((l) => l.includes('/dev/shm/')).length,
    shmFds,
  };
}
