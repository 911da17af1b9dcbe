// System V semaphore sets: a read-only look at one set (semctl IPC_STAT, GETALL, GETNCNT,
// GETZCNT, GETPID). Nothing here ever changes a semaphore (no semop, no SETVAL).
#pragma once
#include <napi.h>

namespace shmscope {
// Registers sysvSemRead.
void InitSysvSem(Napi::Env env, Napi::Object exports);
}  // namespace shmscope
