// Finding a pattern in a segment's bytes where they are (memmem), so a search never copies the
// segment into JavaScript. Callers check the range against the segment first (CheckRange).
#pragma once

#include <string.h>

#include <cstdint>

#include <napi.h>

#include "bounds.h"

namespace shmscope {

// Offset of the first `pattern` inside data[0, length), or -1 (also for an empty pattern).
inline int64_t FindIn(const uint8_t* data, uint64_t length, const uint8_t* pattern, size_t patternLength) {
  if (patternLength == 0 || patternLength > length) return -1;
  const void* hit = memmem(data, length, pattern, patternLength);
  return hit == nullptr ? -1 : static_cast<const uint8_t*>(hit) - data;
}

// The JS result: the match's absolute offset, or -1. Offsets are below 2^53 (ToIndex).
inline Napi::Value FoundAt(Napi::Env env, uint64_t base, int64_t hit) {
  return Napi::Number::New(env, hit < 0 ? -1.0 : static_cast<double>(base + static_cast<uint64_t>(hit)));
}

}  // namespace shmscope
