// libFuzzer campaigns over the channel core (native/fuzz/README.md).
//   node scripts/fuzz.mjs [--seconds N]   build, fuzz every target N s (default 60), print a table
//   node scripts/fuzz.mjs --replay        build, run each checked-in corpus input once (no mutation)
//   node scripts/fuzz.mjs --seeds         rewrite the generated seed-* inputs
// Builds with clang -fsanitize=fuzzer,address,undefined (Debian: clang libclang-rt-14-dev).
// New coverage goes to native/fuzz/build/work/<target> (not checked in); a crash, timeout
// or leak is saved as native/fuzz/corpus/<target>/crash-* (etc.), which every later run
// and `npm test` replays, and makes the exit status 1.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const fuzzDir = join(root, 'native/fuzz');
const buildDir = join(fuzzDir, 'build');
const corpusRoot = join(fuzzDir, 'corpus');
const coreSources = ['channel.cc', 'channel_reader.cc', 'channel_presence.cc', 'channel_delivery.cc'].map((f) => join(root, 'native/src', f));
// max_len: header inputs are whole images (a minimal channel is 12 KiB).
export const targets = [
  { name: 'header', source: 'fuzz_header.cc', maxLen: 24576 },
  { name: 'reader', source: 'fuzz_reader.cc', maxLen: 8192 },
  { name: 'presence', source: 'fuzz_presence.cc', maxLen: 4096 },
];
const flags = ['-std=c++20', '-g', '-O1', '-fno-omit-frame-pointer', '-DSHMSCOPE_FUZZ_HOOKS',
  '-fsanitize=address,undefined', '-fno-sanitize-recover=all'];

function findClang() {
  for (const cxx of ['clang++', 'clang++-14', 'clang++-15', 'clang++-16']) {
    if (spawnSync(cxx, ['--version'], { stdio: 'ignore' }).status === 0) return cxx;
  }
  return null;
}

function newest(paths) {
  return Math.max(...paths.map((p) => statSync(p).mtimeMs));
}

/** Compiles (when a source is newer than the binary) a fuzzer or, with main, a plain program. */
function compile(cxx, out, sources, fuzzer) {
  const inputs = [...sources, ...coreSources, ...readdirSync(join(root, 'native/src')).filter((f) => f.endsWith('.h')).map((f) => join(root, 'native/src', f)),
    join(fuzzDir, 'fuzz_support.h')];
  if (existsSync(out) && statSync(out).mtimeMs > newest(inputs)) return;
  const args = [...flags, ...(fuzzer ? ['-fsanitize=fuzzer'] : []), ...sources, ...coreSources, '-o', out];
  const result = spawnSync(cxx, args, { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`compiling ${out} failed`);
}

export function buildAll() {
  const cxx = findClang();
  if (!cxx) return null;
  mkdirSync(buildDir, { recursive: true });
  for (const t of targets) compile(cxx, join(buildDir, `fuzz_${t.name}`), [join(fuzzDir, t.source)], true);
  compile(cxx, join(buildDir, 'seed_writer'), [join(fuzzDir, 'seed_writer.cc')], false);
  return cxx;
}

function count(dir) {
  return existsSync(dir) ? readdirSync(dir).length : 0;
}

const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=1:symbolize=1', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' };

/** Runs one target; returns its row for the table. */
function runTarget(t, seconds, replay) {
  const corpus = join(corpusRoot, t.name);
  const work = join(buildDir, 'work', t.name);
  mkdirSync(corpus, { recursive: true });
  mkdirSync(work, { recursive: true });
  const args = [`-max_len=${t.maxLen}`, '-timeout=10', '-rss_limit_mb=2048', '-print_final_stats=1',
    `-artifact_prefix=${corpus}/`,
    ...(replay ? ['-runs=0', corpus] : [`-max_total_time=${seconds}`, work, corpus])];
  const started = Date.now();
  const result = spawnSync(join(buildDir, `fuzz_${t.name}`), args, { env, encoding: 'utf8', maxBuffer: 256 << 20 });
  const log = `${result.stdout}${result.stderr}`;
  const stat = (name) => Number(log.match(new RegExp(`stat::${name}:\\s+(\\d+)`))?.[1] ?? 0);
  const crashed = result.status !== 0;
  if (crashed) process.stderr.write(log.split('\n').slice(-60).join('\n') + '\n');
  return {
    target: t.name,
    runs: stat('number_of_executed_units'),
    corpus: count(corpus) + (replay ? 0 : count(work)),
    newUnits: stat('new_units_added'),
    seconds: Math.round((Date.now() - started) / 1000),
    crashes: crashed ? 1 : 0,
  };
}

function printTable(rows) {
  const head = ['target', 'inputs tried', 'corpus', 'new units', 'seconds', 'crashes'];
  const lines = rows.map((r) => [r.target, String(r.runs), String(r.corpus), String(r.newUnits), String(r.seconds), String(r.crashes)]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(fmt(head));
  for (const l of lines) console.log(fmt(l));
}

function main() {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--seconds');
  const seconds = at >= 0 ? Number(argv[at + 1]) : 60;
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('--seconds needs a positive number');
  const cxx = buildAll();
  if (!cxx) {
    console.error('fuzz: clang++ not found; install clang and libclang-rt-14-dev (Debian 12) for libFuzzer with ASan/UBSan');
    process.exit(1);
  }
  if (argv.includes('--seeds')) {
    for (const t of targets) mkdirSync(join(corpusRoot, t.name), { recursive: true });
    const r = spawnSync(join(buildDir, 'seed_writer'), [corpusRoot], { stdio: 'inherit', env });
    process.exit(r.status ?? 1);
  }
  const replay = argv.includes('--replay');
  const rows = targets.map((t) => runTarget(t, seconds, replay));
  printTable(rows);
  const crashes = rows.reduce((n, r) => n + r.crashes, 0);
  if (crashes > 0) {
    console.error(`fuzz: ${crashes} target(s) crashed; the input is saved in native/fuzz/corpus/<target>/ (crash-*, timeout-*, leak-*)`);
    process.exit(1);
  }
}

if (process.argv[1] === new URL(import.meta.url).pathname) main();
