// Channel header (create/validate) and the writer side of the ring.
#include "channel.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

#include "channel_check.h"
#include "channel_fuzz_hook.h"

namespace shmscope::chan {
namespace {

uint64_t Load64(const uint8_t* base, size_t off) {
  return __atomic_load_n(reinterpret_cast<const uint64_t*>(base + off), __ATOMIC_RELAXED);
}
uint32_t Load32(const uint8_t* base, size_t off) {
  return __atomic_load_n(reinterpret_cast<const uint32_t*>(base + off), __ATOMIC_RELAXED);
}
template <typename T>
void Put(uint8_t* base, size_t off, T value) { std::memcpy(base + off, &value, sizeof value); }

bool CheckedAdd(uint64_t a, uint64_t b, uint64_t& out) { return !__builtin_add_overflow(a, b, &out); }
bool CheckedMul(uint64_t a, uint64_t b, uint64_t& out) { return !__builtin_mul_overflow(a, b, &out); }

// 16-byte compare-and-swap on the tail {position, nextSeq}: one atomic step hands out
// both the ring space and the sequence number, so ring order == sequence order.
// On failure, lo/hi receive the current value.
bool Cas16(void* addr, uint64_t& lo, uint64_t& hi, uint64_t newLo, uint64_t newHi) {
#if defined(__x86_64__)
  bool ok;
  asm volatile("lock cmpxchg16b %1"
               : "=@ccz"(ok), "+m"(*static_cast<volatile unsigned __int128*>(addr)), "+a"(lo), "+d"(hi)
               : "b"(newLo), "c"(newHi)
               : "memory");
  return ok;
#elif defined(__aarch64__)
  unsigned __int128 expected = (static_cast<unsigned __int128>(hi) << 64) | lo;
  unsigned __int128 desired = (static_cast<unsigned __int128>(newHi) << 64) | newLo;
  unsigned __int128 prev = __sync_val_compare_and_swap(static_cast<unsigned __int128*>(addr), expected, desired);
  lo = static_cast<uint64_t>(prev);
  hi = static_cast<uint64_t>(prev >> 64);
  return prev == expected;
#else
#error "shmscope channel needs a lock-free 16-byte CAS (x86-64 or aarch64)"
#endif
}

}  // namespace

uint64_t NowMs() {
#ifdef SHMSCOPE_FUZZ_HOOKS
  if (const uint64_t pinned = FuzzNowMs()) return pinned;
#endif
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return uint64_t(ts.tv_sec) * 1000 + uint64_t(ts.tv_nsec) / 1000000;
}

uint64_t MonotonicMs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000 + uint64_t(ts.tv_nsec) / 1000000;
}

uint32_t MaxPayloadFor(uint64_t ringSize) {
  const uint64_t quarter = ringSize / 4;
  const uint64_t room = quarter > kRecordHeader + kMaxNick ? quarter - kRecordHeader - kMaxNick : 0;
  return static_cast<uint32_t>(room < kMaxText ? room : kMaxText);
}

uint64_t SegmentSizeFor(uint64_t ringSize, uint32_t slots) {
  if (ringSize < kMinRing || ringSize > kMaxRing || (ringSize & (ringSize - 1)) != 0) {
    throw ChannelError("ERANGE", "ring size must be a power of two from 4096 to 67108864 bytes, got " +
                                     std::to_string(ringSize));
  }
  if (slots < 1 || slots > kMaxSlots) {
    throw ChannelError("ERANGE", "participant slots must be from 1 to 1024, got " + std::to_string(slots));
  }
  // Presence table rounded up to a page so the ring starts page-aligned.
  const uint64_t table = (uint64_t{slots} * kSlotSize + 4095) & ~uint64_t{4095};
  return kHeaderSize + table + ringSize;
}

