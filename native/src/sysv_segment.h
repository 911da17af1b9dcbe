#pragma once
#include <napi.h>

namespace shmscope {
void InitSysv(Napi::Env env, Napi::Object exports);
}  // namespace shmscope
