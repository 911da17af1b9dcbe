// The standard typedef names a header for shared memory uses without declaring them (they come
// from <stdint.h>, <stddef.h>, <stdbool.h>, <sys/types.h>), as glibc defines them on x86-64.
import { integer } from './engine';
import type { CType } from './types';

export const BUILTIN_TYPEDEFS: ReadonlyMap<string, CType> = new Map<string, CType>([
  ['int8_t', integer('int8_t', 1, true)], ['uint8_t', integer('uint8_t', 1, false)],
  ['int16_t', integer('int16_t', 2, true)], ['uint16_t', integer('uint16_t', 2, false)],
  ['int32_t', integer('int32_t', 4, true)], ['uint32_t', integer('uint32_t', 4, false)],
  ['int64_t', integer('int64_t', 8, true)], ['uint64_t', integer('uint64_t', 8, false)],
  ['intptr_t', integer('intptr_t', 8, true)], ['uintptr_t', integer('uintptr_t', 8, false)],
  ['intmax_t', integer('intmax_t', 8, true)], ['uintmax_t', integer('uintmax_t', 8, false)],
  ['size_t', integer('size_t', 8, false)], ['ssize_t', integer('ssize_t', 8, true)],
  ['ptrdiff_t', integer('ptrdiff_t', 8, true)], ['off_t', integer('off_t', 8, true)],
  ['time_t', integer('time_t', 8, true)], ['pid_t', integer('pid_t', 4, true)],
  ['uid_t', integer('uid_t', 4, false)], ['gid_t', integer('gid_t', 4, false)],
  ['key_t', integer('key_t', 4, true)], ['wchar_t', integer('wchar_t', 4, true)],
  ['bool', integer('bool', 1, false, { bool: true })],
]);

/**
 * The synchronisation types that shared structs hold, as glibc lays them out on x86-64 (same
 * sizes and alignment as <semaphore.h> and <pthread.h>), with the members that tell a debugging
 * user something: a semaphore's value and waiters, a mutex's lock word and owner thread.
 */
export const BUILTIN_SOURCE = `
typedef struct { unsigned int value; unsigned int nwaiters; int private; int pad; unsigned char reserved[16]; } __attribute__((aligned(8))) sem_t;
typedef struct { int lock; unsigned int count; int owner; unsigned int nusers; int kind; short spins; short elision; void *prev; void *next; } pthread_mutex_t;
typedef struct { unsigned long long wseq; unsigned long long g1_start; unsigned int g_refs[2]; unsigned int g_size[2]; unsigned int g1_orig_size; unsigned int wrefs; unsigned int g_signals[2]; } pthread_cond_t;
typedef struct { unsigned int readers; unsigned int writers; unsigned int wrphase_futex; unsigned int writers_futex; unsigned int pad3; unsigned int pad4; int cur_writer; int shared; signed char rwelision; unsigned char pad1[7]; unsigned long pad2; unsigned int flags; } pthread_rwlock_t;
typedef struct { unsigned char bytes[32]; } __attribute__((aligned(8))) pthread_barrier_t;
typedef struct { int lock; } pthread_spinlock_t;
`;

/** The C keywords that name (part of) a type. */
export const TYPE_KEYWORDS = new Set(['void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', '__signed__', 'unsigned', '_Bool', '__int128']);

/** Words in a declaration that do not change layout. */
export const IGNORED_WORDS = new Set(['const', 'volatile', 'restrict', '__restrict', '__restrict__', '__const', '__volatile__',
  'extern', 'static', 'inline', '__inline', '__inline__', 'register', 'auto', '_Thread_local', '__thread', '__extension__', '_Noreturn']);

/** The integer type named by a combination of keywords ("unsigned long int"), or undefined. */
export function integerFromKeywords(words: readonly string[]): CType | 'void' | undefined {
  const count = (word: string) => words.filter((w) => w === word).length;
  const longs = count('long');
  const unsigned = count('unsigned') > 0;
  const signedWord = count('signed') + count('__signed__') > 0;
  if (unsigned && signedWord) return undefined;
  const others = words.filter((w) => !['long', 'unsigned', 'signed', '__signed__', 'int'].includes(w));
  if (count('int') > 1 || longs > 2) return undefined;
  if (others.length > 1) return undefined;
  const other = others[0];
  if (other === 'void') return words.length === 1 ? 'void' : undefined;
  if (other === '_Bool') return words.length === 1 ? integer('_Bool', 1, false, { bool: true }) : undefined;
  if (other === 'float') return words.length === 1 ? { kind: 'float', name: 'float', size: 4, align: 4 } : undefined;
  if (other === 'double') return words.length === 1 ? { kind: 'float', name: 'double', size: 8, align: 8 } : undefined;
  if (other === 'char') {
    if (longs > 0 || count('int') > 0) return undefined;
    return integer(unsigned ? 'unsigned char' : signedWord ? 'signed char' : 'char', 1, !unsigned, { char: true });
  }
  if (other === 'short') {
    if (longs > 0) return undefined;
    return integer(unsigned ? 'unsigned short' : 'short', 2, !unsigned);
  }
  if (other === '__int128') {
    if (longs > 0 || count('int') > 0) return undefined;
    return integer(unsigned ? 'unsigned __int128' : '__int128', 16, !unsigned);
  }
  if (other !== undefined) return undefined;
  if (longs === 2) return integer(unsigned ? 'unsigned long long' : 'long long', 8, !unsigned);
  if (longs === 1) return integer(unsigned ? 'unsigned long' : 'long', 8, !unsigned);
  return integer(unsigned ? 'unsigned int' : 'int', 4, !unsigned);
}
