#include "channel_binding.h"

namespace shmscope {
void InitChannel(Napi::Env, Napi::Object) {}
}  // namespace shmscope
