// 2,000 segments (SysV and POSIX) and 500 processes attaching them, then the listings:
// scanSegments(), `shmscope ls --json` and the service's listSegments must all work, find
// every segment and every attachment, and are timed. The attaching processes are forks
// of one small C program (a Node process each would need ~20 GB); they die with it
// (PR_SET_PDEATHSIG), and everything is removed in finally.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { native } from '../../main/native';
import { scanSegments } from '../../main/scan';
import type { ScanResult, SegmentRow } from '../../common/contract';
import { fail, newRow, type Row } from './report';
import { onCleanup, trackPosix, trackSysv, uniqueKey, uniquePosix } from './resources';
import { openService } from './service';

const ATTACHER_C = String.raw`
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <unistd.h>
/* attach_many PROCS PER_PROC nsysv shmid... nposix name...: PROCS children, child k
   attaches PER_PROC SysV segments from k*PER_PROC on and maps POSIX segment k; writes one
   byte when done, then sleeps until its parent dies. */
int main(int argc, char** argv) {
  int procs = atoi(argv[1]), per = atoi(argv[2]), nsysv = atoi(argv[3]);
  char** ids = argv + 4;
  int nposix = atoi(argv[4 + nsysv]);
  char** names = argv + 5 + nsysv;
  int fds[2];
  if (pipe(fds) != 0) return 1;
  for (int k = 0; k < procs; k++) {
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 1; }
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() == 1) _exit(0);
      for (int j = 0; j < per; j++) {
        if (shmat(atoi(ids[(k * per + j) % nsysv]), NULL, SHM_RDONLY) == (void*)-1) { perror("shmat"); _exit(1); }
      }
      if (nposix > 0) {
        char path[512];
        snprintf(path, sizeof path, "/dev/shm/%s", names[k % nposix]);
        int fd = open(path, O_RDONLY);
        if (fd < 0 || mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED) { perror(path); _exit(1); }
      }
      char c = 1;
      if (write(fds[1], &c, 1) != 1) _exit(1);
      for (;;) pause();
    }
  }
  for (int k = 0; k < procs; k++) { char c; if (read(fds[0], &c, 1) != 1) return 1; }
  printf("ready\n");
  fflush(stdout);
  char buf[64];
  while (read(0, buf, sizeof buf) > 0) {}
  return 0; /* children get SIGKILL from PR_SET_PDEATHSIG */
}
`;

function readNumber(path: string, fallback: number): number {
  try { return Number(readFileSync(path, 'utf8').trim().split(/\s+/)[0]); } catch { return fallback; }
}

