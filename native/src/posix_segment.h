#pragma once
#include <napi.h>

namespace shmscope {
void InitPosix(Napi::Env env, Napi::Object exports);
}  // namespace shmscope
