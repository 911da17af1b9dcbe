// The textbook layout, spoken with real C programs in both directions.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CLASSIC_SEGMENT_BYTES, ClassicChannel } from '../../main/chat/classic';
import { openSegment, parseRef } from '../../main/segments';
import { SegmentJanitor } from '../helpers/cleanup';
import { compileClassicPrograms } from '../helpers/classic-programs';
import { uniqueSysvKey } from '../helpers/unique';

const programs = compileClassicPrograms();
const janitor = new SegmentJanitor();
const channels: ClassicChannel[] = [];
afterEach(() => {
  for (const channel of channels.splice(0)) channel.close();
  janitor.cleanup();
});
afterAll(() => rmSync(programs.dir, { recursive: true, force: true }));

function openChannel(key: number): ClassicChannel {
  const channel = ClassicChannel.open(key);
  channels.push(channel);
  janitor.ref(channel.ref);
  return channel;
}

function run(program: string, key: number, input?: string): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(program, [`0x${key.toString(16)}`], { stdio: ['pipe', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  if (input !== undefined) child.stdin.end(input);
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) => child.once('exit', (code) => { clearTimeout(timer); resolve({ code, stdout }); }));
}

describe('classic textbook layout', () => {
  it('sends to the textbook C reader, which prints each line and stops at "end"', async () => {
    const key = uniqueSysvKey();
    const channel = openChannel(key);
    const reader = run(programs.reader, key);
    await channel.send('hello from shmscope', { timeoutMs: 10_000 });
    await channel.send('second line', { timeoutMs: 10_000 });
    await channel.send('end', { timeoutMs: 10_000 });
    const { code, stdout } = await reader;
    expect(code).toBe(0);
    expect(stdout).toBe('ready\nYou wrote: hello from shmscope\nYou wrote: second line\nYou wrote: end\n');
  });

  it('receives what the textbook C writer sends, in order, until "end"', async () => {
    const key = uniqueSysvKey();
    const channel = openChannel(key);
    const writer = run(programs.writer, key, 'one\ntwo: ünïcode\nend\n');
    const received = [];
    for (let i = 0; i < 3; i++) received.push(await channel.receive({ timeoutMs: 10_000 }));
    expect(received).toEqual(['one', 'two: ünïcode', 'end']);
    expect((await writer).code).toBe(0);
  });

  it('never reads past the text array when another process leaves out the NUL', async () => {
    const key = uniqueSysvKey();
    const channel = openChannel(key);
    const hostile = openSegment(parseRef(channel.ref), { writable: true });
    try {
      hostile.write(4, Buffer.alloc(CLASSIC_SEGMENT_BYTES - 4, 0x41));
      hostile.write(0, Buffer.from([1, 0, 0, 0]));
    } finally {
      hostile.close();
    }
    expect(await channel.receive({ timeoutMs: 1_000 })).toBe('A'.repeat(2048));
  });

  it('refuses a message larger than the text array and times out clearly', async () => {
    const key = uniqueSysvKey();
    const channel = openChannel(key);
    await expect(channel.send('x'.repeat(2047))).rejects.toMatchObject({ code: 'EMSGSIZE' });
    await expect(channel.receive({ timeoutMs: 100 })).rejects.toMatchObject({ code: 'ETIMEDOUT', message: expect.stringContaining('timed out waiting for a message') });
  });
});
