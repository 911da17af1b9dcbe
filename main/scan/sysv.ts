// System V segments from /proc/sysvipc/shm, parsed by its header line (columns by name).
//
// Kernel format (ipc/shm.c sysvipc_shm_proc_show): key is "%10d" (signed), perms "%4o" (octal) and
// carries SHM_DEST (01000) and SHM_LOCKED (02000) on top of the 9 mode bits, rss and swap are bytes.
import { readTextOrNull } from './fsutil';
import type { SysvRow } from '../../common/scan-types';
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
  const width = header.length;
  const f: number[] = new Array<number>(width).fill(0); // decimal value of each field
  let permsField = '';
  for (let n = 1; n < lines.length; n++) {
    // Hand-rolled tokenizer: this runs for every segment on every scan.
    const line = lines[n]!;
    let count = 0;
    for (let i = 0; i < line.length && count < width;) {
      while (line.charCodeAt(i) === 32) i++;
      if (i >= line.length) break;
      const start = i;
      let negative = false;
      if (line.charCodeAt(i) === 45) { negative = true; i++; }
      let value = 0;
      for (let c = line.charCodeAt(i); c >= 48 && c <= 57; c = line.charCodeAt(++i)) value = value * 10 + (c - 48);
      if (i < line.length && line.charCodeAt(i) !== 32) value = Number(line.slice(start, line.indexOf(' ', i) >>> 0)); // unexpected: let Number decide
      while (i < line.length && line.charCodeAt(i) !== 32) i++;
      if (count === col.perms) permsField = line.slice(start, i);
      f[count++] = negative ? -value : value;
    }
    if (count < width) continue;
    const rawPerms = parseInt(permsField, 8);
    const mode = rawPerms & 0o777;
    const keyNumber = f[col.key]! >>> 0;
    const id = f[col.shmid]!;
    const uid = f[col.uid]!;
    const gid = f[col.gid]!;
    rows.push({
      kind: 'sysv',
      ref: `sysv:${id}`,
      key: formatKey(keyNumber),
      keyNumber,
      id,
      name: null,
      size: f[col.size]!,
      perms: formatPerms(mode),
      mode,
      uid,
      gid,
      owner: names.user(uid),
      group: names.group(gid),
      nattch: f[col.nattch]!,
      attachers: [],
      unreadableProcesses: 0,
      cpid: f[col.cpid]!,
      lpid: f[col.lpid]!,
      cuid: f[col.cuid]!,
      cgid: f[col.cgid]!,
      atime: f[col.atime]!,
      dtime: f[col.dtime]!,
      ctime: f[col.ctime]!,
      rss: rssCol === undefined ? 0 : f[rssCol]!,
      swap: swapCol === undefined ? 0 : f[swapCol]!,
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
