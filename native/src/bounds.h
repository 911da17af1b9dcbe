// Validation of what JavaScript hands the addon: numbers (offsets, sizes, ids,
// modes), option flags, and byte ranges inside a segment.
// JS numbers are doubles: NaN, fractions, negatives and values past 2^53 must be
// refused before they are converted, or a cast would silently turn them into a
// different (and possibly huge) offset. Range checks are written so they cannot
// overflow: never compute offset + length, compare length with size - offset.
#pragma once
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "os_error.h"

namespace shmscope {

// Largest integer a double holds exactly (Number.MAX_SAFE_INTEGER).
inline constexpr uint64_t kMaxSafeInteger = (uint64_t{1} << 53) - 1;

// Formats a double the way a user typed it: integers without ".000000".
inline std::string DescribeNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == std::trunc(value) && std::fabs(value) < 1e21) {
    char text[32];
    snprintf(text, sizeof text, "%.0f", value);
    return text;
  }
  return std::to_string(value);
}

// A non-negative integer no larger than `max` (and never beyond 2^53-1).
// TypeError when not a number, RangeError otherwise; both name the subject.
inline uint64_t ToIndex(Napi::Env env, const Napi::Value& value, const std::string& subject,
                        const char* what, uint64_t max = kMaxSafeInteger) {
  if (max > kMaxSafeInteger) max = kMaxSafeInteger;
  if (!value.IsNumber()) {
    Napi::TypeError error = Napi::TypeError::New(
        env, subject + ": " + what + " must be a number, got " +
                 (value.IsUndefined() ? "undefined" : value.IsNull() ? "null" : "a non-number"));
    error.Set("code", "ERR_INVALID_ARG_TYPE");
    error.Set("subject", subject);
    throw error;
  }
  const double number = value.As<Napi::Number>().DoubleValue();
  // The comparisons are false for NaN, so NaN falls through to the error.
  if (number >= 0 && number == std::trunc(number) && number <= static_cast<double>(max)) {
    return static_cast<uint64_t>(number);
  }
  ThrowRangeError(env, subject,
                  std::string(what) + " must be an integer from 0 to " + std::to_string(max) +
                      ", got " + DescribeNumber(number));
}

// An optional boolean field of an options object (absent means `fallback`).
inline bool BoolOption(Napi::Env env, const Napi::Object& options, const char* field,
                       const std::string& subject, bool fallback) {
  Napi::Value value = options.Get(field);
  if (value.IsUndefined()) return fallback;
  if (!value.IsBoolean()) {
    Napi::TypeError error = Napi::TypeError::New(
        env, subject + ": option '" + field + "' must be a boolean");
    error.Set("code", "ERR_INVALID_ARG_TYPE");
    error.Set("subject", subject);
    throw error;
  }
  return value.As<Napi::Boolean>().Value();
}

// The options argument itself: must be an object (undefined counts as {}).
inline Napi::Object OptionsArg(Napi::Env env, const Napi::Value& value, const std::string& subject) {
  if (value.IsUndefined()) return Napi::Object::New(env);
  if (!value.IsObject()) {
    Napi::TypeError error = Napi::TypeError::New(env, subject + ": options must be an object");
    error.Set("code", "ERR_INVALID_ARG_TYPE");
    error.Set("subject", subject);
    throw error;
  }
  return value.As<Napi::Object>();
}

// Permission bits for a new segment: only the 9 rwx bits. Anything higher would
// be OR'ed into the shmget()/open() flags and change their meaning.
inline unsigned ModeOption(Napi::Env env, const Napi::Object& options, const std::string& subject,
                           unsigned fallback) {
  Napi::Value value = options.Get("mode");
  if (value.IsUndefined()) return fallback;
  return static_cast<unsigned>(ToIndex(env, value, subject, "mode", 0777));
}

// True when [offset, offset + length) lies inside [0, size), computed without overflow.
inline bool RangeInside(uint64_t offset, uint64_t length, uint64_t size) {
  return offset <= size && length <= size - offset;
}

// RangeError such as "sysv:123: read of 16 bytes at offset 4090 is outside the segment (4096 bytes)".
inline void CheckRange(Napi::Env env, const std::string& subject, const char* operation,
                       uint64_t offset, uint64_t length, uint64_t size) {
  if (RangeInside(offset, length, size)) return;
  ThrowRangeError(env, subject,
                  std::string(operation) + " of " + std::to_string(length) + " bytes at offset " +
                      std::to_string(offset) + " is outside the segment (" + std::to_string(size) +
                      " bytes)");
}

// The bytes of a write() argument. Only Uint8Array (Buffer is one) is accepted, so
// the length in bytes is never ambiguous.
inline Napi::Uint8Array BytesArg(Napi::Env env, const Napi::Value& value, const std::string& subject) {
  if (!value.IsTypedArray() ||
      value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    Napi::TypeError error = Napi::TypeError::New(env, subject + ": data must be a Uint8Array or Buffer");
    error.Set("code", "ERR_INVALID_ARG_TYPE");
    error.Set("subject", subject);
    throw error;
  }
  return value.As<Napi::Uint8Array>();
}

}  // namespace shmscope