void InitializeHeader(uint8_t* base, uint64_t size, std::string_view name, uint64_t ringSize,
                      uint32_t slots) {
  const uint64_t segmentSize = SegmentSizeFor(ringSize, slots);
  if (segmentSize > size) throw ChannelError("ERANGE", "segment too small for the channel");
  if (name.empty() || name.size() > kMaxNameLength) throw ChannelError("ERANGE", "room name must be 1..64 bytes");
  std::random_device rd;
  const uint64_t generation = (uint64_t{rd()} << 32) | rd();
  std::memcpy(base + kOffMagic, kMagic, sizeof kMagic);
  Put<uint32_t>(base, kOffVersion, kVersion);
  Put<uint32_t>(base, kOffHeaderSize, kHeaderSize);
  Put<uint32_t>(base, kOffSlotSize, kSlotSize);
  Put<uint64_t>(base, kOffPresenceOffset, kHeaderSize);
  Put<uint32_t>(base, kOffSlotCount, slots);
  Put<uint32_t>(base, kOffMaxPayload, MaxPayloadFor(ringSize));
  Put<uint64_t>(base, kOffRingOffset, segmentSize - ringSize);
  Put<uint64_t>(base, kOffRingSize, ringSize);
  Put<uint64_t>(base, kOffSegmentSize, segmentSize);
  Put<uint64_t>(base, kOffGeneration, generation);
  Put<uint64_t>(base, kOffCreatedMs, NowMs());
  Put<uint32_t>(base, kOffCreatorPid, static_cast<uint32_t>(getpid()));
  Put<uint32_t>(base, kOffNameLength, static_cast<uint32_t>(name.size()));
  std::memcpy(base + kOffName, name.data(), name.size());
  Put<uint64_t>(base, kOffTail, 0);      // position
  Put<uint64_t>(base, kOffTail + 8, 1);  // first sequence number
  // Publish: everything above happens-before an opener's acquire load of READY.
  __atomic_store_n(reinterpret_cast<uint32_t*>(base + kOffState), kStateReady, __ATOMIC_RELEASE);
}

Geometry ValidateHeader(const uint8_t* base, uint64_t size) {
  auto bad = [](const std::string& why) { return ChannelError("ECHANNEL", "not a shmscope channel: " + why); };
  if (size < kHeaderSize) throw bad("segment is smaller than the 4096-byte header");
  // The state word first (acquire): once it reads READY, everything the creator wrote
  // before it, the magic included, is visible.
  const uint32_t state = __atomic_load_n(reinterpret_cast<const uint32_t*>(base + kOffState), __ATOMIC_ACQUIRE);
  char magic[8];
  for (size_t i = 0; i < 8; ++i) magic[i] = static_cast<char>(__atomic_load_n(base + i, __ATOMIC_RELAXED));
  const bool magicOk = std::memcmp(magic, kMagic, 8) == 0;
  // A creator between shmget(IPC_EXCL) and InitializeHeader leaves the page all zeros,
  // then writes the magic before the state: that is "still being initialised", not
  // "not a channel". Any other magic is a foreign segment.
  const bool magicUnwritten = std::all_of(magic, magic + 8, [](char c) { return c == 0; });
  if ((state == kStateInit || state == 0) && (magicOk || magicUnwritten)) {
    throw ChannelError("EINIT", "channel is still being initialised");
  }
  if (!magicOk) throw bad("bad magic");
  if (state != kStateReady) throw bad("bad state word");
  const uint32_t version = Load32(base, kOffVersion);
  if (version != kVersion) {
    throw ChannelError("ECHANNEL", "unsupported channel version " + std::to_string(version) +
                                       " (this shmscope speaks version " + std::to_string(kVersion) + ")");
  }
  Geometry g;
  if (Load32(base, kOffHeaderSize) != kHeaderSize) throw bad("bad header size");
  if (Load32(base, kOffSlotSize) != kSlotSize) throw bad("bad slot size");
  g.presenceOffset = Load64(base, kOffPresenceOffset);
  g.slots = Load32(base, kOffSlotCount);
  g.maxPayload = Load32(base, kOffMaxPayload);
  g.ringOffset = Load64(base, kOffRingOffset);
  g.ringSize = Load64(base, kOffRingSize);
  g.segmentSize = Load64(base, kOffSegmentSize);
  g.generation = Load64(base, kOffGeneration);
  g.createdMs = Load64(base, kOffCreatedMs);
  g.creatorPid = Load32(base, kOffCreatorPid);
  if (g.presenceOffset != kHeaderSize) throw bad("bad presence offset");
  if (g.slots < 1 || g.slots > kMaxSlots) throw bad("bad participant slot count");
  if (g.ringSize < kMinRing || g.ringSize > kMaxRing || (g.ringSize & (g.ringSize - 1)) != 0) {
    throw bad("ring size is not a power of two in range");
  }
  uint64_t tableEnd = 0, ringEnd = 0, table = 0;
  if (!CheckedMul(g.slots, kSlotSize, table) || !CheckedAdd(g.presenceOffset, table, tableEnd)) throw bad("overflow");
  if (g.ringOffset < tableEnd || g.ringOffset % 4096 != 0) throw bad("ring overlaps the presence table");
  if (!CheckedAdd(g.ringOffset, g.ringSize, ringEnd) || ringEnd != g.segmentSize) throw bad("sizes do not add up");
  if (g.segmentSize > size) throw bad("header claims more bytes than the segment has");
  if (g.maxPayload == 0 || g.maxPayload > MaxPayloadFor(g.ringSize)) throw bad("bad maximum payload");
  const uint32_t nameLength = Load32(base, kOffNameLength);
  if (nameLength < 1 || nameLength > kMaxNameLength) throw bad("bad room name length");
  g.name.resize(nameLength);
  for (size_t i = 0; i < nameLength; ++i) {
    g.name[i] = static_cast<char>(__atomic_load_n(base + kOffName + i, __ATOMIC_RELAXED));
  }
  return g;
}

