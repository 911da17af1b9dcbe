// Compiles the textbook C reader and writer (test/fixtures/classic) once per test file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const sources = fileURLToPath(new URL('../fixtures/classic/', import.meta.url));

export interface ClassicPrograms {
  reader: string;
  writer: string;
  dir: string;
}

export function compileClassicPrograms(): ClassicPrograms {
  const dir = mkdtempSync(join(tmpdir(), 'shmscope-classic-'));
  const build = (name: string) => {
    const output = join(dir, name);
    execFileSync('gcc', ['-O1', '-Wall', '-o', output, join(sources, `${name}.c`)]);
    return output;
  };
  return { reader: build('shm_reader'), writer: build('shm_writer'), dir };
}
