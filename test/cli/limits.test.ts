// Issue 8 item 11: `shmscope limits` prints the kernel's figures exactly, even those past 2^53
// (the default shmmax and shmall, 18446744073692774399, which a double rounds to ...774000).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shmscope } from '../helpers/cli';

const kernel = (name: string): string => readFileSync(`/proc/sys/kernel/${name}`, 'latin1').trim();

/** `lsipc -g` in bytes, raw: RESOURCE → LIMIT as the digits it prints. */
function lsipcLimits(): Map<string, string> {
  const out = execFileSync('lsipc', ['-g', '-b', '--raw', '--noheadings', '-o', 'RESOURCE,LIMIT'], { encoding: 'utf8' });
  return new Map(out.trim().split('\n').map((line) => line.split(' ') as [string, string]));
}

/** JSON keeps a figure exact: a number up to 2^53 - 1, a string of digits above. */
function expectExact(value: unknown, digits: string): void {
  if (BigInt(digits) > BigInt(Number.MAX_SAFE_INTEGER)) expect(value).toBe(digits);
  else expect(value).toBe(Number(digits));
}

describe('shmscope limits', () => {
  it('--json gives shmmax, shmall and shmmni exactly as /proc/sys/kernel and lsipc -g have them', () => {
    const run = shmscope(['limits', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const figures = JSON.parse(run.stdout) as Record<string, unknown>;
    for (const name of ['shmmax', 'shmall', 'shmmni']) expectExact(figures[name], kernel(name));
    const lsipc = lsipcLimits();
    expect(String(figures.shmmax)).toBe(lsipc.get('SHMMAX'));
    expect(String(figures.shmall)).toBe(lsipc.get('SHMALL'));
    expect(String(figures.shmmni)).toBe(lsipc.get('SHMMNI'));
  });

  it('prints the exact digits, and calls the kernel\'s "no limit" unlimited as the UI does', () => {
    const run = shmscope(['limits']);
    expect(run.status, run.stderr).toBe(0);
    const line = (label: string) => run.stdout.split('\n').find((l) => l.startsWith(label)) ?? '';
    const shmmax = kernel('shmmax');
    const shmall = kernel('shmall');
    expect(line('SHMMAX')).toContain(` ${shmmax} bytes per segment`);
    expect(line('SHMALL')).toContain(` of ${shmall} pages in use`);
    const huge = (digits: string) => BigInt(digits) >= 2n ** 52n;
    expect(line('SHMMAX').includes('unlimited')).toBe(huge(shmmax));
    expect(line('SHMALL').includes('unlimited')).toBe(huge(shmall));
  });
});
