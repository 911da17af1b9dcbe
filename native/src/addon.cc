// Module entry: each part of the addon registers its own functions and classes.
#include <napi.h>

#include "channel_binding.h"
#include "posix_segment.h"
#include "process_exit.h"
#include "sysv_segment.h"
#include "sysv_sem.h"

namespace shmscope {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  InitSysv(env, exports);
  InitSysvSem(env, exports);
  InitPosix(env, exports);
  InitChannel(env, exports);
  InitProcessExit(env, exports);
  return exports;
}

}  // namespace shmscope

// The registration macro pastes the function name into an identifier, so it needs an unqualified one.
static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return shmscope::Init(env, exports); }

NODE_API_MODULE(NODE_GYP_MODULE_NAME, InitAddon)
