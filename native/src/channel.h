// The chat channel protocol over one mapped segment, in plain C++ (no N-API) so it
// can be unit-tested and fuzzed. Every value read from the mapping is untrusted:
// it is loaded once into a local, validated, and only the local is used.
// Layout: channel_format.h and docs/channel-format.md.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "channel_format.h"

namespace shmscope::chan {

// A failure with a code for JavaScript: an errno name ("EACCES") when err != 0,
// otherwise a shmscope code (ECHANNEL, EEXIST, ERANGE, ESTALLED, ...).
struct ChannelError : std::runtime_error {
  std::string code;
  int err;
  std::string syscall;
  ChannelError(std::string c, const std::string& message, int e = 0, std::string sc = {})
      : std::runtime_error(message), code(std::move(c)), err(e), syscall(std::move(sc)) {}
};

// Geometry copied out of a validated header; never re-read from shared memory.
struct Geometry {
  uint64_t presenceOffset = 0;
  uint32_t slots = 0;
  uint32_t maxPayload = 0;
  uint64_t ringOffset = 0;
  uint64_t ringSize = 0;
  uint64_t segmentSize = 0;
  uint64_t generation = 0;
  uint64_t createdMs = 0;
  uint32_t creatorPid = 0;
  std::string name;
};

// Bytes a segment needs for this ring size and slot count (throws ChannelError ERANGE).
uint64_t SegmentSizeFor(uint64_t ringSize, uint32_t slots);
// Largest text a ring of this size accepts: min(64 KiB, a quarter of the ring minus headers).
uint32_t MaxPayloadFor(uint64_t ringSize);
// Writes a fresh header (state READY stored last). `size` is the mapping size.
void InitializeHeader(uint8_t* base, uint64_t size, std::string_view name, uint64_t ringSize,
                      uint32_t slots);
// Validates magic, version and sizes (overflow-checked) against the mapping size.
// Throws ChannelError("ECHANNEL") with the reason; INIT gives code "EINIT".
Geometry ValidateHeader(const uint8_t* base, uint64_t size);

struct Message {
  uint64_t seq = 0;
  uint32_t pid = 0;
  uint32_t slot = kNoSlot;
  uint64_t timeMs = 0;
  std::string nick;
  std::string text;
};

struct Event {
  enum Kind { kMessage, kMissed } kind = kMessage;
  Message message;
  uint64_t missed = 0;
  const char* reason = "";  // lapped | unblocked | corrupt
};

// A validated message whose nick and text point into the sink's own Room() bytes.
struct MessageView {
  uint64_t seq = 0;
  uint32_t pid = 0;
  uint32_t slot = kNoSlot;
  uint64_t timeMs = 0;
  std::string_view nick;
  std::string_view text;
};

// Where Reader::Poll puts what it reads. Poll(std::vector<Event>&) is one sink; the
// addon's waiter has another that keeps a whole batch in one reused buffer, so a busy
// room costs no allocation per message.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Private bytes to copy one record into (never shared memory); valid until the next
  // Room() call. A copy that fails validation is simply overwritten by the next one.
  virtual uint8_t* Room(size_t bytes) = 0;
  // The last Room() copy holds this message: keep it.
  virtual void Message(const MessageView& m) = 0;
  virtual void Missed(uint64_t count, const char* reason) = 0;
};

struct Participant {
  uint32_t slot = 0;
  uint32_t pid = 0;
  uint64_t joinedAt = 0;  // ms since the epoch
  std::string nick;
  bool quiet = false;  // kSlotQuiet: a one-shot participant, not announced
};

enum class Fault { kNone, kStallAfterClaim, kStallBeforeHeader };

uint64_t NowMs();       // CLOCK_REALTIME, for timestamps
uint64_t MonotonicMs(); // CLOCK_MONOTONIC, for stalls
// kill(pid, 0) says it exists and, when readable, /proc/PID/stat's start time matches.
bool ProcessAlive(uint32_t pid, uint64_t startTime);
// Field 22 of /proc/PID/stat (start time in clock ticks), 0 when unreadable.
uint64_t ProcessStartTime(uint32_t pid);

// Writer, presence and wakeup operations on a validated mapping. Thread-safe: all
// shared state lives in the segment and is touched with atomics only.
class Channel {
 public:
  Channel(uint8_t* base, Geometry geometry, bool writable);

  const Geometry& geometry() const { return geo_; }
  uint8_t* base() const { return base_; }

  // Presence. Join returns the slot; throws ECHANNEL "room full" when none is free.
  uint32_t Join(std::string_view nick, bool quiet = false);
  void Leave();
  bool joined() const { return slot_ != kNoSlot; }
  uint32_t slot() const { return slot_; }
  // Live participants; with reap, frees slots of dead owners (needs a writable mapping).
  std::vector<Participant> Participants(bool reap);
  uint32_t PresenceGeneration() const;

