// The one place where failures become JavaScript exceptions.
// Every OS error carries the errno code name (EACCES, ENOENT, ...), the syscall
// and the segment it concerned, so a user always learns *what* failed and *why*.
#pragma once
#include <napi.h>
#include <string>

namespace shmscope {

// Name of an errno value ("EACCES"), or "E<number>" when glibc has none.
std::string ErrnoName(int err);

// Throws a JS Error: "<subject>: <syscall> failed: <strerror> (<CODE>)",
// with properties code, errno, syscall and subject.
[[noreturn]] void ThrowOsError(Napi::Env env, int err, const std::string& subject,
                               const std::string& syscall);

// Throws a JS RangeError naming the subject.
[[noreturn]] void ThrowRangeError(Napi::Env env, const std::string& subject,
                                  const std::string& message);

// Throws a JS Error with an explicit code (for failures that have no errno,
// such as a segment that shrank underneath us or an invalid channel header).
[[noreturn]] void ThrowCodedError(Napi::Env env, const std::string& code,
                                  const std::string& subject, const std::string& message);

}  // namespace shmscope
