// `shmscope ls` with lsipc's habits, every column from the one table in common/columns.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { COLUMNS, shortTime } from '../../common/columns';
import { spawnAttacher, spawnHolder, type Holder } from '../helpers/children';
import { native } from '../../main/native';
import { SegmentJanitor } from '../helpers/cleanup';
import { shmscope } from '../helpers/cli';
import { uniqueSysvKey } from '../helpers/unique';

const janitor = new SegmentJanitor();
const holders: Holder[] = [];
afterEach(async () => {
  await Promise.all(holders.splice(0).map((h) => h.stop()));
  janitor.cleanup();
});

function ok(args: string[]): string {
  const result = shmscope(args);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

interface Row { ref: string; id: number | null; key: string | null; ctime: number; size: number }
const rows = () => (JSON.parse(ok(['ls', '--json'])) as { segments: Row[] }).segments;

/** A python3 process that creates a SysV segment at `key` (mode 0640) and stays until stopped. */
async function creator(key: number): Promise<Holder> {
  const script = [
    'import ctypes, sys',
    'libc = ctypes.CDLL(None, use_errno=True)',
    'libc.shmget.argtypes = [ctypes.c_int, ctypes.c_size_t, ctypes.c_int]',
    `i = libc.shmget(${key}, 3000, 0o1000 | 0o2000 | 0o640)`,
    "print('ok' if i >= 0 else 'error', i, flush=True)",
    'sys.stdin.read()',
  ].join('\n');
  const holder = await spawnHolder('python3', ['-c', script], 'ok');
  holders.push(holder);
  return holder;
}

describe('shmscope ls, as lsipc -m', () => {
  it('prints CTIME, the creator COMMAND, symbolic PERMS and ro/rw of each attacher', async () => {
    const key = uniqueSysvKey();
    const python = await creator(key);
    // Registered for removal before anything below can fail, so a failing run leaves nothing behind.
    janitor.sysv(native().sysvGet(key, { create: false, exclusive: false, mode: 0, size: 0 }));
    const keyText = `0x${key.toString(16).padStart(8, '0')}`;
    const row = rows().find((r) => r.key === keyText)!;
    const reader = await spawnAttacher('sysv', row.id!, 'ro');
    holders.push(reader);
    const line = ok(['ls', '-o', 'ID,PERMS,CTIME,COMMAND,ATTACHED']).split('\n').find((l) => l.startsWith(`${row.id} `) || l.includes(` ${row.id} `))!;
    expect(line.trim().split(/\s+/), line).toEqual([String(row.id), 'rw-r-----', shortTime(row.ctime), 'python3', expect.stringMatching(new RegExp(`^\\S+\\[${reader.pid}\\]\\(ro\\)$`))]);  // node's comm varies (node, MainThread)
    expect(python.pid).toBeGreaterThan(0);
  });

  it('takes -o (with +COLS), --noheadings, --raw and -b', () => {
    const ref = janitor.ref(ok(['create', 'sysv', '--private', '--size', '1536']));
    const id = ref.slice('sysv:'.length);
    const table = ok(['ls', '-o', 'ID,SIZE']);
    expect(table.split('\n')[0]).toMatch(/^\s*ID\s+SIZE$/);
    expect(table).toMatch(new RegExp(`^\\s*${id}\\s+1\\.5K$`, 'm'));
    const bytes = ok(['ls', '--output', 'id,size', '--bytes', '--noheadings']);
    expect(bytes).not.toMatch(/ID/);
    expect(bytes).toMatch(new RegExp(`^\\s*${id}\\s+1536$`, 'm'));
    const raw = ok(['ls', '-o', 'ID,SIZE,ATTACHED', '--raw', '-n', '-b']);
    expect(raw.split('\n')).toContain(`${id} 1536 `);
    const extended = ok(['ls', '-o', '+REF']).split('\n')[0]!;
    expect(extended).toMatch(/^KIND\s+KEY\s+ID\s+NAME\s+SIZE\s+PERMS\s+OWNER\s+NATTCH\s+STATUS\s+CTIME\s+CPID\s+LPID\s+COMMAND\s+ATTACHED\s+REF$/);
  });

  it('--list-columns lists every column of the table with its description, and -o refuses others', () => {
    const listed = ok(['ls', '--list-columns']).trimEnd().split('\n');
    expect(listed).toHaveLength(COLUMNS.length);
    for (const [i, column] of COLUMNS.entries()) expect(listed[i]!.trim()).toBe(`${column.id}  ${column.description}`);
    const bad = shmscope(['ls', '-o', 'KEY,NOPE']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--output: unknown column "NOPE" \(see --list-columns\)/);
  });

  it('shmscope --version prints the package version', async () => {
    const { version } = await import('../../package.json');
    expect(ok(['--version'])).toBe(`shmscope ${version}\n`);
  });
});
