// npm run bench:scan [-- --json] [--sysv N] [--posix N] [--memfd N] [--anon N] [--procs N] [--per-proc N] [--runs N]
//
// Times a full scan (every kind of row, attachers from every /proc/PID/maps, memfd holders from
// every /proc/PID/fd) next to `lsipc -m` and `ipcs -m` on the same set: 1,000 SysV + 1,000 POSIX
// segments, 200 memfds and 200 shared anonymous mappings, and ~200 processes that map some of
// each (the helper's parent holds every memfd as a descriptor and maps every anonymous one). The segments and processes come from a small C program compiled for the run (gcc), which
// removes everything when its stdin closes or it gets SIGINT/SIGTERM; we also sweep for leftovers by
// this run's key range and name prefix, so nothing is left behind even if the helper dies.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanLimits, scanSegments } from '../main/scan/index';
import { runBench } from './run';

const HELPER_C = String.raw`
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

static int nsysv, nposix, nmemfd, nanon, nprocs, per;
static long keybase;
static const char *prefix;
static int *ids;
static pid_t *kids;
static int nkids;

static void cleanup(void) {
  for (int i = 0; i < nkids; i++) kill(kids[i], SIGKILL);
  for (int i = 0; i < nkids; i++) waitpid(kids[i], NULL, 0);
  nkids = 0;
  for (int i = 0; i < nsysv; i++) if (ids[i] >= 0) { shmctl(ids[i], IPC_RMID, NULL); ids[i] = -1; }
  char name[256];
  for (int i = 0; i < nposix; i++) { snprintf(name, sizeof name, "/%s%d", prefix, i); shm_unlink(name); }
}
static void on_signal(int sig) { cleanup(); _exit(128 + sig); }
static void die(const char *what) { fprintf(stderr, "%s: %s\n", what, strerror(errno)); cleanup(); exit(1); }

int main(int argc, char **argv) {
  if (argc != 9) { fprintf(stderr, "usage: helper NSYSV NPOSIX NPROCS PER KEYBASE PREFIX NMEMFD NANON\n"); return 2; }
  nsysv = atoi(argv[1]); nposix = atoi(argv[2]); nprocs = atoi(argv[3]); per = atoi(argv[4]);
  keybase = strtol(argv[5], NULL, 0); prefix = argv[6]; nmemfd = atoi(argv[7]); nanon = atoi(argv[8]);
  ids = calloc(nsysv ? nsysv : 1, sizeof *ids);
  kids = calloc(nprocs ? nprocs : 1, sizeof *kids);
  for (int i = 0; i < nsysv; i++) ids[i] = -1;
  signal(SIGINT, on_signal); signal(SIGTERM, on_signal); signal(SIGHUP, on_signal); signal(SIGPIPE, SIG_IGN);
  for (int i = 0; i < nsysv; i++) {
    ids[i] = shmget((key_t)(keybase + i), 4096, IPC_CREAT | IPC_EXCL | 0640);
    if (ids[i] < 0) die("shmget");
  }
  char name[256];
  for (int i = 0; i < nposix; i++) {
    snprintf(name, sizeof name, "/%s%d", prefix, i);
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0640);
    if (fd < 0) die("shm_open");
    if (ftruncate(fd, 4096) != 0) die("ftruncate");
    close(fd);
  }
  /* memfds and shared anonymous memory die with their processes: nothing to clean up for them. */
  int *memfds = calloc(nmemfd ? nmemfd : 1, sizeof *memfds);
  void **anons = calloc(nanon ? nanon : 1, sizeof *anons);
  for (int i = 0; i < nmemfd; i++) {
    snprintf(name, sizeof name, "%smemfd-%d", prefix, i);
    memfds[i] = memfd_create(name, 0);
    if (memfds[i] < 0 || ftruncate(memfds[i], 4096) != 0) die("memfd_create");
  }
  for (int i = 0; i < nanon; i++) {
    anons[i] = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (anons[i] == MAP_FAILED) die("mmap");
  }
  int ready[2];
  if (pipe(ready) != 0) die("pipe");
  for (int c = 0; c < nprocs; c++) {
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      signal(SIGINT, SIG_DFL); signal(SIGTERM, SIG_DFL); signal(SIGHUP, SIG_DFL);
      close(ready[0]);
      /* Child c maps segments c*per .. c*per+per-1 (mod n) of each kind; odd children read-only. */
      for (int j = 0; j < per; j++) {
        if (nsysv) {
          int i = (c * per + j) % nsysv;
          if (shmat(ids[i], NULL, (c & 1) ? SHM_RDONLY : 0) == (void *)-1) _exit(3);
        }
        if (nposix) {
          char n[256];
          snprintf(n, sizeof n, "/%s%d", prefix, (c * per + j) % nposix);
          int fd = shm_open(n, (c & 1) ? O_RDONLY : O_RDWR, 0);
          if (fd < 0) _exit(4);
          if (mmap(NULL, 4096, (c & 1) ? PROT_READ : PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED) _exit(5);
          close(fd);
        }
        if (nmemfd) {
          int i = (c * per + j) % nmemfd;
          if (mmap(NULL, 4096, (c & 1) ? PROT_READ : PROT_READ | PROT_WRITE, MAP_SHARED, memfds[i], 0) == MAP_FAILED) _exit(7);
        }
      }
      /* It maps its memfds but holds none; it keeps only its own share of the anonymous memory. */
      for (int i = 0; i < nmemfd; i++) close(memfds[i]);
      for (int i = 0; i < nanon; i++) {
        int mine = 0;
        for (int j = 0; j < per; j++) if ((c * per + j) % nanon == i) mine = 1;
        if (!mine) munmap(anons[i], 4096);
      }
      if (write(ready[1], "x", 1) != 1) _exit(6);
      close(ready[1]);
      for (;;) pause();
    }
    kids[nkids++] = pid;
  }
  close(ready[1]);
  char b;
  for (int c = 0; c < nprocs; c++) if (read(ready[0], &b, 1) != 1) { errno = ECHILD; die("child did not attach"); }
  printf("ready\n");
  fflush(stdout);
  while (read(0, &b, 1) > 0) {}
  cleanup();
  return 0;
}
`;

