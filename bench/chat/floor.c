// The C floor of bench:chat: what two processes get from a shared segment with no
// runtime in between, measured in the same run as the JS contenders.
//   floor pingpong SIZE COUNT   one message in flight: copy in, futex wake, the peer copies
//                               it out and back, wakes us.  Prints {"p50":µs,"p99":µs,"n":N}
//   floor throughput SIZE COUNT a single-producer ring of 16 MiB; the consumer copies every
//                               message out, timed from the producer's first message to
//                               the consumer's last.      Prints {"mbPerSec":x,"msgPerSec":y}
// Both sides sleep on a futex only when there is nothing to do and wake the peer only when
// it sleeps (like the channel). The segment is IPC_PRIVATE and marked for removal at once,
// so it vanishes with the two processes whatever happens.
#define _GNU_SOURCE
#include <linux/futex.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RING (16u << 20)
#define MAXMSG 65536u

struct Shared {
  _Alignas(128) _Atomic uint32_t head;  // messages produced (throughput) / turn (ping-pong)
  _Alignas(128) _Atomic uint32_t tail;  // messages consumed
  _Alignas(128) _Atomic uint32_t headSleeper, tailSleeper;
  _Atomic uint32_t ready;  // throughput: the consumer runs (so fork's start-up is not timed)
  double start;  // throughput: the producer's clock at its first message
  _Alignas(128) unsigned char buf[RING];
};

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

// spin: checks of the word before each sleep. The ping-pong sleeps at once (a futex
// ping-pong); the throughput ring spins a little first, so a consumer that caught up does
// not cost the producer a FUTEX_WAKE per message.
static void wait_while(_Atomic uint32_t* word, uint32_t value, _Atomic uint32_t* sleeper, int spin) {
  for (int i = 0; i < spin; i++) {
    if (atomic_load_explicit(word, memory_order_acquire) != value) return;
    __builtin_ia32_pause();
  }
  while (atomic_load(word) == value) {
    atomic_fetch_add(sleeper, 1);  // a count: in ping-pong both sides sleep on one word
    if (atomic_load(word) == value) syscall(SYS_futex, word, FUTEX_WAIT, value, NULL, NULL, 0);
    atomic_fetch_sub(sleeper, 1);
  }
}

static void publish(_Atomic uint32_t* word, uint32_t value, _Atomic uint32_t* sleeper) {
  atomic_store(word, value);
  if (atomic_load(sleeper)) syscall(SYS_futex, word, FUTEX_WAKE, 2, NULL, NULL, 0);
}

static int cmp(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

static void pingpong(struct Shared* s, uint32_t size, uint32_t count, int child) {
  static unsigned char local[MAXMSG];
  memset(local, 'x', size);
  if (child) {
    for (uint32_t i = 0; i < count; i++) {
      wait_while(&s->head, 2 * i, &s->headSleeper, 0);  // until the turn is 2i+1
      memcpy(local, s->buf, size);
      memcpy(s->buf, local, size);
      publish(&s->head, 2 * i + 2, &s->headSleeper);
    }
    return;
  }
  double* rt = malloc(sizeof(double) * count);
  for (uint32_t i = 0; i < count; i++) {
    const double t0 = now_us();
    memcpy(s->buf, local, size);
    publish(&s->head, 2 * i + 1, &s->headSleeper);
    wait_while(&s->head, 2 * i + 1, &s->headSleeper, 0);
    memcpy(local, s->buf, size);
    rt[i] = now_us() - t0;
  }
  const uint32_t warm = count / 10, n = count - warm;
  qsort(rt + warm, n, sizeof(double), cmp);
  printf("{\"p50\":%.3f,\"p99\":%.3f,\"n\":%u}\n", rt[warm + (n - 1) / 2], rt[warm + (uint32_t)(0.99 * (n - 1))], n);
  free(rt);
}

static void throughput(struct Shared* s, uint32_t size, uint32_t count, int child) {
  static unsigned char local[MAXMSG];
  memset(local, 'x', size);
  const uint32_t cap = RING / size;
  // Each side re-reads the other's counter only when the cached copy says wait.
  if (child) {  // producer
    uint32_t tail = 0;
    while (!atomic_load(&s->ready)) sched_yield();
    s->start = now_us();  // published to the consumer by the first head store
    for (uint32_t i = 0; i < count; i++) {
      while (i - tail >= cap) {
        if (i - (tail = atomic_load(&s->tail)) >= cap) wait_while(&s->tail, tail, &s->tailSleeper, 4000);
      }
      memcpy(s->buf + (size_t)(i % cap) * size, local, size);
      publish(&s->head, i + 1, &s->headSleeper);
    }
    return;
  }
  uint32_t head = 0;
  atomic_store(&s->ready, 1);
  for (uint32_t i = 0; i < count; i++) {
    while (head == i) {
      if ((head = atomic_load(&s->head)) == i) wait_while(&s->head, i, &s->headSleeper, 4000);
    }
    memcpy(local, s->buf + (size_t)(i % cap) * size, size);
    if (head == i + 1 || (i & 255) == 255) publish(&s->tail, i + 1, &s->tailSleeper);
  }
  // Like the JS contenders: from the writer's first send to the reader's last receipt.
  const double secs = (now_us() - s->start) / 1e6;
  printf("{\"mbPerSec\":%.3f,\"msgPerSec\":%.1f}\n", (double)count * size / 1e6 / secs, count / secs);
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: floor pingpong|throughput SIZE COUNT\n");
    return 2;
  }
  const uint32_t size = (uint32_t)strtoul(argv[2], NULL, 10), count = (uint32_t)strtoul(argv[3], NULL, 10);
  if (size == 0 || size > MAXMSG || count < 10) {
    fprintf(stderr, "floor: SIZE 1..65536, COUNT >= 10\n");
    return 2;
  }
  const int id = shmget(IPC_PRIVATE, sizeof(struct Shared), IPC_CREAT | 0600);
  if (id < 0) { perror("floor: shmget"); return 1; }
  struct Shared* s = shmat(id, NULL, 0);
  shmctl(id, IPC_RMID, NULL);  // gone once both processes detach or die
  if (s == (void*)-1) { perror("floor: shmat"); return 1; }
  memset(s->buf, 0, RING);  // fault the pages in before timing
  const int pingpongMode = strcmp(argv[1], "pingpong") == 0;
  if (!pingpongMode && strcmp(argv[1], "throughput") != 0) { fprintf(stderr, "floor: unknown mode %s\n", argv[1]); return 2; }
  fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) { perror("floor: fork"); return 1; }
  const int child = pid == 0;
  if (pingpongMode) pingpong(s, size, count, child);
  else throughput(s, size, count, child);
  if (child) _exit(0);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
