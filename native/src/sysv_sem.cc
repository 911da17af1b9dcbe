#include "sysv_sem.h"

#include <sys/ipc.h>
#include <sys/sem.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <string>
#include <vector>

#include "bounds.h"
#include "os_error.h"

namespace shmscope {
namespace {

// semctl(2): the caller defines the fourth argument's union.
union SemArg {
  int val;
  struct semid_ds* buf;
  unsigned short* array;
};

std::string SemidSubject(int semid) { return "sem:" + std::to_string(semid); }

// Upper bound on GETALL's buffer we are willing to allocate (elements).
constexpr long kMaxGetAll = 1L << 20;

// SEMMSL, the most semaphores a set may hold (first field of /proc/sys/kernel/sem); -1 if unknown.
long Semmsl() {
  FILE* file = fopen("/proc/sys/kernel/sem", "re");
  if (file == nullptr) return -1;
  long semmsl = -1;
  if (fscanf(file, "%ld", &semmsl) != 1) semmsl = -1;
  fclose(file);
  return semmsl;
}

// The values of every semaphore. GETALL writes as many values as the set holds *when it runs*:
// if the id was removed and reused by a bigger set since IPC_STAT, a buffer of the old nsems
// would overflow. So the buffer holds SEMMSL values (no set can be bigger); when SEMMSL is
// unknown or huge, each value is read alone with GETVAL, which can never overrun.
std::vector<unsigned short> Values(Napi::Env env, int semid, unsigned long nsems) {
  const long semmsl = Semmsl();
  std::vector<unsigned short> values;
  if (semmsl >= 0 && semmsl <= kMaxGetAll && static_cast<unsigned long>(semmsl) >= nsems) {
    values.assign(static_cast<size_t>(semmsl) + 1, 0);
    SemArg arg{};
    arg.array = values.data();
    if (semctl(semid, 0, GETALL, arg) != 0) ThrowOsError(env, errno, SemidSubject(semid), "semctl(GETALL)");
    values.resize(nsems);
    return values;
  }
  values.reserve(nsems);
  for (unsigned long i = 0; i < nsems; i++) {
    const int value = semctl(semid, static_cast<int>(i), GETVAL);
    if (value < 0) ThrowOsError(env, errno, SemidSubject(semid), "semctl(GETVAL)");
    values.push_back(static_cast<unsigned short>(value));
  }
  return values;
}

// One per-semaphore figure (GETNCNT, GETZCNT, GETPID) of every semaphore.
Napi::Array PerSemaphore(Napi::Env env, int semid, unsigned long nsems, int command, const char* name) {
  Napi::Array result = Napi::Array::New(env, nsems);
  for (unsigned long i = 0; i < nsems; i++) {
    const int value = semctl(semid, static_cast<int>(i), command);
    if (value < 0) ThrowOsError(env, errno, SemidSubject(semid), std::string("semctl(") + name + ")");
    result.Set(static_cast<uint32_t>(i), static_cast<double>(value));
  }
  return result;
}

// sysvSemRead(semid) -> { semid, key, mode, uid, gid, cuid, cgid, otime, ctime, nsems,
//                         values, ncnt, zcnt, pids }
// Needs read permission on the set (EACCES otherwise); EINVAL/EIDRM when it is gone.
Napi::Value SysvSemRead(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int semid = static_cast<int>(ToIndex(env, info[0], "sem", "semid", INT_MAX));
  struct semid_ds ds {};
  SemArg arg{};
  arg.buf = &ds;
  if (semctl(semid, 0, IPC_STAT, arg) != 0) ThrowOsError(env, errno, SemidSubject(semid), "semctl(IPC_STAT)");
  const unsigned long nsems = ds.sem_nsems;
  std::vector<unsigned short> values = Values(env, semid, nsems);

  Napi::Object result = Napi::Object::New(env);
  result.Set("semid", semid);
  result.Set("key", static_cast<uint32_t>(ds.sem_perm.__key));
  result.Set("mode", ds.sem_perm.mode & 0777);
  result.Set("uid", static_cast<double>(ds.sem_perm.uid));
  result.Set("gid", static_cast<double>(ds.sem_perm.gid));
  result.Set("cuid", static_cast<double>(ds.sem_perm.cuid));
  result.Set("cgid", static_cast<double>(ds.sem_perm.cgid));
  result.Set("otime", static_cast<double>(ds.sem_otime));
  result.Set("ctime", static_cast<double>(ds.sem_ctime));
  result.Set("nsems", static_cast<double>(nsems));
  Napi::Array valueArray = Napi::Array::New(env, nsems);
  for (unsigned long i = 0; i < nsems; i++) valueArray.Set(static_cast<uint32_t>(i), values[i]);
  result.Set("values", valueArray);
  result.Set("ncnt", PerSemaphore(env, semid, nsems, GETNCNT, "GETNCNT"));
  result.Set("zcnt", PerSemaphore(env, semid, nsems, GETZCNT, "GETZCNT"));
  result.Set("pids", PerSemaphore(env, semid, nsems, GETPID, "GETPID"));
  return result;
}

}  // namespace

void InitSysvSem(Napi::Env env, Napi::Object exports) {
  exports.Set("sysvSemRead", Napi::Function::New<SysvSemRead>(env, "sysvSemRead"));
}

}  // namespace shmscope