export async function manySegments(segments: number, procs: number): Promise<Row> {
  const row = newRow(`${segments} segments, ${procs} attaching processes`);
  // Limits: SysV segments (shmmni) and processes (pid_max, RLIMIT_NPROC).
  const shmmni = readNumber('/proc/sys/kernel/shmmni', 4096);
  const inUse = readFileSync('/proc/sysvipc/shm', 'utf8').trim().split('\n').length - 1;
  const sysvCount = Math.min(Math.round(segments * 0.8), shmmni - inUse - 64);
  const posixCount = segments - sysvCount;
  // RLIMIT_NPROC soft limit ("unlimited" → Infinity); it counts all of this user's processes.
  const limitLine = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max processes')) ?? '';
  const nproc = Number(limitLine.split(/\s{2,}/)[1] ?? 'unlimited');
  const pidMax = readNumber('/proc/sys/kernel/pid_max', 32768);
  const procCount = Math.max(0, Math.min(procs, Number.isFinite(nproc) ? nproc - 200 : procs, pidMax - 1000));
  if (sysvCount < segments * 0.8 || procCount < procs) {
    row.notes = `limited by shmmni ${shmmni} (in use ${inUse}) / nproc ${nproc} / pid_max ${pidMax}; `;
  }
  const per = 4;
  const dir = mkdtempSync(join(tmpdir(), 'shmscope-faults-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const ids: number[] = [];
  const names: string[] = [];
  for (let i = 0; ids.length < sysvCount && i < sysvCount * 2; i++) {
    try { ids.push(trackSysv(native().sysvGet(uniqueKey(), { create: true, exclusive: true, mode: 0o600, size: 4096 }))); } catch { /* key taken: next */ }
  }
  for (let i = 0; i < posixCount; i++) {
    const name = trackPosix(uniquePosix('scale'));
    new (native().PosixSegment)(name, { create: true, exclusive: true, mode: 0o600, readOnly: false, size: 4096 }).close();
    names.push(name.slice(1));
  }
  writeFileSync(join(dir, 'attach_many.c'), ATTACHER_C);
  const cc = spawnSync('cc', ['-O1', '-o', join(dir, 'attach_many'), join(dir, 'attach_many.c')], { encoding: 'utf8' });
  if (cc.status !== 0) { fail(row, `cc failed: ${cc.stderr}`); return row; }
  const attacher = spawn(join(dir, 'attach_many'), [String(procCount), String(per), String(ids.length), ...ids.map(String), String(names.length), ...names], { stdio: ['pipe', 'pipe', 'pipe'] });
  onCleanup(() => attacher.kill('SIGKILL'));
  let err = '';
  attacher.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const ready = await new Promise<boolean>((resolve) => {
    attacher.stdout.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(true); });
    attacher.once('exit', () => resolve(false));
    setTimeout(() => resolve(false), 60_000);
  });
  if (!ready) { fail(row, `attachers did not start: ${err.slice(-300)}`); attacher.kill('SIGKILL'); return row; }
  try {
    const ours = new Set([...ids.map((id) => `sysv:${id}`), ...names.map((n) => `posix:/${n}`), ...names.map((n) => `posix:${n}`)]);
    const expectAttach = procCount * per + (names.length > 0 ? procCount : 0);
    const check = (what: string, list: SegmentRow[], ms: number): string => {
      const mine = list.filter((s) => ours.has(s.ref));
      const attached = mine.reduce((n, s) => n + s.attachers.length, 0);
      if (mine.length !== ids.length + names.length) fail(row, `${what}: found ${mine.length} of ${ids.length + names.length} segments`);
      if (attached !== expectAttach) fail(row, `${what}: ${attached} of ${expectAttach} attachments`);
      row.iterations++;
      return `${what} ${ms} ms`;
    };
    const timings: string[] = [];
    let t = Date.now();
    const scanned = scanSegments();
    timings.push(check('scanSegments', scanned.segments, Date.now() - t));
    t = Date.now();
    const cli = spawnSync(process.execPath, [cliPath(), 'ls', '--json'], { encoding: 'utf8', maxBuffer: 512 << 20, timeout: 120_000 });
    const cliMs = Date.now() - t;
    if (cli.status !== 0) fail(row, `shmscope ls --json exited ${cli.status}: ${cli.stderr.slice(-300)}`);
    else timings.push(check('ls --json', (JSON.parse(cli.stdout) as ScanResult).segments, cliMs));
    const svc = openService(60_000);
    try {
      t = Date.now();
      const listed = await svc.call<ScanResult>('listSegments');
      const ms = Date.now() - t;
      if (!listed.ok) fail(row, `listSegments: ${listed.error.message}`);
      else timings.push(check('listSegments', listed.result.segments, ms));
    } finally {
      await svc.close();
    }
    row.notes += `${ids.length} SysV + ${names.length} POSIX, ${procCount} procs, ${expectAttach} attachments; ${timings.join(', ')}`;
  } finally {
    attacher.kill('SIGKILL');
  }
  return row;
}

function cliPath(): string {
  // out/faults/main.js → bin/shmscope.js
  return fileURLToPath(new URL('../../bin/shmscope.js', import.meta.url));
}
