// Module entry: each part of the addon registers its own functions and classes.
#include <napi.h>

#include <climits>

#include "bounded_read.h"
#include "channel_binding.h"
#include "channel_format.h"
#include "posix_segment.h"
#include "process_exit.h"
#include "sysv_segment.h"
#include "sysv_sem.h"

namespace shmscope {

// The name and nick limits the C++ enforces, in bytes, for JavaScript to read rather than copy
// (common/limits.ts holds the same numbers for code that cannot load the addon; a unit test
// asserts they agree).
void InitLimits(Napi::Env env, Napi::Object exports) {
  Napi::Object limits = Napi::Object::New(env);
  limits.Set("roomNameBytes", static_cast<double>(chan::kMaxNameLength));
  limits.Set("nickBytes", static_cast<double>(chan::kMaxNick));
  limits.Set("posixNameBytes", static_cast<double>(NAME_MAX));
  exports.Set("LIMITS", limits);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  InitLimits(env, exports);
  InitSysv(env, exports);
  InitSysvSem(env, exports);
  InitPosix(env, exports);
  InitChannel(env, exports);
  InitProcessExit(env, exports);
  InitBoundedRead(env, exports);
  return exports;
}

}  // namespace shmscope

// The registration macro pastes the function name into an identifier, so it needs an unqualified one.
static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return shmscope::Init(env, exports); }

NODE_API_MODULE(NODE_GYP_MODULE_NAME, InitAddon)
