// Replays the checked-in fuzz corpus (native/fuzz/corpus: seeds, and every crash-* a
// campaign ever saved) through the ASan/UBSan libFuzzer builds, once per input, so a
// regression fails `npm test` without a fuzzing campaign. Needs clang (CI installs it).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const clang = spawnSync('clang++', ['--version'], { stdio: 'ignore' }).status === 0;
if (!clang) console.warn('fuzz corpus replay skipped: clang++ not found (apt-get install clang libclang-rt-14-dev)');

describe('fuzz corpus replay', () => {
  it.skipIf(!clang)('every corpus input runs clean under ASan and UBSan', () => {
    const result = spawnSync(process.execPath, ['scripts/fuzz.mjs', '--replay'], { cwd: root, encoding: 'utf8', timeout: 280_000 });
    expect(result.status, `${result.stdout}\n${result.stderr.slice(-4000)}`).toBe(0);
    expect(result.stdout).toMatch(/header\s+\d+/);
  }, 300_000);
});
