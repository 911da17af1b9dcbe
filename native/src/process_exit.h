#pragma once
#include <napi.h>

namespace shmscope {
void InitProcessExit(Napi::Env env, Napi::Object exports);
}
