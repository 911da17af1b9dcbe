// What a compromised renderer could try through the contract, called exactly as the renderer
// calls it (service.connect(...).call): read or write outside a segment, absurd sizes, POSIX
// names that leave /dev/shm, ftok paths that do not exist. Every attempt gets a clear error
// (a code, a message naming the argument or segment), the segment is unchanged, and nothing
// is created anywhere else.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, type Client, type Service } from '../../main/service';
import type { Reply } from '../../common/contract';
import { SegmentJanitor } from '../helpers/cleanup';
import { uniquePosixName, uniqueSysvKey } from '../helpers/unique';

const janitor = new SegmentJanitor();
let service: Service;
let client: Client;
const SIZE = 4096;
let name = '';
let ref = '';
let sysvRef = '';

beforeAll(async () => {
  service = createService({ transport: 'web', intervalMs: 60_000, scan: () => ({ segments: [] }) as never });
  client = service.connect(() => {});
  name = uniquePosixName('renderer').slice(1);
  janitor.posix(name);
  ref = `posix:${name}`;
  expect(await call('createSegment', { kind: 'posix', name, size: SIZE, mode: 0o600, exclusive: true })).toMatchObject({ ok: true });
  expect(await call('writeRange', ref, 0, new Uint8Array(SIZE).fill(0xab))).toMatchObject({ ok: true });
  const created = await call('createSegment', { kind: 'sysv', identity: { by: 'key', key: uniqueSysvKey() }, size: SIZE, mode: 0o600, exclusive: true });
  sysvRef = janitor.ref((created as { ok: true; result: { ref: string } }).result.ref);
});
afterAll(async () => {
  await client?.dispose();
  await service?.close();
  janitor.cleanup();
});

function call(method: string, ...args: unknown[]): Promise<Reply> {
  return client.call(method, args);
}

async function refused(method: string, args: unknown[], code: string, mentions: RegExp | string): Promise<void> {
  const reply = await client.call(method, args);
  expect(reply.ok, `${method}(${args.map((a) => String(a)).join(', ')}) should fail`).toBe(false);
  if (reply.ok) return;
  expect(reply.error.code, reply.error.message).toBe(code);
  expect(reply.error.message).toMatch(mentions);
  expect(reply.error.message.length).toBeLessThan(400);
}

const untouched = (): boolean => readFileSync(`/dev/shm/${name}`).equals(Buffer.alloc(SIZE, 0xab));

describe('reads and writes outside a segment', () => {
  it('refuses to start a read past the end, and clamps a read that runs over it', async () => {
    for (const r of [() => ref, () => sysvRef]) {
      await refused('readRange', [r(), SIZE + 1, 16], 'ERANGE', new RegExp(`${r()}: offset ${SIZE + 1} is past the end of the segment \\(${SIZE} bytes\\)`));
      await refused('readRange', [r(), 2 ** 40, 1], 'ERANGE', /past the end/);
      await refused('watchRange', [r(), SIZE + 1, 16], 'ERANGE', /past the end/);
      const clamped = await call('readRange', r(), SIZE - 4, 64);
      expect(clamped).toMatchObject({ ok: true, result: { offset: SIZE - 4, size: SIZE } });
      expect((clamped as { ok: true; result: { data: Uint8Array } }).result.data).toHaveLength(4);
    }
  });

  it('refuses writes that pass the end (including offsets near 2**53 that would overflow), changing nothing', async () => {
    const data = new Uint8Array(16).fill(1);
    for (const offset of [SIZE - 15, SIZE, SIZE + 1, 2 ** 32, 2 ** 53 - 16, 2 ** 53 - 1]) {
      await refused('writeRange', [ref, offset, data], 'ERANGE', new RegExp(`^${ref}: writing 16 bytes at offset ${offset} passes the end of the segment \\(${SIZE} bytes\\)`));
    }
    expect(untouched()).toBe(true);
    await refused('writeRange', [sysvRef, SIZE - 1, data], 'ERANGE', new RegExp(`^${sysvRef}: .*passes the end`));
  });

  it('refuses non-integer, negative, NaN, infinite and beyond-2**53 offsets and lengths before touching anything', async () => {
    for (const bad of [-1, -0.5, 0.5, NaN, Infinity, -Infinity, 2 ** 53, 2 ** 60, '16', null]) {
      await refused('readRange', [ref, bad, 16], 'EINVAL', /^readRange\(offset\): must be/);
      await refused('readRange', [ref, 0, bad], 'EINVAL', /^readRange\(length\): must be/);
      await refused('writeRange', [ref, bad, new Uint8Array(1)], 'EINVAL', /^writeRange\(offset\): must be/);
    }
    await refused('readRange', [ref, 0, 1024 * 1024 + 1], 'EINVAL', /^readRange\(length\): must be between 0 and 1048576/);
    await refused('writeRange', [ref, 0, [1, 2, 3]], 'EINVAL', /^writeRange\(data\): must be a Uint8Array/);
    expect(untouched()).toBe(true);
  });
});

