// The addon takes POSIX names as bytes (a Buffer), any bytes /dev/shm may hold, and opens
// only regular files: whatever else sits under a name is refused without blocking.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { native } from '../../main/native';
import { uniquePosixName } from '../helpers/unique';
import { thrown } from './errors';

const addon = native();
const made: Buffer[] = [];
afterEach(() => {
  for (const name of made.splice(0)) rmSync(Buffer.concat([Buffer.from('/dev/shm'), name]), { force: true, recursive: true });
});

function uniqueBytes(tag: string, tail: number[]): Buffer {
  const name = Buffer.concat([Buffer.from(uniquePosixName(tag)), Buffer.from(tail)]);
  made.push(name);
  return name;
}

it('creates, opens and unlinks a name that is not valid UTF-8, given as bytes', () => {
  const name = uniqueBytes('raw', [0xff, 0xfe, 0x0a]);
  const path = Buffer.concat([Buffer.from('/dev/shm'), name]);
  const created = new addon.PosixSegment(name, { create: true, exclusive: true, mode: 0o600, readOnly: false, size: 64, subject: 'posix:the-subject' });
  created.write(0, Buffer.from('raw name'));
  created.close();
  expect(existsSync(path)).toBe(true);

  const opened = new addon.PosixSegment(name, { create: false, exclusive: false, mode: 0, readOnly: true });
  expect(opened.name).toEqual(name);
  expect(opened.read(0, 8).toString()).toBe('raw name');
  opened.close();

  // Errors name the object as the caller spells it.
  const again = thrown(() => new addon.PosixSegment(name, { create: true, exclusive: true, mode: 0o600, readOnly: false, subject: 'posix:the-subject' }));
  expect(again).toMatchObject({ code: 'EEXIST', subject: 'posix:the-subject', message: expect.stringMatching(/^posix:the-subject: shm_open failed/) });

  addon.posixUnlink(name, 'posix:the-subject');
  expect(existsSync(path)).toBe(false);
  expect(thrown(() => addon.posixUnlink(name, 'posix:the-subject'))).toMatchObject({ code: 'ENOENT', subject: 'posix:the-subject' });
});

it('refuses a directory under the name with ENOTREG, read-only or read-write', () => {
  const name = uniqueBytes('dir', []);
  mkdirSync(`/dev/shm${name.toString()}`);
  for (const readOnly of [true, false]) {
    // Read-write, open() itself refuses a directory (glibc says EINVAL); read-only, the fstat check does.
    expect(thrown(() => new addon.PosixSegment(name, { create: false, exclusive: false, mode: 0, readOnly }))).toMatchObject({
      code: 'ENOTREG', message: expect.stringContaining('not a regular file (a directory) — refusing to open it'),
    });
  }
});
