// Integrity check carried in every record: catches bytes scribbled into a committed
// message by a foreign process (torn copies are caught by the tail re-check instead).
// Word-at-a-time multiply/rotate: cheap at 64 KiB, not a cryptographic hash.
#pragma once
#include <cstdint>
#include <cstring>
#include <string_view>

namespace shmscope::chan {

inline uint64_t MixBytes(uint64_t h, std::string_view bytes) {
  const char* p = bytes.data();
  size_t n = bytes.size();
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    h = (h ^ v) * kMul;
    h = (h << 31) | (h >> 33);
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, p, n);
  h = (h ^ tail ^ (uint64_t{n} << 56)) * kMul;
  return h ^ (h >> 29);
}

inline uint64_t RecordCheck(uint64_t seq, std::string_view nick, std::string_view text) {
  uint64_t h = 0x5348'4D53'4348'4154ull ^ seq;  // "SHMSCHAT"
  h = MixBytes(h, nick);
  h = MixBytes(h ^ text.size(), text);
  return h;
}

}  // namespace shmscope::chan
