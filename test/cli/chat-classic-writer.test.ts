// Interactive `shmscope chat --classic` is the writer of the textbook one-slot buffer: it
// must never take back what it just wrote, so the textbook C reader sees every line.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, expect, it } from 'vitest';
import { native } from '../../main/native';
import { SegmentJanitor } from '../helpers/cleanup';
import { compileClassicPrograms } from '../helpers/classic-programs';
import { uniqueSysvKey } from '../helpers/unique';

const bin = fileURLToPath(new URL('../../bin/shmscope.js', import.meta.url));
const programs = compileClassicPrograms();
const janitor = new SegmentJanitor();
const kills: (() => void)[] = [];

afterEach(() => {
  for (const kill of kills.splice(0)) kill();
  janitor.cleanup();
});
afterAll(() => rmSync(programs.dir, { recursive: true, force: true }));

function run(command: string, args: string[], input?: string): { pid: number; output(): string; exited: Promise<number | null> } {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  kills.push(() => child.kill('SIGKILL'));
  let output = '';
  child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
  if (input !== undefined) child.stdin.end(input);
  return { pid: child.pid!, output: () => output, exited: new Promise((resolve) => child.once('close', (code) => resolve(code))) };
}

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('hands all 11 typed lines and "end" to the textbook C reader, in order, and both exit', async () => {
  const key = `0x${uniqueSysvKey().toString(16)}`;
  const reader = run(programs.reader, [key]);
  await until('the reader to attach', () => reader.output().includes('ready'));
  const shmid = janitor.sysv(native().sysvGet(Number(key), { create: false, exclusive: false, mode: 0, size: 0 }));
  // The reader is paused until the writer has put a line in the slot: a writer that also
  // read would take that line (and the next ones) back meanwhile.
  process.kill(reader.pid, 'SIGSTOP');
  const lines = Array.from({ length: 11 }, (_, i) => `line ${i + 1}`);
  const writer = run(process.execPath, [bin, 'chat', '--classic', '--key', key], `${lines.join('\n')}\nend\n`);
  const slot = new (native().SysvAttachment)(shmid, true);
  try {
    await until('a line in the slot', () => slot.read(0, 4).readInt32LE(0) === 1);
    // Fifteen of its 20 ms polls: plenty for a writer that also read to take its lines back.
    // (The result does not depend on this wait with the fix; it only gives the bug its chance.)
    await new Promise((resolve) => setTimeout(resolve, 300));
  } finally {
    slot.close();
    process.kill(reader.pid, 'SIGCONT');
  }
  expect(await writer.exited).toBe(0);
  // A writer that read its own lines took "end" too, and the reader would wait for ever.
  await until('the reader to get "end"', () => reader.output().includes('You wrote: end'));
  expect(await reader.exited).toBe(0);
  expect(reader.output()).toBe(`ready\n${[...lines, 'end'].map((line) => `You wrote: ${line}\n`).join('')}`);
  expect(writer.output()).toContain('-- writing to the textbook segment');
  expect(writer.output()).not.toMatch(/\] line \d/); // it never printed a line as received
}, 60_000);
