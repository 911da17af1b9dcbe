// System V segments from /proc/sysvipc/shm, parsed by its header line (columns by name).
//
// Kernel format (ipc/shm.c sysvipc_shm_proc_show): key is "%10d" (signed), perms "%4o" (octal) and
// carries SHM_DEST (01000) and SHM_LOCKED (02000) on top of the 9 mode bits, rss and swap are bytes.
import { readTextOrNull } from './fsutil';
import type { SysvRow } from './types';
import type { NameLookup } from './users';

export const SYSV_SHM_PATH = '/proc/sysvipc/shm';
const SHM_DEST = 0o1000;
const SHM_LOCKED = 0o2000;

const COLUMNS = ['key', 'shmid', 'perms', 'size', 'cpid', 'lpid', 'nattch', 'uid', 'gid', 'cuid', 'cgid', 'atime', 'dtime', 'ctime'] as const;
type Column = (typeof COLUMNS)[number];

export function formatKey(key: number): string {
  return `0x${(key >>> 0).toString(16).padStart(8, '0')}`;
}

export function formatPerms(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

/** Parses the text of /proc/sysvipc/shm. Rows come back without attachers. */
export function parseSysvShm(text: string, names: NameLookup): SysvRow[] {
  const lines = text.split('\n');
  const header = (lines[0] ?? '').trim().split(/\s+/);
  const index = new Map<string, number>();
  header.forEach((name, i) => index.set(name, i));
  const col = {} as Record<Column, number>;
  for (const name of COLUMNS) {
    const i = index.get(name);
    if (i === undefined) throw new Error(`${SYSV_SHM_PATH}: no "${name}" column in header`);
    col[name] = i;
  }
  const rssCol = index.get('rss');
  const swapCol = index.get('swap');

  const rows: SysvRow[] = [];
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.length === 0) continue;
    const f = line.trim().split(/\s+/);
    if (f.length < header.length) continue;
    const num = (c: number) => Number(f[c]);
    const rawPerms = parseInt(f[col.perms]!, 8);
    const mode = rawPerms & 0o777;
    const keyNumber = num(col.key) >>> 0;
    const id = num(col.shmid);
    const uid = num(col.uid);
    const gid = num(col.gid);
    rows.push({
      kind: 'sysv',
      ref: `sysv:${id}`,
      key: formatKey(keyNumber),
      keyNumber,
      id,
      name: null,
      size: num(col.size),
      perms: formatPerms(mode),
      mode,
      uid,
      gid,
      owner: names.user(uid),
      group: names.group(gid),
      nattch: num(col.nattch),
      attachers: [],
      unreadableProcesses: 0,
      cpid: num(col.cpid),
      lpid: num(col.lpid),
      cuid: num(col.cuid),
      cgid: num(col.cgid),
      atime: num(col.atime),
      dtime: num(col.dtime),
      ctime: num(col.ctime),
      rss: rssCol === undefined ? 0 : Number(f[rssCol]),
      swap: swapCol === undefined ? 0 : Number(f[swapCol]),
      dest: (rawPerms & SHM_DEST) !== 0,
      locked: (rawPerms & SHM_LOCKED) !== 0,
    });
  }
  return rows;
}

/** All SysV segments of this IPC namespace (none if the kernel has no SysV IPC). */
export function readSysvSegments(names: NameLookup): SysvRow[] {
  const text = readTextOrNull(SYSV_SHM_PATH);
  return text === null ? [] : parseSysvShm(text, names);
}
