// `serve --token-file PATH` keeps the URL's token across restarts, so open pages reconnect. The
// file is a credential another local user may try to plant or read: it is created 0600 and
// exclusively; a file of another user, one others may read, a symlink or a FIFO is refused
// (without blocking); and a restarted server with the same file and port has the same URL.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tokenFromFile } from '../../main/serve/token-file';
import { NOBODY } from '../helpers/cli';
import { startServeCli } from '../helpers/serve-cli';

const dirs: string[] = [];
afterEach(() => { for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true }); });
const tempDir = (): string => { const d = mkdtempSync(join(tmpdir(), 'shmscope-token-')); dirs.push(d); return d; };

describe('serve --token-file', () => {
  it('creates a 0600 token file and reads the same token back', () => {
    const file = join(tempDir(), 'token');
    const token = tokenFromFile(file);
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
    expect(tokenFromFile(file)).toBe(token);
  });

  it('refuses a file others may read, a symlink, a FIFO, another user\'s file and one without a token', () => {
    const dir = tempDir();
    const good = 'A'.repeat(40);
    const open = join(dir, 'open');
    writeFileSync(open, good, { mode: 0o644 });
    chmodSync(open, 0o644);
    expect(() => tokenFromFile(open)).toThrow(/readable by others \(mode 644\).*\(EPERM\)/);

    const link = join(dir, 'link');
    const target = join(dir, 'target');
    writeFileSync(target, good, { mode: 0o600 });
    symlinkSync(target, link);
    expect(() => tokenFromFile(link)).toThrow(/symbolic link.*\(ELOOP\)/);

    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    expect(() => tokenFromFile(fifo)).toThrow(/not a regular file.*\(EINVAL\)/); // and did not block

    const short = join(dir, 'short');
    writeFileSync(short, 'guessable\n', { mode: 0o600 });
    expect(() => tokenFromFile(short)).toThrow(/does not hold a token.*\(EINVAL\)/);

    if (process.getuid?.() === 0) {
      const planted = join(dir, 'planted');
      writeFileSync(planted, good, { mode: 0o600 });
      chownSync(planted, NOBODY, NOBODY);
      expect(() => tokenFromFile(planted)).toThrow(/belongs to uid 65534, not to us.*\(EPERM\)/);
    }
  });

  it('a server restarted with the same --port and --token-file has the same URL', async () => {
    const file = join(tempDir(), 'token');
    const first = await startServeCli(['--token-file', file]);
    const url = first.url;
    expect(await first.stop()).toBe(0);
    expect(url.pathname).toBe(`/t/${readFileSync(file, 'utf8').trim()}/`);
    const second = await startServeCli(['--token-file', file, '--port', url.port]);
    try {
      expect(second.url.href).toBe(url.href);
      expect((await fetch(second.url)).status).toBe(200);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});
