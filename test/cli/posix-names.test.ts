// POSIX names are bytes: a name that is not valid UTF-8 (made here by Python, byte for byte)
// is addressed by its escaped spelling (posix:bad\xff), and the longest name shm_open takes,
// 255 bytes after the '/', works for create, dump and rm like any other; 256 is refused.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { escapePosixName } from '../../main/segments/posix-name';
import { shmscope } from '../helpers/cli';
import { uniquePosixName } from '../helpers/unique';

const made: Buffer[] = [];
afterEach(() => {
  for (const name of made.splice(0)) rmSync(shmPath(name), { force: true });
});

const shmPath = (name: Buffer): Buffer => Buffer.concat([Buffer.from('/dev/shm/'), name]);

/** A unique name (without '/') ending in the given bytes; removed after the test. */
function uniqueName(tag: string, tail: Buffer): Buffer {
  const name = Buffer.concat([Buffer.from(uniquePosixName(tag).slice(1)), tail]);
  made.push(name);
  return name;
}

/** A unique name of exactly 255 bytes: the test prefix, then `fill` bytes. */
function padded(tag: string, fill: number): Buffer {
  const base = Buffer.from(uniquePosixName(tag).slice(1));
  const name = Buffer.concat([base, Buffer.alloc(255 - base.length, fill)]);
  made.push(name);
  return name;
}

/** Creates /dev/shm/NAME holding `content`, by the raw bytes of its name. */
function pythonCreate(name: Buffer, content: string): void {
  const script = "import os, sys\nfd = os.open(b'/dev/shm/' + bytes.fromhex(sys.argv[1]), os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)\nos.write(fd, sys.argv[2].encode())\nos.close(fd)";
  const result = spawnSync('python3', ['-c', script, name.toString('hex'), content], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python3: ${result.stderr}`);
}

describe('POSIX names that are not valid UTF-8', () => {
  it('dump and rm work on posix:ESCAPED for a name made of raw bytes', () => {
    const name = uniqueName('bytes', Buffer.from([0x62, 0x61, 0x64, 0xff, 0x0a, 0x5c]));  // "bad", 0xff, LF, backslash
    const ref = `posix:${escapePosixName(name)}`;
    expect(ref).toMatch(/bad\\xff\\x0a\\\\$/);
    pythonCreate(name, 'hello bytes');

    const dump = shmscope(['dump', ref]);
    expect(dump).toMatchObject({ status: 0, stderr: '' });
    expect(dump.stdout).toContain('|hello bytes|');

    expect(shmscope(['rm', ref])).toMatchObject({ status: 0, stdout: `removed ${ref}\n` });
    expect(existsSync(shmPath(name))).toBe(false);
  });

  it('errors name the object by its escaped spelling', () => {
    const name = uniqueName('missing', Buffer.from([0xfe, 0xff]));
    const ref = `posix:${escapePosixName(name)}`;
    const dump = shmscope(['dump', ref]);
    expect(dump.status).not.toBe(0);
    expect(dump.stderr).toContain(`${ref}: shm_open failed: No such file or directory (ENOENT)`);
  });

  it('a malformed escape is refused with EINVAL', () => {
    const dump = shmscope(['dump', 'posix:bad\\q']);
    expect(dump.status).not.toBe(0);
    expect(dump.stderr).toMatch(/posix:bad\\q: .*\\\\ \(a backslash\) or \\xHH \(a byte\) \(EINVAL\)/);
  });
});

describe('POSIX names of exactly 255 bytes (NAME_MAX)', () => {
  it('create, dump and rm take 255 bytes; 256 are refused with ENAMETOOLONG', () => {
    const name = padded('max', 0x79);
    const ref = `posix:${name.toString()}`;

    expect(shmscope(['create', 'posix', name.toString(), '--size', '4096'])).toMatchObject({ status: 0, stdout: `${ref}\n` });
    expect(existsSync(shmPath(name))).toBe(true);
    expect(shmscope(['dump', ref, '--length', '16'])).toMatchObject({ status: 0, stderr: '' });
    expect(shmscope(['rm', ref])).toMatchObject({ status: 0, stdout: `removed ${ref}\n` });
    expect(existsSync(shmPath(name))).toBe(false);

    const tooLong = `${name.toString()}y`;  // never created: nothing to clean up
    for (const args of [['create', 'posix', tooLong, '--size', '4096'], ['dump', `posix:${tooLong}`], ['rm', `posix:${tooLong}`]]) {
      const result = shmscope(args);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('name is longer than 255 bytes (it has 256) (ENAMETOOLONG)');
    }
    expect(existsSync(`/dev/shm/${tooLong}`)).toBe(false);
  });

  it('a 255-byte name that is escaped (\\xff × 255) works too', () => {
    const name = padded('maxff', 0xff);
    const ref = `posix:${escapePosixName(name)}`;
    pythonCreate(name, 'max');
    expect(shmscope(['dump', ref])).toMatchObject({ status: 0, stderr: '' });
    expect(shmscope(['rm', ref])).toMatchObject({ status: 0 });
    expect(existsSync(shmPath(name))).toBe(false);
  });
});