Channel::Channel(uint8_t* base, Geometry geometry, bool writable)
    : base_(base), geo_(std::move(geometry)), writable_(writable),
      pid_(static_cast<uint32_t>(getpid())), startTime_(ProcessStartTime(pid_)) {}

std::atomic_ref<uint64_t> Channel::At64(uint64_t offset) const {
  return std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(base_ + offset));
}
std::atomic_ref<uint32_t> Channel::At32(uint64_t offset) const {
  return std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(base_ + offset));
}

void Channel::ReadTail(uint64_t& position, uint64_t& nextSeq) const {
  // Every successful claim strictly increases the position, so equal positions around
  // the sequence load mean no claim happened in between: the pair is consistent.
  // Bounded: a hostile process rewriting the tail nonstop gets an inconsistent pair
  // (which readers then treat like any scribble), never a hang.
  for (int i = 0;; ++i) {
    const uint64_t p1 = At64(kOffTail).load(std::memory_order_acquire);
    const uint64_t s = At64(kOffTail + 8).load(std::memory_order_acquire);
    const uint64_t p2 = At64(kOffTail).load(std::memory_order_acquire);
    if (p1 == p2 || i == 1000) { position = p2; nextSeq = s; return; }
  }
}

uint64_t Channel::TailPosition() const { return At64(kOffTail).load(std::memory_order_acquire); }

void Channel::Stall() const {
  // Fault injection for tests: park forever between claim and commit so the test can
  // SIGKILL us there. stderr tells the test we arrived.
  static const char note[] = "shmscope-fault: stalled\n";
  (void)!write(2, note, sizeof note - 1);
  for (;;) pause();
}