interface Options { json: boolean; sysv: number; posix: number; memfd: number; anon: number; procs: number; perProc: number; runs: number }

function parseArgs(argv: string[]): Options {
  const o: Options = { json: false, sysv: 1000, posix: 1000, memfd: 200, anon: 200, procs: 200, perProc: 3, runs: 21 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${a} needs a non-negative integer`);
      return v;
    };
    if (a === '--json') o.json = true;
    else if (a === '--sysv') o.sysv = value();
    else if (a === '--posix') o.posix = value();
    else if (a === '--memfd') o.memfd = value();
    else if (a === '--anon') o.anon = value();
    else if (a === '--procs') o.procs = value();
    else if (a === '--per-proc') o.perProc = value();
    else if (a === '--runs') o.runs = Math.max(1, value());
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm run bench:scan -- [--json] [--sysv N] [--posix N] [--memfd N] [--anon N] [--procs N] [--per-proc N] [--runs N]');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return o;
}

// ---- the set under test, and its cleanup ----------------------------------------------------------

const run = {
  keyBase: 0,
  count: 0,
  prefix: '',
  helper: null as ChildProcess | null,
  dir: '',
};

/** Removes whatever this run created that is still there (by key range and name prefix). */
function sweep(): void {
  if (run.helper && run.helper.exitCode === null && run.helper.signalCode === null) run.helper.kill('SIGKILL');
  if (run.count > 0) {
    try {
      const lines = readFileSync('/proc/sysvipc/shm', 'latin1').split('\n').slice(1);
      for (const line of lines) {
        const f = line.trim().split(/\s+/);
        const key = Number(f[0]) >>> 0;
        if (f.length > 2 && key >= run.keyBase && key < run.keyBase + run.count) {
          spawnSync('ipcrm', ['-m', f[1]!], { stdio: 'ignore' });
        }
      }
    } catch { /* nothing to sweep */ }
  }
  if (run.prefix) {
    try {
      for (const name of readdirSync('/dev/shm')) if (name.startsWith(run.prefix)) rmSync(`/dev/shm/${name}`, { force: true });
    } catch { /* nothing to sweep */ }
  }
  if (run.dir) rmSync(run.dir, { recursive: true, force: true });
}

async function stopHelper(): Promise<void> {
  const helper = run.helper;
  if (!helper) return;
  if (helper.exitCode === null && helper.signalCode === null) {
    const exited = new Promise<void>((resolve) => helper.once('exit', () => resolve()));
    helper.stdin!.end(); // the helper removes everything and exits
    const timer = setTimeout(() => helper.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  run.helper = null;
}

function keyRangeFree(base: number, count: number): boolean {
  const text = readFileSync('/proc/sysvipc/shm', 'latin1');
  for (const line of text.split('\n').slice(1)) {
    const key = Number(line.trim().split(/\s+/)[0]) >>> 0;
    if (line.trim() && key >= base && key < base + count) return false;
  }
  return true;
}

async function startSet(o: Options): Promise<void> {
  const limits = scanLimits();
  if (limits.segments + o.sysv > Number(limits.shmmni)) {
    throw new Error(`shmmni is ${limits.shmmni} and ${limits.segments} segments exist: no room for ${o.sysv} more`);
  }
  run.dir = mkdtempSync(join(tmpdir(), 'shmscope-bench-'));
  const source = join(run.dir, 'helper.c');
  const binary = join(run.dir, 'helper');
  writeFileSync(source, HELPER_C);
  const cc = spawnSync('gcc', ['-O2', '-o', binary, source], { encoding: 'utf8' });
  if (cc.error || cc.status !== 0) throw new Error(`gcc failed (the benchmark needs a C compiler): ${cc.error?.message ?? cc.stderr}`);

  do run.keyBase = (0x5b000000 + randomBytes(2).readUInt16BE(0) * 0x100) >>> 0;
  while (!keyRangeFree(run.keyBase, o.sysv));
  run.count = o.sysv;
  run.prefix = `shmscope-bench-${process.pid}-${randomBytes(3).toString('hex')}-`;

  const helper = spawn(binary, [String(o.sysv), String(o.posix), String(o.procs), String(o.perProc), `0x${run.keyBase.toString(16)}`, run.prefix, String(o.memfd), String(o.anon)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  run.helper = helper;
  await new Promise<void>((resolve, reject) => {
    let out = '';
    let err = '';
    helper.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    helper.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) resolve();
    });
    helper.once('exit', (code) => reject(new Error(`bench helper exited with ${code}: ${err.trim()}`)));
  });
}

// ---- timing ---------------------------------------------------------------------------------------

interface Timing { name: string; medianMs: number; minMs: number; maxMs: number; runs: number; note: string; cpuMedianMs: number | null }
/** inProcess: also report its CPU time (all threads of this process; load on the machine barely moves it). */
interface Contender { name: string; note: string; fn: () => void; inProcess?: true }

/**
 * Runs the contenders round-robin (one run of each per round, after one warm-up round), so that
 * background load on the machine hits all of them alike; reports the median of each.
 */
async function timeAll(contenders: Contender[], runs: number): Promise<Timing[]> {
  for (const c of contenders) c.fn(); // warm-up (page cache, JIT, dentries)
  const samples = contenders.map(() => [] as number[]);
  const cpu = contenders.map(() => [] as number[]);
  for (let round = 0; round < runs; round++) {
    for (const [i, c] of contenders.entries()) {
      // Back to the event loop between runs, so a SIGINT handler can clean up at once.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      c.fn();
      samples[i]!.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const used = process.cpuUsage(cpu0);
      cpu[i]!.push((used.user + used.system) / 1000);
    }
  }
  const median = (values: number[]): number => {
    const sorted = values.sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  return contenders.map((c, i) => {
    const medianMs = median(samples[i]!);
    const sorted = samples[i]!;
    return { name: c.name, medianMs, minMs: sorted[0]!, maxMs: sorted[sorted.length - 1]!, runs, note: c.note, cpuMedianMs: c.inProcess ? median(cpu[i]!) : null };
  });
}

function command(file: string, args: string[]): () => void {
  return () => {
    const r = spawnSync(file, args, { stdio: 'ignore' });
    if (r.error || r.status !== 0) throw new Error(`${file} ${args.join(' ')} failed: ${r.error?.message ?? `status ${r.status}`}`);
  };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const log = (s: string) => { if (!o.json) console.log(s); };

  log(`creating ${o.sysv} SysV + ${o.posix} POSIX segments, ${o.memfd} memfds, ${o.anon} shared anonymous mappings (4 KiB each) and ${o.procs} processes mapping ${o.perProc} of each kind …`);
  await startSet(o);

  const probe = scanSegments();
  const helperPid = run.helper!.pid!;
  const ours = probe.segments.filter((r) => {
    switch (r.kind) {
      case 'sysv': return r.keyNumber >= run.keyBase && r.keyNumber < run.keyBase + run.count;
      case 'posix': return r.name.startsWith(run.prefix);
      case 'memfd': return r.name.startsWith(`${run.prefix}memfd-`);
      case 'shared-anon': return r.attachers.some((a) => a.pid === helperPid);
    }
  });
  const attachedRows = ours.filter((r) => r.attachers.length > 0).length;
  const attachEntries = ours.reduce((n, r) => n + r.attachers.length, 0);
  const set = {
    sysvSegments: ours.filter((r) => r.kind === 'sysv').length,
    posixSegments: ours.filter((r) => r.kind === 'posix').length,
    memfdObjects: ours.filter((r) => r.kind === 'memfd').length,
    sharedAnonObjects: ours.filter((r) => r.kind === 'shared-anon').length,
    memfdHolders: ours.reduce((n, r) => n + (r.kind === 'memfd' ? r.holders.length : 0), 0),
    helperProcesses: o.procs,
    attachedSegments: attachedRows,
    attacherEntries: attachEntries,
    totalSegmentsScanned: probe.segments.length,
    scannedProcesses: probe.scannedProcesses,
    unreadableProcesses: probe.unreadableProcesses,
  };
  log(`set: ${JSON.stringify(set)}`);

  const self = fileURLToPath(import.meta.url);
  // The command as installed (npm link / npm install -g .): bin/shmscope.js, with its compile cache.
  const bin = join(self, '..', '..', '..', 'bin', 'shmscope.js');
  const contenders: Contender[] = [
    { name: 'scanSegments() in-process', note: 'every kind of row, attachers, memfd holders', fn: () => { scanSegments(); }, inProcess: true },
    { name: 'node: scanSegments() + JSON', note: 'fresh node process, like `shmscope ls --json`', fn: command(process.execPath, [self, '--scan-once']) },
  ];
  const haveCli = existsSync(bin) && spawnSync(process.execPath, [bin, 'ls', '--json'], { stdio: 'ignore' }).status === 0;
  if (haveCli) {
    contenders.push(
      { name: 'shmscope ls --json', note: 'the real CLI, as installed (bin/shmscope.js)', fn: command(process.execPath, [bin, 'ls', '--json']) },
      { name: 'shmscope --version', note: 'the CLI\'s start-up without a scan', fn: command(process.execPath, [bin, '--version']) },
    );
  }
  contenders.push(
    { name: 'lsipc -m', note: 'SysV only, no attachers', fn: command('lsipc', ['-m']) },
    { name: 'ipcs -m', note: 'SysV only, no attachers', fn: command('ipcs', ['-m']) },
    { name: 'node -e 0', note: 'node start-up alone, for reference', fn: command(process.execPath, ['-e', '0']) },
    {
      name: 'node: start one worker', note: 'what the /proc walk\'s thread costs (maps-thread.ts)',
      fn: command(process.execPath, ['-e', "new (require('node:worker_threads').Worker)('0', { eval: true })"]),
    },
  );
  const results = await timeAll(contenders, o.runs);
  const lsipc = results.find((r) => r.name === 'lsipc -m')!.medianMs;
  const nodeAlone = results.find((r) => r.name === 'node -e 0')!.medianMs;
  const rows = results.map((r) => ({ ...r, ratioToLsipc: r.medianMs / lsipc, ratioToNode: r.medianMs / nodeAlone }));
  const cliRow = rows.find((r) => r.name === 'shmscope ls --json');
  const startup = cliRow === undefined ? null : { lsJsonMs: cliRow.medianMs, nodeMs: nodeAlone, lsipcMs: lsipc, ratioToNode: cliRow.ratioToNode, goal: '≤ 1.3 × node -e 0' };

  if (o.json) {
    console.log(JSON.stringify({ set, runs: o.runs, node: process.version, results: rows, goal: 'scanSegments() ≤ 2 × lsipc -m', startup }, null, 2));
  } else {
    const pad = (s: string, n: number) => s.padEnd(n);
    const num = (x: number) => x.toFixed(2).padStart(9);
    console.log(`\n${pad('', 30)} ${'median ms'.padStart(9)} ${'min'.padStart(9)} ${'max'.padStart(9)} ${'÷ lsipc'.padStart(8)} ${'÷ node'.padStart(7)} ${'cpu ms'.padStart(8)}`);
    for (const r of rows) {
      const cpu = r.cpuMedianMs === null ? '-'.padStart(8) : r.cpuMedianMs.toFixed(2).padStart(8);
      console.log(`${pad(r.name, 30)} ${num(r.medianMs)} ${num(r.minMs)} ${num(r.maxMs)} ${r.ratioToLsipc.toFixed(2).padStart(7)}× ${r.ratioToNode.toFixed(2).padStart(6)}× ${cpu}   ${r.note}`);
    }
    const full = rows[0]!;
    console.log(`\nfull scan with attachers / lsipc -m = ${full.ratioToLsipc.toFixed(2)}× (goal ≤ 2×: ${full.ratioToLsipc <= 2 ? 'met' : 'NOT met'}); median of ${o.runs} runs`);
    console.log(`full scan CPU time (every thread of this process): ${full.cpuMedianMs!.toFixed(2)} ms median (wall time follows the machine's load; CPU time barely does)`);
    if (startup !== null) {
      console.log(`CLI start-up: shmscope ls --json ${startup.lsJsonMs.toFixed(1)} ms, node -e 0 ${startup.nodeMs.toFixed(1)} ms, lsipc -m ${startup.lsipcMs.toFixed(1)} ms`
        + ` (whole processes): ${startup.ratioToNode.toFixed(2)}× node -e 0 (goal ≤ 1.3×: ${startup.ratioToNode <= 1.3 ? 'met' : 'NOT met'})`);
    }
  }
}

if (process.argv[2] === '--scan-once') {
  process.stdout.write(JSON.stringify({ segments: scanSegments().segments }));
} else {
  await runBench({ name: 'bench:scan', main, cleanupNow: sweep, cleanup: stopHelper });
}
