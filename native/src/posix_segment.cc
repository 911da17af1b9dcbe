#include "posix_segment.h"

namespace shmscope {
void InitPosix(Napi::Env, Napi::Object) {}
}  // namespace shmscope
