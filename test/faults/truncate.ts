// Truncate a POSIX segment (from another process, as anyone who can open it may) under
// a reading process and under an open hex view (the service's watchRange/readRange).
// Reads go through pread, so the expected outcome is an error or a shorter view: never
// SIGBUS, never a hang.
import { spawnSync } from 'node:child_process';
import { native } from '../../main/native';
import { crashedBy, sleep, spawnRole } from './procs';
import { fail, newRow, stall, type Row } from './report';
import { trackPosix, uniquePosix } from './resources';
import { openService } from './service';

const SIZE = 65536;

export async function truncatePosix(iterations: number): Promise<Row> {
  const row = newRow('truncate POSIX under reader + hex view');
  const svc = openService(50);
  const codes = new Set<string>();
  try {
    for (let i = 0; i < iterations; i++) {
      const name = trackPosix(uniquePosix('trunc'));
      new (native().PosixSegment)(name, { create: true, exclusive: true, mode: 0o600, readOnly: false, size: SIZE }).close();
      const ref = `posix:${name}`;
      const reader = spawnRole('posixReader', { name, ms: 400 });
      await reader.waitLine((l) => l === 'ready');
      const watch = await svc.call<{ watchId: string }>('watchRange', ref, 0, 4096);
      if (!watch.ok) { fail(row, `watchRange: ${watch.error.message}`); await reader.kill(); continue; }
      await sleep(50);
      const newSize = [0, 100, 4095][i % 3]!;
      const t0 = Date.now();
      spawnSync('truncate', ['-s', String(newSize), `/dev/shm/${name.slice(1)}`]);
      // The hex view must tell: an error, or the bytes it shows change (a shorter segment).
      const seen = await waitFor(() => svc.bytes.find((b) => b.watchId === watch.result.watchId), 2000);
      if (seen === undefined) fail(row, `truncate to ${newSize}: the watch reported nothing within 2 s`);
      else {
        stall(row, Date.now() - t0);
        if (seen.error) codes.add(seen.error.code ?? 'error');
        else if (seen.size >= SIZE && seen.data.length >= 4096) fail(row, `truncate to ${newSize}: the watch still shows ${seen.size} bytes`);
      }
      const read = await svc.call<{ data: Uint8Array }>('readRange', ref, 0, 4096);
      if (!read.ok) codes.add(read.error.code);
      else if (read.result.data.length > newSize) fail(row, `readRange after truncate to ${newSize} returned ${read.result.data.length} bytes`);
      const result = await reader.exited;
      const stats = reader.lines.map((l) => { try { return JSON.parse(l) as { codes: string[] }; } catch { return null; } }).find((s) => s && 'codes' in s);
      if (crashedBy(result) || result.code !== 0) { row.crashes++; fail(row, `reader exited ${result.signal ?? result.code}: ${reader.stderr().slice(-300)}`); }
      for (const c of stats?.codes ?? []) codes.add(c);
      if (svc.bytes.every((b) => b.watchId !== watch.result.watchId || !b.error)) await svc.call('unwatch', watch.result.watchId);
      svc.bytes.length = 0;
      row.iterations++;
    }
  } finally {
    await svc.close();
  }
  row.notes = `errors reported: ${[...codes].sort().join(', ') || 'none'}; max = truncate → hex view told`;
  return row;
}

export async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined || Date.now() >= until) return v;
    await sleep(10);
  }
}
