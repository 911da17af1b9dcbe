// `shmscope decode --watch` against real C programs sharing memory: the lecture's bounded
// buffer (a producer and a consumer, test/fixtures/layout/bounded.c) and the textbook writer
// and reader (test/fixtures/classic). Each program takes one step per line the test sends, and
// the test waits for the watch line of each step before the next: the assertions are on the
// order and values of the changes, never on timing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, expect, it } from 'vitest';
import { native } from '../../main/native';
import { compileClassicPrograms } from '../helpers/classic-programs';
import { SegmentJanitor } from '../helpers/cleanup';
import { startLineChild, type LineChild } from '../helpers/line-child';
import { uniqueSysvKey } from '../helpers/unique';

const bin = fileURLToPath(new URL('../../bin/shmscope.js', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/layout/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'shmscope-layout-watch-'));
const bounded = join(dir, 'bounded');
execFileSync('gcc', ['-O1', '-Wall', '-o', bounded, join(fixtures, 'bounded.c')]);
const classic = compileClassicPrograms();
const janitor = new SegmentJanitor();
const children: LineChild[] = [];

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.stop()));
  janitor.cleanup();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(classic.dir, { recursive: true, force: true });
});

function start(command: string, args: string[]): LineChild {
  const child = startLineChild(command, args);
  children.push(child);
  return child;
}

const CHANGE = /^\d\d:\d\d:\d\d\.\d{3} {2}(\S+): (.*) → (.*)$/;

/** The watch's change lines, parsed: [member, old, new]. */
function changes(watch: LineChild): [string, string, string][] {
  return watch.lines().map((line) => CHANGE.exec(line)).filter((m) => m !== null).map((m) => [m[1]!, m[2]!, m[3]!]);
}

function shmidOf(key: string): number {
  return janitor.sysv(native().sysvGet(Number(key), { create: false, exclusive: false, mode: 0, size: 0 }));
}

it('reports every in/out change of the bounded-buffer producer and consumer, with the items they wrote', async () => {
  const key = `0x${uniqueSysvKey().toString(16)}`;
  const producer = start(bounded, ['produce', key]);
  await producer.waitForLine(/^ready$/);
  shmidOf(key);
  const consumer = start(bounded, ['consume', key]);
  await consumer.waitForLine(/^ready$/);
  const watch = start(process.execPath, [bin, 'decode', `key:${key}`, '--layout', join(fixtures, 'bounded.h'), '--type', 'struct shared', '--watch', '--interval', '20']);
  await watch.waitForLine(/^\s+44\s+item\s+buffer\[9\]\s+0$/);
  expect(watch.lines().slice(1, 4).map((line) => line.trim().split(/\s+/))).toEqual([
    ['OFFSET', 'TYPE', 'MEMBER', 'VALUE'], ['0', 'int', 'in', '0'], ['4', 'int', 'out', '0'],
  ]);

  // 12 items through a 10-slot ring: in and out both wrap from 9 to 0.
  const expected: [string, string, string][] = [];
  let inIndex = 0;
  let outIndex = 0;
  const step = async (who: 'produce' | 'consume', item: number) => {
    const from = watch.lines().length;
    if (who === 'produce') {
      producer.send(String(item));
      await producer.waitForLine(new RegExp(`^produced ${item} at ${inIndex}$`));
      const next = (inIndex + 1) % 10;
      await watch.waitForLine(new RegExp(`  in: ${inIndex} → ${next}$`), from);
      expected.push(['in', String(inIndex), String(next)]);
      inIndex = next;
    } else {
      consumer.send('');
      await consumer.waitForLine(new RegExp(`^consumed ${item} from ${outIndex}$`));
      const next = (outIndex + 1) % 10;
      await watch.waitForLine(new RegExp(`  out: ${outIndex} → ${next}$`), from);
      expected.push(['out', String(outIndex), String(next)]);
      outIndex = next;
    }
  };
  for (let item = 101; item <= 112; item++) {
    await step('produce', item);
    if (item % 2 === 0) { await step('consume', item - 1); await step('consume', item); }
  }
  const seen = changes(watch);
  expect(seen.filter(([member]) => member === 'in' || member === 'out')).toEqual(expected);
  // The items themselves, in the slots the producer used (slots 0 and 1 are written twice).
  const items = seen.filter(([member]) => member.startsWith('buffer['));
  expect(items).toEqual(Array.from({ length: 12 }, (_, i) => [`buffer[${i % 10}]`, i < 10 ? '0' : String(101 + i - 10), String(101 + i)]));
  expect(await watch.stop()).toBe(0);
}, 60_000);

it('reports the textbook writer\'s text and flag, and the reader taking each line', async () => {
  const key = `0x${uniqueSysvKey().toString(16)}`;
  const header = join(dir, 'shm_com.h');
  // The textbook's shm_com.h, as the lecture hands it out.
  writeFileSync(header, '#define TEXT_SZ 2048\n\nstruct shared_use_st {\n    int written_by_you;\n    char some_text[TEXT_SZ];\n};\n');
  const reader = start(classic.reader, [key]);
  await reader.waitForLine(/^ready$/);
  shmidOf(key);
  const writer = start(classic.writer, [key]);
  const watch = start(process.execPath, [bin, 'decode', `key:${key}`, '--layout', header, '--watch', '--interval', '20']);
  await watch.waitForLine(/some_text\s+""$/);

  const state = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
  const stopped = async (pid: number) => { while (state(pid) !== 'T') await new Promise((resolve) => setTimeout(resolve, 5)); };
  for (const text of ['hello', 'tab\there', 'end']) {
    // The reader is stopped while the writer hands over a line, so the watch sees the flag at 1.
    process.kill(reader.pid, 'SIGSTOP');
    await stopped(reader.pid);
    const from = watch.lines().length;
    writer.send(text);
    const shown = text.replace('\t', '\\t');
    await watch.waitForLine(/  written_by_you: 0 → 1$/, from);
    await watch.waitForLine(new RegExp(`  some_text: .* → "${shown.replace(/\\/g, '\\\\')}\\\\n"$`), from);
    process.kill(reader.pid, 'SIGCONT');
    await reader.waitForLine(new RegExp(`^You wrote: ${text}$`));
    await watch.waitForLine(/  written_by_you: 1 → 0$/, from);
  }
  const flags = changes(watch).filter(([member]) => member === 'written_by_you').map(([, before, after]) => `${before}→${after}`);
  expect(flags).toEqual(['0→1', '1→0', '0→1', '1→0', '0→1', '1→0']);
  const texts = changes(watch).filter(([member]) => member === 'some_text').map(([, , after]) => after);
  expect(texts).toEqual(['"hello\\n"', '"tab\\there\\n"', '"end\\n"']);
  expect(await watch.stop()).toBe(0);
}, 60_000);
