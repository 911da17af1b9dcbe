// One line of /proc/PID/maps, parsed without building strings for the parts nobody asked for;
// shared by the walk (maps.ts) and the matchers of unnamed kinds (maps-kinds.ts).

/** A mapped range, as maps prints its addresses (hex with 0x), and whether it is writable. */
export interface Range { start: string; end: string; writable: boolean }

/** stat() of an unlinked object through /proc/PID/map_files (root only). */
export interface DeletedStat { size: number; mode: number; uid: number; gid: number; mtimeMs: number }

/** The device as /proc/PID/maps prints it: "%02x:%02x" of major and minor. */
export function devToken(dev: number): string {
  const d = BigInt(dev);
  const major = Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & 0xfffff000n));
  const minor = Number((d & 0xffn) | ((d >> 12n) & 0xffffff00n));
  return `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}`;
}

export interface Line { range: Range; dev: string; inode: number; pathStart: number; lineEnd: number; shared: boolean }

const NL = 10;
const SPACE = 32;

/** Parses the maps line that contains byte `at`. */
export function lineAt(buf: Buffer, at: number): Line | null {
  const lineStart = at === 0 ? 0 : buf.lastIndexOf(NL, at - 1) + 1;
  let lineEnd = buf.indexOf(NL, at);
  if (lineEnd === -1) lineEnd = buf.length;
  const dash = buf.indexOf(0x2d, lineStart); // '-'
  const s1 = buf.indexOf(SPACE, lineStart);
  const s2 = buf.indexOf(SPACE, s1 + 1);
  const s3 = buf.indexOf(SPACE, s2 + 1);
  const s4 = buf.indexOf(SPACE, s3 + 1);
  const s5 = buf.indexOf(SPACE, s4 + 1);
  if (dash < 0 || s1 < 0 || s2 < 0 || s3 < 0 || s4 < 0 || s5 < 0 || s5 > lineEnd || dash > s1) return null;
  let inode = 0;
  for (let i = s4 + 1; i < s5; i++) inode = inode * 10 + (buf[i]! - 48);
  let pathStart = s5;
  while (pathStart < lineEnd && buf[pathStart] === SPACE) pathStart++;
  return {
    range: {
      start: `0x${buf.toString('latin1', lineStart, dash)}`,
      end: `0x${buf.toString('latin1', dash + 1, s1)}`,
      writable: buf[s1 + 2] === 0x77, // 'w' in "rw-s"
    },
    dev: buf.toString('latin1', s3 + 1, s4),
    inode,
    pathStart,
    lineEnd,
    shared: buf[s1 + 4] === 0x73, // 's' in "rw-s"
  };
}
