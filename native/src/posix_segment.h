// POSIX shared memory objects: PosixSegment, a JS class owning one shm_open()
// descriptor and its MAP_SHARED mapping, and posixUnlink().
#pragma once
#include <napi.h>

namespace shmscope {
// Registers the PosixSegment class and posixUnlink.
void InitPosix(Napi::Env env, Napi::Object exports);
}  // namespace shmscope
