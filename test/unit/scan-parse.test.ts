// The scanner's parsers on fixed text: /proc/sysvipc/shm, /proc/PID/maps, /etc/passwd.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devToken, matchMaps, posixKey } from '../../main/scan/maps';
import { parseSysvShm } from '../../main/scan/sysv';
import { nameLookup } from '../../main/scan/users';

const names = { user: (u: number) => `u${u}`, group: (g: number) => `g${g}` };

describe('parseSysvShm', () => {
  it('reads columns by header name, signed keys as unsigned, octal perms with SHM_DEST/SHM_LOCKED', () => {
    const text = [
      '       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap',
      '1543503872          7  3640                  8192   100   101      2  1000  1001     0     0 1700000001 1700000002 1700000003                  4096                  8192',
      '-559038737          9   600                  4096   200     0      0     0     0     0     0          0          0 1700000004                     0                     0',
      '',
    ].join('\n');
    const [a, b] = parseSysvShm(text, names);
    expect(a).toMatchObject({
      ref: 'sysv:7', id: 7, key: '0x5c000000', keyNumber: 0x5c000000, perms: '0640', mode: 0o640, dest: true, locked: true,
      size: 8192, cpid: 100, lpid: 101, nattch: 2, uid: 1000, gid: 1001, owner: 'u1000', group: 'g1001',
      atime: 1700000001, dtime: 1700000002, ctime: 1700000003, rss: 4096, swap: 8192,
    });
    expect(b).toMatchObject({ key: '0xdeadbeef', keyNumber: 0xdeadbeef, perms: '0600', dest: false, locked: false });

    const reordered = ['shmid key size perms cpid lpid nattch uid gid cuid cgid atime dtime ctime', '3 16 100 644 1 2 0 5 6 7 8 0 0 9'].join('\n');
    expect(parseSysvShm(reordered, names)[0]).toMatchObject({ id: 3, key: '0x00000010', size: 100, perms: '0644', cuid: 7, cgid: 8, rss: 0 });
  });

  it('refuses a header without a needed column', () => {
    expect(() => parseSysvShm('key perms size\n1 600 4096\n', names)).toThrow(/shmid/);
  });
});

describe('matchMaps', () => {
  const shmDev = 27; // 00:1b
  const maps = [
    '55d0c0a00000-55d0c0a21000 r--p 00000000 08:01 1234                       /usr/bin/thing',
    '7f0000000000-7f0000001000 rw-s 00000000 00:01 5                          /SYSV5c000001 (deleted)',
    '7f0000002000-7f0000003000 r--s 00000000 00:01 5                          /SYSV5c000001 (deleted)',
    '7f0000004000-7f0000006000 r--s 00000000 00:01 6                          /SYSV00000000 (deleted)',
    '7f0000007000-7f0000008000 r--p 00000000 08:01 5                          /home/x/SYSV5c000001',
    '7f0000008000-7f0000009000 rw-s 00000000 00:1b 42                         /dev/shm/chat',
    '7f000000a000-7f000000b000 r--s 00000000 00:1b 43                         /dev/shm/gone (deleted)',
    '7f000000c000-7f000000d000 rw-s 00000000 00:1b 44                         /dev/shm/not-ours',
    '7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0                          [stack]',
  ].join('\n') + '\n';
  const bytes = (text: string) => Buffer.from(text, 'latin1');
  const targets = { sysvIds: new Set([5]), posixKeys: new Set([posixKey(shmDev, 42), posixKey(shmDev, 43)]), shmDev: null };

  it('finds SysV mappings by /SYSV path + inode and POSIX ones by device + inode', () => {
    const found = matchMaps(99, bytes(maps), targets, [devToken(shmDev)])!;
    expect(found.pid).toBe(99);
    expect([...found.sysv.keys()]).toEqual([5]); // 6 is not a live shmid; /home/x/SYSV… is a file
    expect(found.sysv.get(5)).toEqual([
      { start: '0x7f0000000000', end: '0x7f0000001000', writable: true },
      { start: '0x7f0000002000', end: '0x7f0000003000', writable: false },
    ]);
    expect([...found.posix.keys()]).toEqual(['00:1b 42', '00:1b 43']);
    expect(found.posix.get('00:1b 43')![0]!.writable).toBe(false);
  });

  it('returns null when nothing matches', () => {
    expect(matchMaps(1, bytes('55d0c0a00000-55d0c0a21000 r--p 00000000 08:01 1234   /usr/bin/thing\n'), targets, ['00:1b'])).toBeNull();
    expect(matchMaps(1, bytes(''), targets, ['00:1b'])).toBeNull();
  });

  it('formats devices the way the kernel prints them (%02x:%02x of major, minor)', () => {
    // glibc's makedev(), which is how st_dev encodes them
    const makedev = (major: number, minor: number) => Number(
      BigInt(minor & 0xff) | (BigInt(major & 0xfff) << 8n) | (BigInt(minor & ~0xff) << 12n) | (BigInt(major & ~0xfff) << 32n));
    expect(devToken(makedev(0, 27))).toBe('00:1b');
    expect(devToken(makedev(8, 1))).toBe('08:01');
    expect(devToken(makedev(259, 0))).toBe('103:00');
    expect(devToken(makedev(0, 300))).toBe('00:12c');
    expect(devToken(makedev(5000, 70000))).toBe('1388:11170');
  });
});

describe('nameLookup', () => {
  it('maps ids to names from passwd/group files and falls back to the number', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shmscope-users-'));
    try {
      writeFileSync(join(dir, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n# comment\nalice:x:1000:1000::/home/alice:/bin/sh\nalias:x:1000:1000::/:/bin/sh\n');
      writeFileSync(join(dir, 'group'), 'root:x:0:\nstaff:x:50:alice\n');
      const lookup = nameLookup(join(dir, 'passwd'), join(dir, 'group'));
      expect([lookup.user(0), lookup.user(1000), lookup.user(4242)]).toEqual(['root', 'alice', '4242']);
      expect([lookup.group(50), lookup.group(7)]).toEqual(['staff', '7']);
      expect(nameLookup(join(dir, 'nope'), join(dir, 'nope2')).user(0)).toBe('0');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
