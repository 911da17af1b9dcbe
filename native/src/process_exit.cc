// exitNow(status): _exit(2) at once. Node joins every worker thread when the process exits; a
// worker blocked in the kernel (a /proc/PID/maps read waiting on a stuck process's memory lock)
// never joins, so the scanner ends the process this way when it had to park such a thread.
#include <unistd.h>

#include <napi.h>

#include "process_exit.h"

namespace shmscope {

static Napi::Value ExitNow(const Napi::CallbackInfo& info) {
  const int status = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 1;
  _exit(status & 0xff);
}

void InitProcessExit(Napi::Env env, Napi::Object exports) {
  exports.Set("exitNow", Napi::Function::New<ExitNow>(env, "exitNow"));
}

}  // namespace shmscope