  // Appends one message; returns its sequence number. Throws ERANGE when too long,
  // ESTALLED when the writer stalled so long that readers reclaimed its record.
  uint64_t Send(std::string_view text);
  // Send without the wakeup: for a burst, Append each message, then Notify() once.
  uint64_t Append(std::string_view text);
  void SetFault(Fault fault) { fault_ = fault; }

  // Tail position and next sequence number, read consistently.
  void ReadTail(uint64_t& position, uint64_t& nextSeq) const;
  uint64_t TailPosition() const;

  // Wakeups: the shared futex word, and a bounded sleep while it still equals `seen`.
  uint32_t FutexValue() const;
  void Sleep(uint32_t seen, int timeoutMs);
  void Notify();  // bump + wake sleepers (after a commit, a presence change, or to stop a waiter)

  std::atomic_ref<uint64_t> At64(uint64_t offset) const;
  std::atomic_ref<uint32_t> At32(uint64_t offset) const;

 private:
  uint8_t* SlotAt(uint32_t slot) const { return base_ + geo_.presenceOffset + uint64_t{slot} * kSlotSize; }
  bool ClaimRecordWord(uint64_t position, uint64_t length, uint64_t state);
  void BumpPresence();
  [[noreturn]] void Stall() const;

  uint8_t* base_;
  Geometry geo_;
  bool writable_;
  uint32_t pid_;
  uint64_t startTime_;
  uint32_t slot_ = kNoSlot;
  uint64_t slotOwner_ = 0;
  std::string nick_;
  Fault fault_ = Fault::kNone;
};

// One reader's cursor. Not thread-safe; each thread that reads has its own Reader.
class Reader {
 public:
  explicit Reader(Channel& channel) : ch_(channel) {}
  void StartAtTail();
  void StartAtOldest();

  // Appends up to maxEvents events (fewer when caught up or waiting on a stalled
  // writer). Never blocks, never loops unboundedly; returns the number appended.
  size_t Poll(std::vector<Event>& out, size_t maxEvents, size_t maxBytes);
  size_t Poll(EventSink& out, size_t maxEvents, size_t maxBytes);
  // Messages written by (pid, slot) are checked and counted like any other, but not
  // delivered: a participant does not need its own messages back from the room.
  void SkipOwn(uint32_t pid, uint32_t slot) { skipPid_ = pid; skipSlot_ = slot; skipOwn_ = true; }
  // Monotonic ms at which a stalled record may be reclaimed, 0 when not stalled.
  uint64_t StallDeadline() const { return stuck_ ? stallDeadline_ : 0; }
  uint64_t position() const { return pos_; }

  static constexpr uint64_t kStallMs = 1000;
  // Tail observations kept, and the least time between two of them (so a stall of
  // kStallMs is covered at kTailStepMs resolution: a record's clock starts at most
  // ~kTailStepMs after the first poll that could have seen it claimed).
  static constexpr size_t kTailsKept = 64;
  static constexpr uint64_t kTailStepMs = 20;

 private:
  enum class Step { kProgress, kStuck, kDone };
  Step StepOnce(EventSink& out, size_t& bytes);
  Step HandleUnfinished(uint64_t tail, uint64_t word);
  Step Stuck(uint64_t deadline);
  uint64_t HoleLength(uint64_t bound, uint64_t tail) const;
  void NoteTail(uint64_t tail, uint64_t now);
  uint64_t ClaimedBy() const;
  uint64_t ExpiredTail(uint64_t now) const;
  Step ReadCommitted(uint64_t tail, uint64_t word, EventSink& out, size_t& bytes);
  bool IsOwn(const uint8_t* header) const;
  bool StillIntact(uint64_t word) const;
  void Resync(uint64_t from, uint64_t tail, const char* reason);
  bool LooksLikeHeader(uint64_t position) const;
  void CountSeq(uint64_t seq, EventSink& out);
  void Missed(EventSink& out, uint64_t count, const char* reason);

  Channel& ch_;
  uint64_t pos_ = 0;
  uint64_t nextSeq_ = 0;
  bool haveSeq_ = false;
  const char* pendingReason_ = "lapped";
  // The shared stall clock: (ms, tail) pairs, both ascending. Every position below `tail`
  // was claimed before monotonic time `ms`, so a record's stall is timed from the first
  // pair above it — however many holes before it the reader had to wait out first.
  struct TailSeen {
    uint64_t ms, tail;
  };
  std::array<TailSeen, kTailsKept> tails_{};
  size_t tailCount_ = 0;
  uint64_t stallDeadline_ = 0;
  bool stuck_ = false;  // the last Poll ended waiting on an unfinished record
  bool skipOwn_ = false;
  uint32_t skipPid_ = 0, skipSlot_ = kNoSlot;
  size_t appended_ = 0;  // events handed to the sink by the current Poll
  std::vector<uint8_t> scratch_;
};

}  // namespace shmscope::chan
