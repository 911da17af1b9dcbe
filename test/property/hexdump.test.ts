// Property test of `dump`'s formatter (main/format/hexdump.ts) against the real `hexdump -C`
// (util-linux, installed by .ci/run): random bytes (often with repeated lines, so "*"
// squeezing is exercised), random start offsets (hexdump -s, including past 4 GiB) and random
// chunkings of the input (the CLI formats a segment chunk by chunk) give the same text.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { hexdump, HexdumpWriter } from '../../main/format/hexdump';

const RUNS = 300;
const dir = mkdtempSync(join(tmpdir(), 'shmscope-hexdump-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `hexdump -C -s offset -n length` of a sparse file holding `bytes` at `offset`. */
function realHexdump(bytes: Uint8Array, offset: number): string {
  const file = join(dir, 'bytes');
  const fd = openSync(file, 'w');
  try {
    // Written at its offset, the file is sparse: a 64 GiB offset costs nothing.
    if (bytes.length > 0) writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
  const result = spawnSync('hexdump', ['-C', '-s', String(offset), '-n', String(bytes.length), file], { encoding: 'latin1' });
  if (result.status !== 0) throw new Error(`hexdump failed: ${result.stderr}`);
  // -n 0 means "no limit" to hexdump, but there is nothing past the data anyway.
  return result.stdout;
}

/** Bytes built from a few 16-byte blocks and short runs, so equal lines (squeezed) are common. */
const lineyBytes = fc.tuple(
  fc.array(fc.uint8Array({ minLength: 16, maxLength: 16 }), { minLength: 1, maxLength: 3 }),
  fc.array(fc.tuple(fc.nat({ max: 2 }), fc.integer({ min: 1, max: 5 })), { maxLength: 12 }),
  fc.uint8Array({ maxLength: 17 }),
).map(([blocks, plan, tail]) => {
  const parts: Uint8Array[] = [];
  for (const [which, times] of plan) for (let i = 0; i < times; i++) parts.push(blocks[which % blocks.length]!);
  parts.push(tail);
  return Uint8Array.from(parts.flatMap((p) => [...p]));
});
const anyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  lineyBytes,
  fc.integer({ min: 0, max: 200 }).map((n) => new Uint8Array(n)),
  fc.uint8Array({ minLength: 0, maxLength: 40 }).map((b) => Uint8Array.from(b, (x) => 0x1c + (x % 0x66))), // around the printable edges
);
const anyOffset = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.nat({ max: 100 }) },
  { weight: 2, arbitrary: fc.nat({ max: 0xfffff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xffffff00, max: 2 ** 36 }) },
);

/** Splits `bytes` into chunks at the given (sorted, deduplicated) cut points. */
function chunks(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of points) { out.push(bytes.subarray(from, p)); from = p; }
  out.push(bytes.subarray(from));
  return out;
}

describe('dump formatting (property, against hexdump -C)', () => {
  it(`matches hexdump -C -s OFFSET for random bytes, offsets and chunkings (${RUNS} runs)`, () => {
    fc.assert(fc.property(anyBytes, anyOffset, fc.array(fc.nat(), { maxLength: 6 }), (bytes, offset, cuts) => {
      const want = realHexdump(bytes, offset);
      expect(hexdump(bytes, offset)).toBe(want);
      const writer = new HexdumpWriter(offset);
      const text = chunks(bytes, cuts).map((c) => writer.push(c)).join('') + writer.end();
      expect(text).toBe(want);
    }), { numRuns: RUNS });
  });
});
