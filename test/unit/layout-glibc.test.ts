// sem_t and the pthread types need no header: shmscope knows glibc's x86-64 layout of them
// (common/layout/builtins.ts). gcc with the real <semaphore.h> and <pthread.h> must agree on
// sizes, alignment and the members shmscope names.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { findType, parseDeclarations, type RecordType } from '../../common/layout';

// [type, shmscope member, glibc member] pairs whose offsets must match.
const MEMBERS: [string, string, string][] = [
  ['pthread_mutex_t', 'lock', '__data.__lock'], ['pthread_mutex_t', 'owner', '__data.__owner'], ['pthread_mutex_t', 'kind', '__data.__kind'],
  ['pthread_mutex_t', 'next', '__data.__list.__next'], ['pthread_cond_t', 'g_signals', '__data.__g_signals'], ['pthread_cond_t', 'wrefs', '__data.__wrefs'],
  ['pthread_rwlock_t', 'cur_writer', '__data.__cur_writer'], ['pthread_rwlock_t', 'flags', '__data.__flags'], ['pthread_rwlock_t', 'shared', '__data.__shared'],
];
const TYPES = ['sem_t', 'pthread_mutex_t', 'pthread_cond_t', 'pthread_rwlock_t', 'pthread_barrier_t', 'pthread_spinlock_t'];

it('lays out sem_t and the pthread types as glibc does', () => {
  const source = `struct sync { char c; ${TYPES.map((t, i) => `${t} m${i};`).join(' ')} };`;
  const declarations = parseDeclarations(`#include <semaphore.h>\n#include <pthread.h>\n${source}`, 'sync.h');
  const sync = findType(declarations, 'sync')!.type as RecordType;
  const expected = [
    ...sync.members.map((m) => `${m.name} ${m.offset} ${m.type.size} ${m.type.align}`),
    ...MEMBERS.map(([type, member]) => {
      const holder = sync.members.find((m) => m.type.name === type)!.type as RecordType;
      return `${type}.${member} ${holder.members.find((m) => m.name === member)!.offset}`;
    }),
  ];
  const dir = mkdtempSync(join(tmpdir(), 'shmscope-glibc-'));
  try {
    const program = `#include <semaphore.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
${source}
int main(void) {
${sync.members.map((m) => `  printf("${m.name} %zu %zu %zu\\n", offsetof(struct sync, ${m.name}), sizeof(((struct sync *)0)->${m.name}), _Alignof(__typeof__(((struct sync *)0)->${m.name})));`).join('\n')}
${MEMBERS.map(([type, member, real]) => `  printf("${type}.${member} %zu\\n", offsetof(${type}, ${real}));`).join('\n')}
  return 0;
}
`;
    writeFileSync(join(dir, 'sync.c'), program);
    const cc = spawnSync('gcc', ['-o', join(dir, 'sync'), join(dir, 'sync.c')], { encoding: 'utf8' });
    expect(cc.stderr).toBe('');
    const run = spawnSync(join(dir, 'sync'), { encoding: 'utf8' });
    expect(run.stdout.trim().split('\n')).toEqual(expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
