import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HexdumpWriter, hexdump } from '../../main/format/hexdump';

/** What the real `hexdump -C -s START -n LENGTH` prints for a file holding padding + these bytes. */
function realHexdump(bytes: Uint8Array, startOffset = 0): string {
  const dir = mkdtempSync(join(tmpdir(), 'shmscope-hexdump-'));
  try {
    const file = join(dir, 'bytes');
    writeFileSync(file, Buffer.concat([Buffer.alloc(startOffset), bytes]));
    const result = spawnSync('hexdump', ['-C', '-s', String(startOffset), '-n', String(bytes.length), file]);
    expect(result.status).toBe(0);
    return result.stdout.toString('latin1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cases: Record<string, Uint8Array> = {
  empty: new Uint8Array(0),
  'one byte': Uint8Array.of(0x41),
  'text with newline': Buffer.from('hello\n'),
  'exactly one line': Buffer.alloc(16, 0x61),
  'all byte values': Uint8Array.from({ length: 256 }, (_, i) => i),
  'squeezed zeros': new Uint8Array(4096),
  'zeros then tail': Buffer.concat([Buffer.alloc(40), Buffer.from('abc')]),
  'repeat, change, repeat': Buffer.concat([Buffer.alloc(48, 1), Buffer.alloc(16, 2), Buffer.alloc(64, 1), Buffer.alloc(3, 1)]),
  random: randomBytes(1000),
};

describe('hexdump -C compatibility', () => {
  for (const [name, bytes] of Object.entries(cases)) {
    it(`matches hexdump -C: ${name}`, () => {
      expect(hexdump(bytes)).toBe(realHexdump(bytes));
    });
  }

  it('matches hexdump -C -s N -n M (offsets counted from the segment start)', () => {
    const bytes = Buffer.concat([Buffer.alloc(37), Buffer.from('shared memory'), Buffer.alloc(50, 0xff)]);
    for (const start of [0, 1, 5, 16, 33]) {
      expect(hexdump(bytes, start)).toBe(realHexdump(bytes, start));
    }
  });

  it('gives the same text whatever the chunk boundaries', () => {
    const bytes = Buffer.concat([randomBytes(100), Buffer.alloc(200), randomBytes(77)]);
    const writer = new HexdumpWriter(3);
    let text = '';
    for (let at = 0; at < bytes.length;) {
      const step = 1 + Math.floor(Math.random() * 40);
      text += writer.push(bytes.subarray(at, at + step));
      at += step;
    }
    text += writer.end();
    expect(text).toBe(hexdump(bytes, 3));
    expect(text).toBe(realHexdump(bytes, 3));
  });
});
