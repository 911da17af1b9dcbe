#pragma once
#include <napi.h>

namespace shmscope {
void InitChannel(Napi::Env env, Napi::Object exports);
}  // namespace shmscope