describe('absurd sizes', () => {
  it('refuses sizes that are not positive safe integers in the contract', async () => {
    for (const size of [0, -1, -(2 ** 60), 2 ** 60, 2 ** 53, NaN, Infinity, 1.5, '4096']) {
      const n = `shmscope-absurd-${randomBytes(4).toString('hex')}`;
      await refused('createSegment', [{ kind: 'posix', name: n, size, mode: 0o600, exclusive: true }], 'EINVAL', /^createSegment\(request\)\.size: must be/);
      await refused('createSegment', [{ kind: 'sysv', identity: { by: 'private' }, size, mode: 0o600, exclusive: true }], 'EINVAL', /^createSegment\(request\)\.size: must be/);
      expect(existsSync(`/dev/shm/${n}`)).toBe(false);
    }
  });

  it('gives a clear OS error for sizes the contract allows but the machine cannot map, leaving nothing behind', async () => {
    for (const size of [2 ** 53 - 1, 2 ** 50]) {
      const n = uniquePosixName('huge').slice(1);
      janitor.posix(n);
      const posix = await call('createSegment', { kind: 'posix', name: n, size, mode: 0o600, exclusive: true });
      if (posix.ok) {
        // tmpfs files are sparse: a huge size is legal there. Then reads still work and stay bounded.
        expect(statSync(`/dev/shm/${n}`).size).toBe(size);
        expect(await call('readRange', `posix:${n}`, size - 8, 64)).toMatchObject({ ok: true, result: { size } });
      } else {
        expect(posix.error.message).toMatch(new RegExp(`posix:/?${n}`));
        expect(posix.error.code).toMatch(/^E[A-Z]+$/);
        expect(existsSync(`/dev/shm/${n}`), 'a refused object must not be left behind').toBe(false);
      }
      janitor.cleanup();
      const sysv = await call('createSegment', { kind: 'sysv', identity: { by: 'private' }, size, mode: 0o600, exclusive: true });
      if (sysv.ok) janitor.ref(sysv.result as never as string);
      expect(sysv).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^(ENOMEM|ENOSPC|EINVAL)$/) } });
    }
  });
});

describe('names outside /dev/shm', () => {
  it('refuses POSIX names with "/", "..", ".", NUL or an empty name, and creates nothing elsewhere', async () => {
    const before = readdirSync('/dev/shm').length;
    const tag = randomBytes(4).toString('hex');
    const names = [`../shmscope-escape-${tag}`, `a/b-${tag}`, '..', '.', '/', '//x', `/../../tmp/shmscope-escape-${tag}`, `x\0y`, ''];
    for (const bad of names) {
      const reply = await call('createSegment', { kind: 'posix', name: bad, size: 16, mode: 0o600, exclusive: true });
      expect(reply.ok, JSON.stringify(bad)).toBe(false);
      if (!reply.ok) {
        expect(reply.error.code).toBe('EINVAL');
        // The message says which argument or which name, and why.
        expect(reply.error.message).toMatch(/^(createSegment\(request\)\.name: must|posix:.*one path component)/);
      }
      await refused('readRange', [`posix:${bad}`, 0, 1], 'EINVAL', /./);
      await refused('writeRange', [`posix:${bad}`, 0, new Uint8Array(1)], 'EINVAL', /./);
      await refused('removeSegment', [`posix:${bad}`], 'EINVAL', /./);
    }
    expect(existsSync(`/dev/shmscope-escape-${tag}`)).toBe(false);
    expect(existsSync(`/tmp/shmscope-escape-${tag}`)).toBe(false);
    expect(readdirSync('/dev/shm').length).toBeLessThanOrEqual(before + 2); // other tests run alongside
  });

  it('refuses names longer than NAME_MAX with ENAMETOOLONG, counted in bytes', async () => {
    await refused('createSegment', [{ kind: 'posix', name: 'é'.repeat(128), size: 16, mode: 0o600, exclusive: true }], 'ENAMETOOLONG', /longer than 255 bytes/);
    await refused('createSegment', [{ kind: 'posix', name: 'x'.repeat(256), size: 16, mode: 0o600, exclusive: true }], 'ENAMETOOLONG', /longer than 255 bytes/);
    // The escaped spelling of 255 bytes is at most 4 characters a byte (\xHH).
    await refused('createSegment', [{ kind: 'posix', name: 'x'.repeat(1022), size: 16, mode: 0o600, exclusive: true }], 'EINVAL', /^createSegment\(request\)\.name: must have at most 1021/);
  });

  it('accepts ftok paths anywhere, but they must exist (ENOENT naming the path)', async () => {
    const missing = `/nonexistent-${randomBytes(4).toString('hex')}/file`;
    await refused('createSegment', [{ kind: 'sysv', identity: { by: 'ftok', path: missing, projectId: 1 }, size: 16, mode: 0o600, exclusive: true }], 'ENOENT', missing);
    await refused('createSegment', [{ kind: 'sysv', identity: { by: 'ftok', path: '/etc\0/passwd', projectId: 1 }, size: 16, mode: 0o600, exclusive: true }], 'EINVAL', /identity\.path: must not contain NUL/);
    await refused('createSegment', [{ kind: 'sysv', identity: { by: 'ftok', path: '/', projectId: 256 }, size: 16, mode: 0o600, exclusive: true }], 'EINVAL', /identity\.projectId: must be between 1 and 255/);
  });
});
