// System V shared memory: ftok, shmget, shmctl (IPC_STAT / IPC_RMID) as functions,
// and SysvAttachment, a JS class owning one shmat() mapping.
#pragma once
#include <napi.h>

namespace shmscope {
// Registers ftok, sysvGet, sysvStat, sysvRemove and the SysvAttachment class.
void InitSysv(Napi::Env env, Napi::Object exports);
}  // namespace shmscope
