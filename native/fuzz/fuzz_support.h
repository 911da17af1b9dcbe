// Shared pieces of the libFuzzer harnesses: a page-aligned segment image whose bytes
// ASan can bound exactly, a byte script the harness consumes, and the hooks that let
// the script change the image between the reader's loads and pin the wall clock
// (channel_fuzz_hook.h).
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>

namespace shmscope::fuzz {

// A harness oracle: a broken invariant aborts, so libFuzzer saves the input.
inline void Require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

// Exactly `size` bytes, 4096-aligned like a mapping (the core uses atomics on it).
// ASan reports any access past `size`, just as a real mapping would fault.
class Image {
 public:
  explicit Image(size_t size) : size_(size) {
    data_ = static_cast<uint8_t*>(std::aligned_alloc(4096, (size + 4095) & ~size_t{4095}));
    if (data_ == nullptr) throw std::bad_alloc();
    std::memset(data_, 0, size);
  }
  ~Image() { std::free(data_); }
  Image(const Image&) = delete;
  Image& operator=(const Image&) = delete;
  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  uint8_t* data_;
  size_t size_;
};

// Reads the fuzzer's bytes front to back; past the end it yields zeros.
class Script {
 public:
  Script(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  bool done() const { return p_ >= end_; }
  uint8_t Peek() const { return done() ? 0 : *p_; }
  uint8_t U8() { return done() ? 0 : *p_++; }
  uint16_t U16() { return static_cast<uint16_t>(U8() | (U8() << 8)); }
  uint32_t U32() { return U16() | (uint32_t{U16()} << 16); }
  uint64_t U64() { return U32() | (uint64_t{U32()} << 32); }
  // Up to n bytes (fewer at the end).
  size_t Take(uint8_t* out, size_t n) {
    size_t k = static_cast<size_t>(end_ - p_);
    if (n < k) k = n;
    if (k != 0) std::memcpy(out, p_, k);
    p_ += k;
    return k;
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

// What FuzzBetweenLoads() runs; empty outside a harness's critical section.
// Guarded against re-entry: an action may itself call core code that has hooks.
inline std::function<void()>& BetweenLoads() {
  static std::function<void()> action;
  return action;
}

// What NowMs() returns in a harness; 0 (the default) reads the real clock.
inline uint64_t& PinnedNowMs() {
  static uint64_t ms = 0;
  return ms;
}

struct ScopedBetweenLoads {
  explicit ScopedBetweenLoads(std::function<void()> f) { BetweenLoads() = std::move(f); }
  ~ScopedBetweenLoads() { BetweenLoads() = nullptr; }
};

// A pid that no process has: pid_max is at most 2^22, and ProcessAlive() treats
// anything up to there as a real pid, so use the top of that range.
inline constexpr uint32_t kDeadPid = (1u << 22) - 1;

}  // namespace shmscope::fuzz

// Define the hook once per harness binary (each harness includes this header once).
namespace shmscope::chan {
void FuzzBetweenLoads() {
  static bool inside = false;
  auto& action = shmscope::fuzz::BetweenLoads();
  if (inside || !action) return;
  inside = true;
  action();
  inside = false;
}
uint64_t FuzzNowMs() { return shmscope::fuzz::PinnedNowMs(); }
}  // namespace shmscope::chan