// Writes the claim intent (pid, length, then the full position with release) and
// moves the record word from whatever an earlier lap left to `state`. Fails only if
// a reader already reclaimed this position after a stall.
bool Channel::ClaimRecordWord(uint64_t position, uint64_t length, uint64_t state) {
  const uint64_t off = geo_.ringOffset + (position & (geo_.ringSize - 1));
  Put<uint32_t>(base_, off + kRecPid, pid_);
  Put<uint32_t>(base_, off + kRecLength, static_cast<uint32_t>(length));
  At64(off + kRecPosition).store(position, std::memory_order_release);
  auto word = At64(off + kRecWord);
  uint64_t old = word.load(std::memory_order_acquire);
  if (WordTag(old) == TagOf(position) && WordState(old) == kRecordPadding) return false;
  return word.compare_exchange_strong(old, MakeWord(position, length, state), std::memory_order_acq_rel);
}

uint64_t Channel::Send(std::string_view text) {
  const uint64_t seq = Append(text);
  Notify();
  return seq;
}

uint64_t Channel::Append(std::string_view text) {
  if (!writable_) throw ChannelError("EACCES", "channel is attached read-only");
  if (text.size() > geo_.maxPayload) {
    throw ChannelError("ERANGE", "message is " + std::to_string(text.size()) + " bytes; this room accepts at most " +
                                     std::to_string(geo_.maxPayload) + " bytes of UTF-8 text");
  }
  const std::string_view nick(nick_.data(), nick_.size() > kMaxNick ? kMaxNick : nick_.size());
  const uint64_t total = AlignUp(kRecordHeader + nick.size() + text.size());
  const uint64_t mask = geo_.ringSize - 1;
  uint64_t lo = At64(kOffTail).load(std::memory_order_relaxed);
  uint64_t hi = At64(kOffTail + 8).load(std::memory_order_relaxed);
  uint64_t first = 0, start = 0, pad = 0;
  for (;;) {
    first = AlignUp(lo);  // a scribbled, unaligned tail must not give us unaligned atomics
    const uint64_t off = first & mask;
    pad = off + total > geo_.ringSize ? geo_.ringSize - off : 0;  // records never wrap: pad to the end
    start = first + pad;
    if (Cas16(base_ + kOffTail, lo, hi, start + total, hi + 1)) break;
  }
  const uint64_t seq = hi;
  // Our payload stores must not become visible before the claim (readers' seqlock
  // check compares the tail after copying).
  std::atomic_thread_fence(std::memory_order_release);
  if (fault_ == Fault::kStallBeforeHeader) Stall();
  const char* stalled = "this writer stalled so long that readers reclaimed its record; the message was dropped";
  if (pad != 0 && !ClaimRecordWord(first, pad, kRecordPadding)) throw ChannelError("ESTALLED", stalled);
  if (!ClaimRecordWord(start, total, kRecordClaimed)) throw ChannelError("ESTALLED", stalled);
  if (fault_ == Fault::kStallAfterClaim) Stall();
  const uint64_t off = geo_.ringOffset + (start & mask);
  Put<uint64_t>(base_, off + kRecSeq, seq);
  Put<uint64_t>(base_, off + kRecTimeMs, NowMs());
  Put<uint32_t>(base_, off + kRecTextLength, static_cast<uint32_t>(text.size()));
  Put<uint16_t>(base_, off + kRecSlot, static_cast<uint16_t>(slot_));
  Put<uint8_t>(base_, off + kRecNickLength, static_cast<uint8_t>(nick.size()));
  Put<uint8_t>(base_, off + kRecNickLength + 1, 0);
  Put<uint64_t>(base_, off + kRecCheck, RecordCheck(seq, nick, text));
  Put<uint64_t>(base_, off + kRecCheck + 8, 0);
  std::memcpy(base_ + off + kRecordHeader, nick.data(), nick.size());
  std::memcpy(base_ + off + kRecordHeader + nick.size(), text.data(), text.size());
  uint64_t claimed = MakeWord(start, total, kRecordClaimed);
  if (!At64(off + kRecWord).compare_exchange_strong(claimed, MakeWord(start, total, kRecordCommitted),
                                                    std::memory_order_acq_rel)) {
    throw ChannelError("ESTALLED", stalled);
  }
  return seq;
}

}  // namespace shmscope::chan
