#include "sysv_segment.h"

namespace shmscope {
void InitSysv(Napi::Env, Napi::Object) {}
}  // namespace shmscope
