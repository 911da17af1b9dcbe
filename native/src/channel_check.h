// Integrity check carried in every record: catches bytes scribbled into a committed
// message by a foreign process (torn copies are caught by the tail re-check instead).
// XXH64 (Yann Collet's xxHash, 64-bit): four independent multiply/rotate lanes over
// 32-byte stripes, so the CPU runs them in parallel — several times faster than one
// dependent chain (format version 1 used one, 17–24 µs per 64 KiB) and still a good
// detector of changed bytes. Not a cryptographic hash: it cannot stop a process that
// writes a whole valid record on purpose; nothing in a shared segment could.
// Portable C++, no intrinsics: the build has no -msse4.2 and needs none.
#pragma once
#include <cstdint>
#include <cstring>
#include <string_view>

namespace shmscope::chan {
namespace xxh64 {

inline constexpr uint64_t kP1 = 0x9E3779B185EBCA87ull;
inline constexpr uint64_t kP2 = 0xC2B2AE3D27D4EB4Full;
inline constexpr uint64_t kP3 = 0x165667B19E3779F9ull;
inline constexpr uint64_t kP4 = 0x85EBCA77C2B2AE63ull;
inline constexpr uint64_t kP5 = 0x27D4EB2F165667C5ull;

inline uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
inline uint64_t Read64(const uint8_t* p) { uint64_t v; std::memcpy(&v, p, 8); return v; }  // little-endian host
inline uint32_t Read32(const uint8_t* p) { uint32_t v; std::memcpy(&v, p, 4); return v; }
inline uint64_t Round(uint64_t acc, uint64_t input) { return Rotl(acc + input * kP2, 31) * kP1; }
inline uint64_t Merge(uint64_t acc, uint64_t lane) { return (acc ^ Round(0, lane)) * kP1 + kP4; }

inline uint64_t Avalanche(uint64_t h) {
  h ^= h >> 33;
  h *= kP2;
  h ^= h >> 29;
  h *= kP3;
  return h ^ (h >> 32);
}

// The bulk: four lanes, 32 bytes per step. Returns the merged lanes; *p advances.
inline uint64_t Stripes(const uint8_t*& p, size_t n, uint64_t seed) {
  uint64_t v1 = seed + kP1 + kP2, v2 = seed + kP2, v3 = seed, v4 = seed - kP1;
  for (const uint8_t* end = p + (n & ~size_t{31}); p < end; p += 32) {
    v1 = Round(v1, Read64(p));
    v2 = Round(v2, Read64(p + 8));
    v3 = Round(v3, Read64(p + 16));
    v4 = Round(v4, Read64(p + 24));
  }
  uint64_t h = Rotl(v1, 1) + Rotl(v2, 7) + Rotl(v3, 12) + Rotl(v4, 18);
  h = Merge(h, v1);
  h = Merge(h, v2);
  h = Merge(h, v3);
  return Merge(h, v4);
}

// XXH64(data, seed), bit-exact with the reference implementation on little-endian hosts.
inline uint64_t Hash(const void* data, size_t n, uint64_t seed) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  uint64_t h = n >= 32 ? Stripes(p, n, seed) : seed + kP5;
  h += n;
  const uint8_t* end = static_cast<const uint8_t*>(data) + n;
  for (; p + 8 <= end; p += 8) h = Rotl(h ^ Round(0, Read64(p)), 27) * kP1 + kP4;
  if (p + 4 <= end) { h = Rotl(h ^ (uint64_t{Read32(p)} * kP1), 23) * kP2 + kP3; p += 4; }
  for (; p < end; ++p) h = Rotl(h ^ (uint64_t{*p} * kP5), 11) * kP1;
  return Avalanche(h);
}

}  // namespace xxh64

// check = XXH64(text, seed = XXH64(nick, seed = salt ^ seq) ^ text length): covers the
// sequence number, the nick, the text and where one ends and the other begins. The two
// parts are hashed separately so a reader can check them wherever they lie.
inline uint64_t RecordCheck(uint64_t seq, std::string_view nick, std::string_view text) {
  const uint64_t salt = 0x5348'4D53'4348'4154ull;  // "SHMSCHAT"
  const uint64_t nickHash = xxh64::Hash(nick.data(), nick.size(), salt ^ seq);
  return xxh64::Hash(text.data(), text.size(), nickHash ^ text.size());
}

}  // namespace shmscope::chan
