// Module entry: each part of the addon registers its own functions and classes.
#include <napi.h>

#include "channel_binding.h"
#include "posix_segment.h"
#include "sysv_segment.h"

namespace shmscope {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  InitSysv(env, exports);
  InitPosix(env, exports);
  InitChannel(env, exports);
  return exports;
}

}  // namespace shmscope

NODE_API_MODULE(NODE_GYP_MODULE_NAME, shmscope::Init)
