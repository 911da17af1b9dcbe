#include "os_error.h"

#include <cstring>

namespace shmscope {

std::string ErrnoName(int err) {
  const char* name = strerrorname_np(err);
  if (name) return name;
  std::string fallback = "E";  // built in two steps: GCC 12 misreports "E" + to_string (-Wrestrict)
  fallback += std::to_string(err);
  return fallback;
}

void ThrowOsError(Napi::Env env, int err, const std::string& subject,
                  const std::string& syscall) {
  std::string code = ErrnoName(err);
  Napi::Error error = Napi::Error::New(
      env, subject + ": " + syscall + " failed: " + strerror(err) + " (" + code + ")");
  error.Set("code", code);
  error.Set("errno", Napi::Number::New(env, err));
  error.Set("syscall", syscall);
  error.Set("subject", subject);
  throw error;
}

void ThrowRangeError(Napi::Env env, const std::string& subject, const std::string& message) {
  Napi::RangeError error = Napi::RangeError::New(env, subject + ": " + message);
  error.Set("code", "ERANGE");  // one code for out-of-range everywhere (JS uses it too)
  error.Set("subject", subject);
  throw error;
}

void ThrowCodedError(Napi::Env env, const std::string& code, const std::string& subject,
                     const std::string& message) {
  Napi::Error error = Napi::Error::New(env, subject + ": " + message + " (" + code + ")");
  error.Set("code", code);
  error.Set("subject", subject);
  throw error;
}

}  // namespace shmscope
