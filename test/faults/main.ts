// The fault campaign (issue 5 §3): `npm run faults` (full) or `npm run faults -- --short`
// (CI); `--only=kill,...` picks scenarios, `--concurrent=N` adds a kill row with N writers
// killed at once per round. Prints one row per scenario — iterations, failures, max stall, crashes — and
// exits 1 on any failure, including a test segment left behind afterwards (§6).
// Children are this same bundle run with `--role NAME JSON` (roles.ts).
import { hostileBytes } from './hostile';
import { killWriters } from './kill';
import { removeUnderReaders } from './remove';
import { fail, newRow, printTable, type Row } from './report';
import { cleanupAll, cleanupOnSignals, everCreated } from './resources';
import { runRole } from './roles';
import { manySegments } from './scale';
import { truncatePosix } from './truncate';
import { existsSync, readFileSync } from 'node:fs';

const roleAt = process.argv.indexOf('--role');
if (roleAt >= 0) {
  runRole(process.argv[roleAt + 1]!, process.argv[roleAt + 2]!);
} else {
  await main();
}

async function main(): Promise<void> {
  const short = process.argv.includes('--short');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
  // --concurrent=N: the kill scenario also runs with N writers killed at once per round.
  const concurrent = Number(process.argv.find((a) => a.startsWith('--concurrent='))?.slice(13) ?? 1);
  if (!Number.isInteger(concurrent) || concurrent < 1) throw new Error('--concurrent=N needs a whole number >= 1');
  const n = short
    ? { kills: 100, truncates: 12, removes: 12, hostile: 6 }
    : { kills: 1000, truncates: 60, removes: 60, hostile: 30 };
  cleanupOnSignals();
  const started = Date.now();
  const rows: Row[] = [];
  const scenarios: Array<[string, () => Promise<Row>]> = [
    ['kill', () => killWriters(n.kills)],
    ...(concurrent > 1 ? [['kill', () => killWriters(n.kills, concurrent)] as [string, () => Promise<Row>]] : []),
    ['truncate', () => truncatePosix(n.truncates)],
    ['remove', () => removeUnderReaders(n.removes)],
    ['hostile', () => hostileBytes(n.hostile)],
    ['scale', () => manySegments(2000, 500)],
  ];
  try {
    for (const [name, run] of scenarios) {
      if (only && !only.includes(name)) continue;
      process.stderr.write(`faults: ${name}...\n`);
      try {
        rows.push(await run());
      } catch (error) {
        const row = newRow(name);
        fail(row, `scenario threw: ${(error as Error).stack ?? String(error)}`);
        rows.push(row);
      }
      cleanupAll();
    }
  } finally {
    cleanupAll();
  }
  // §6: nothing the campaign made may remain.
  const leaks = newRow('no segments left behind');
  leaks.iterations = 1;
  await new Promise((r) => setTimeout(r, 500));
  // Only what this campaign made: other test runs may share the machine.
  const live = new Set(readFileSync('/proc/sysvipc/shm', 'utf8').trim().split('\n').slice(1).map((l) => Number(l.trim().split(/\s+/)[1])));
  for (const id of everCreated.sysv) if (live.has(id)) fail(leaks, `left behind: sysv:${id}`);
  for (const name of everCreated.posix) if (existsSync(`/dev/shm/${name}`)) fail(leaks, `left behind: posix:/${name}`);
  leaks.notes = `${everCreated.sysv.size} SysV + ${everCreated.posix.size} POSIX made; /proc/sysvipc/shm and /dev/shm checked after cleanup`;
  rows.push(leaks);
  console.log(`\nfault campaign (${short ? 'short' : 'full'}), ${Math.round((Date.now() - started) / 1000)} s:\n`);
  printTable(rows);
  const failed = rows.some((r) => r.failures > 0 || r.crashes > 0);
  process.exitCode = failed ? 1 : 0;
  // Native channels may keep handles alive briefly; the table is printed, so leave now.
  setTimeout(() => process.exit(process.exitCode), 200).unref();
}
