// Byte layout of a chat channel segment, version 2 (docs/channel-format.md is the
// prose version of this file; change both together and bump kVersion).
// Pure constants and bit packing: no N-API, no syscalls, so the fuzzer can use it.
#pragma once
#include <cstddef>
#include <cstdint>

namespace shmscope::chan {

inline constexpr char kMagic[8] = {'S', 'H', 'M', 'S', 'C', 'H', 'A', 'T'};
// 2: the record check became XXH64 (channel_check.h); version 1 readers would call
// every version 2 record corrupt, so the version refuses the mix at attach instead.
// 3: the record's time and sequence number swapped places (time 24, seq 32), so no
// timestamp lies where a later lap's record may start (see kRecSeq).
inline constexpr uint32_t kVersion = 3;
// The state word is stored last by the creator: openers that see INIT wait.
inline constexpr uint32_t kStateInit = 0x54494E49;   // "INIT" little-endian
inline constexpr uint32_t kStateReady = 0x59444552;  // "REDY"

// ---- header page (offsets in bytes from the segment start) ----
inline constexpr size_t kHeaderSize = 4096;
inline constexpr size_t kOffMagic = 0;           // char[8]
inline constexpr size_t kOffVersion = 8;         // u32
inline constexpr size_t kOffState = 12;          // u32, stored last (release)
inline constexpr size_t kOffHeaderSize = 16;     // u32 = 4096
inline constexpr size_t kOffSlotSize = 20;       // u32 = 128
inline constexpr size_t kOffPresenceOffset = 24; // u64 = 4096
inline constexpr size_t kOffSlotCount = 32;      // u32
inline constexpr size_t kOffMaxPayload = 36;     // u32
inline constexpr size_t kOffRingOffset = 40;     // u64
inline constexpr size_t kOffRingSize = 48;       // u64, power of two
inline constexpr size_t kOffSegmentSize = 56;    // u64 = ringOffset + ringSize
inline constexpr size_t kOffGeneration = 64;     // u64, random per creation
inline constexpr size_t kOffCreatedMs = 72;      // u64
inline constexpr size_t kOffCreatorPid = 80;     // u32
inline constexpr size_t kOffNameLength = 84;     // u32, 1..64
inline constexpr size_t kOffName = 88;           // char[64], not NUL-terminated
inline constexpr size_t kMaxNameLength = 64;
// Hot counters, each alone on a 128-byte line (two lines: adjacent-line prefetch).
inline constexpr size_t kOffTail = 256;          // {u64 position, u64 nextSeq}, 16-aligned
inline constexpr size_t kOffFutex = 384;         // u32, bumped after every commit / presence change
inline constexpr size_t kOffSleepers = 512;      // u32, waiters inside FUTEX_WAIT
inline constexpr size_t kOffPresenceGen = 640;   // u32, bumped on join/leave/reap

// ---- presence table: kSlotSize-byte slots from the presence offset ----
inline constexpr size_t kSlotSize = 128;
inline constexpr uint32_t kDefaultSlots = 64;
inline constexpr uint32_t kMaxSlots = 1024;
inline constexpr size_t kSlotOwner = 0;      // u64 owner word (see MakeOwner)
inline constexpr size_t kSlotStartTime = 8;  // u64 /proc/PID/stat field 22 of the owner
inline constexpr size_t kSlotJoinedAt = 16;  // u64, ms since the epoch
inline constexpr size_t kSlotNickLength = 24;// u8
inline constexpr size_t kSlotFlags = 25;     // u8: kSlotQuiet
inline constexpr uint8_t kSlotQuiet = 1;      // a one-shot (send/listen): not announced on join and leave
inline constexpr size_t kSlotNick = 32;      // char[32]
inline constexpr uint32_t kSlotFree = 0, kSlotJoining = 1, kSlotActive = 2;

// ---- ring of records ----
inline constexpr uint64_t kMinRing = 4096;
inline constexpr uint64_t kMaxRing = uint64_t{1} << 26;  // 64 MiB
inline constexpr uint64_t kDefaultRing = uint64_t{1} << 20;
inline constexpr size_t kAlign = 32;         // records start 32-aligned: a padding record always has room for its claim intent (bytes 0..23)
inline constexpr size_t kRecordHeader = 64;
inline constexpr size_t kRecWord = 0;        // u64 state word (see MakeWord), CAS only
inline constexpr size_t kRecPosition = 8;    // u64 full position, stored (release) before CLAIMED
inline constexpr size_t kRecPid = 16;        // u32 writer pid, stored before the position
inline constexpr size_t kRecLength = 20;     // u32 record length, stored before the position
inline constexpr size_t kRecTimeMs = 24;     // u64 ms since the epoch
inline constexpr size_t kRecSeq = 32;        // u64 message sequence number
inline constexpr size_t kRecTextLength = 40; // u32
inline constexpr size_t kRecSlot = 44;       // u16 presence slot (0xffff: not joined)
inline constexpr size_t kRecNickLength = 46; // u8
inline constexpr size_t kRecCheck = 48;      // u64 XXH64 of seq, nick and text (channel_check.h)
// nick bytes follow at 64, then the text; the record is padded to kAlign.
// A later lap's record may start at any kAlign offset of an earlier one, and its word is
// read (by its writer and by readers) before it is written: the 8 bytes left there must
// never pass for a word carrying that position's tag. So only the word and the sequence
// number sit at kAlign offsets of the fixed header. A sequence number cannot alias: its
// "tag" (seq >> 28) is far below the tag of any position with an earlier lap behind it.
// A timestamp can: ms >> 28 is ~6688 in late 2026, the tag of position 107008, and one
// in 16 values ends in the PADDING state (format version 2 kept the time at 32; writers
// failed with ESTALLED there). Nick and text bytes at kAlign offsets can only alias on
// purpose, like any scribble.
static_assert(kRecordHeader == 2 * kAlign && kRecWord == 0 && kRecSeq == kAlign,
              "the header's kAlign offsets (0, 32) must hold the word and the sequence number");
inline constexpr size_t kMaxNick = 32;
inline constexpr size_t kMaxText = 64 * 1024;
inline constexpr uint16_t kNoSlot = 0xffff;

inline constexpr uint64_t kRecordNone = 0, kRecordClaimed = 1, kRecordCommitted = 2, kRecordPadding = 3;

// The record word packs tag (position/16 modulo 2^36), length/16 (24 bits) and state
// (4 bits) so one 8-byte CAS moves a record between states and tells a fresh record
// from one left over from an earlier lap.
inline constexpr uint64_t kTagBits = 36;
inline constexpr uint64_t kTagMask = (uint64_t{1} << kTagBits) - 1;
inline constexpr uint64_t kLenMask = (uint64_t{1} << 24) - 1;

constexpr uint64_t TagOf(uint64_t position) { return (position >> 4) & kTagMask; }
constexpr uint64_t MakeWord(uint64_t position, uint64_t length, uint64_t state) {
  return (TagOf(position) << 28) | (((length >> 4) & kLenMask) << 4) | (state & 0xf);
}
constexpr uint64_t WordTag(uint64_t word) { return word >> 28; }
constexpr uint64_t WordLength(uint64_t word) { return ((word >> 4) & kLenMask) << 4; }
constexpr uint64_t WordState(uint64_t word) { return word & 0xf; }

constexpr uint64_t MakeOwner(uint32_t pid, uint32_t epoch, uint32_t state) {
  return (uint64_t{pid} << 32) | (uint64_t{epoch & 0xffffff} << 8) | (state & 0xff);
}
constexpr uint32_t OwnerPid(uint64_t owner) { return static_cast<uint32_t>(owner >> 32); }
constexpr uint32_t OwnerEpoch(uint64_t owner) { return static_cast<uint32_t>(owner >> 8) & 0xffffff; }
constexpr uint32_t OwnerState(uint64_t owner) { return static_cast<uint32_t>(owner) & 0xff; }

constexpr uint64_t AlignUp(uint64_t n) { return (n + kAlign - 1) & ~uint64_t{kAlign - 1}; }

}  // namespace shmscope::chan
