#pragma once
#include <napi.h>

namespace shmscope {
void InitBoundedRead(Napi::Env env, Napi::Object exports);
}
