// Handles are released when the garbage collector drops them, not only on close().
// Runs in a child with --expose-gc so the test controls when collection happens.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { native } from '../../main/native';
import { uniquePosixName, uniqueSysvKey } from '../helpers/unique';
import { tryEach } from './errors';

const addon = native();
const addonPath = join(import.meta.dirname, '..', '..', 'native', 'build', 'Release', 'shmscope.node');
const cleanup: Array<() => void> = [];
afterEach(() => tryEach(cleanup.splice(0)));

/** Runs `open` (an expression creating a handle from `addon` and `arg`) in a child, drops
 *  the handle, collects garbage, and reports `probe()` before and after. */
function collectInChild(open: string, probe: string, arg: string | number): { before: unknown; after: unknown } {
  const script = `
    const fs = require('node:fs');
    const addon = require(process.argv[1]);
    const arg = JSON.parse(process.argv[2]);
    const probe = () => (${probe});
    let handle = ${open};
    const before = probe();
    handle = null;
    const settle = (n) => { globalThis.gc(); if (n === 0) process.stdout.write(JSON.stringify({ before, after: probe() })); else setTimeout(() => settle(n - 1), 20); };
    settle(5);`;
  const child = spawnSync(process.execPath, ['--expose-gc', '-e', script, addonPath, JSON.stringify(arg)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`child failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout) as { before: unknown; after: unknown };
}

it('a garbage-collected SysvAttachment detaches', () => {
  const shmid = addon.sysvGet(uniqueSysvKey(), { create: true, exclusive: true, mode: 0o600, size: 4096 });
  cleanup.push(() => addon.sysvRemove(shmid));
  const result = collectInChild('new addon.SysvAttachment(arg, true)', 'addon.sysvStat(arg).nattch', shmid);
  expect(result).toEqual({ before: 1, after: 0 });
});

it('a garbage-collected PosixSegment unmaps and closes its descriptor', () => {
  const name = uniquePosixName('gc');
  const creator = new addon.PosixSegment(name, { create: true, exclusive: true, mode: 0o600, readOnly: false, size: 4096 });
  cleanup.push(() => creator.close(), () => addon.posixUnlink(name));
  const probe = `[fs.readFileSync('/proc/self/maps', 'utf8').includes('/dev/shm' + arg),
    fs.readdirSync('/proc/self/fd').some((fd) => { try { return fs.readlinkSync('/proc/self/fd/' + fd) === '/dev/shm' + arg; } catch { return false; } })]`;
  const result = collectInChild('new addon.PosixSegment(arg, { readOnly: true })', probe, name);
  expect(result).toEqual({ before: [true, true], after: [false, false] });
});
