// The reader side of the ring: walk records in order, validate everything, copy out,
// re-check (seqlock style), skip ahead when lapped, unblock records of dead writers.
#include <algorithm>
#include <cstring>

#include "channel.h"
#include "channel_check.h"
#include "channel_fuzz_hook.h"

namespace shmscope::chan {
namespace {

template <typename T>
T Get(const uint8_t* p, size_t off) {
  T v;
  std::memcpy(&v, p + off, sizeof v);
  return v;
}

// Positions handed out by writers are kAlign-aligned; a scribbled tail may not be.
uint64_t AlignedTail(const Channel& ch) { return AlignUp(ch.TailPosition()); }

}  // namespace

void Reader::StartAtTail() {
  uint64_t position = 0, seq = 0;
  ch_.ReadTail(position, seq);
  pos_ = AlignUp(position);
  nextSeq_ = seq;
  haveSeq_ = true;
}

void Reader::StartAtOldest() {
  const uint64_t tail = AlignedTail(ch_);
  const uint64_t ring = ch_.geometry().ringSize;
  haveSeq_ = false;
  pos_ = 0;
  // Within the first lap position 0 is the first record; later the oldest intact
  // record is the first valid header at or after tail - ring.
  if (tail > ring) Resync(tail - ring, tail, "lapped");
}

bool Reader::LooksLikeHeader(uint64_t position) const {
  const Geometry& g = ch_.geometry();
  const uint64_t off = g.ringOffset + (position & (g.ringSize - 1));
  const uint64_t word = ch_.At64(off + kRecWord).load(std::memory_order_acquire);
  if (WordTag(word) != TagOf(position)) return false;
  SHMSCOPE_BETWEEN_LOADS();
  const uint64_t len = WordLength(word);
  if (len == 0 || len % kAlign != 0) return false;
  switch (WordState(word)) {
    case kRecordPadding: return true;
    case kRecordClaimed:
    case kRecordCommitted: return ch_.At64(off + kRecPosition).load(std::memory_order_acquire) == position;
    default: return false;
  }
}

void Reader::Resync(uint64_t from, uint64_t tail, const char* reason) {
  const uint64_t ring = ch_.geometry().ringSize;
  uint64_t q = AlignUp(from);
  if (tail > ring && q < tail - ring) q = tail - ring;  // older bytes are already overwritten
  pendingReason_ = reason;
  for (; q < tail; q += kAlign) {
    if (LooksLikeHeader(q)) { pos_ = q; return; }
  }
  pos_ = tail;
}

void Reader::Missed(EventSink& out, uint64_t count, const char* reason) {
  out.Missed(count, reason);
  ++appended_;
}

// Accounts for the sequence number of an intact record about to be delivered (or
// skipped as our own): a gap before it becomes a missed notice.
void Reader::CountSeq(uint64_t seq, EventSink& out) {
  // Order and uniqueness come from positions (each is read once). The sequence number
  // only counts what was skipped; if someone scribbled the tail's counter it may jump
  // or go backwards, and an intact record is still delivered.
  if (haveSeq_ && seq > nextSeq_) Missed(out, seq - nextSeq_, pendingReason_);
  nextSeq_ = seq + 1;
  haveSeq_ = true;
  pendingReason_ = "lapped";
}

namespace {

// Poll into a vector of self-contained events (history, tests, fuzzers).
class VectorSink final : public EventSink {
 public:
  VectorSink(std::vector<Event>& out, std::vector<uint8_t>& scratch) : out_(out), scratch_(scratch) {}
  uint8_t* Room(size_t bytes) override {
    scratch_.resize(bytes);
    return scratch_.data();
  }
  void Message(const MessageView& m) override {
    Event e;
    e.kind = Event::kMessage;
    e.message.seq = m.seq;
    e.message.pid = m.pid;
    e.message.slot = m.slot;
    e.message.timeMs = m.timeMs;
    e.message.nick.assign(m.nick);
    e.message.text.assign(m.text);
    out_.push_back(std::move(e));
  }
  void Missed(uint64_t count, const char* reason) override {
    Event e;
    e.kind = Event::kMissed;
    e.missed = count;
    e.reason = reason;
    out_.push_back(std::move(e));
  }

 private:
  std::vector<Event>& out_;
  std::vector<uint8_t>& scratch_;
};

}  // namespace

size_t Reader::Poll(std::vector<Event>& out, size_t maxEvents, size_t maxBytes) {
  VectorSink sink(out, scratch_);
  return Poll(sink, maxEvents, maxBytes);
}

size_t Reader::Poll(EventSink& out, size_t maxEvents, size_t maxBytes) {
  appended_ = 0;
  size_t bytes = 0;  // bytes read, delivered or skipped: bounds the work, not just the output
  stuck_ = false;
  // Time every poll's tail, not only stuck ones: a hole the reader reaches late (it was
  // behind) is then timed from when it was first seen claimed, not from when it was reached.
  NoteTail(AlignedTail(ch_), MonotonicMs());
  // The iteration cap bounds the work of one call even if a hostile process keeps
  // rewriting the ring under us.
  for (int i = 0; i < 65536 && appended_ < maxEvents && bytes < maxBytes; ++i) {
    if (StepOnce(out, bytes) != Step::kProgress) break;
  }
  return appended_;
}

Reader::Step Reader::StepOnce(EventSink& out, size_t& bytes) {
  const Geometry& g = ch_.geometry();
  const uint64_t tail = AlignedTail(ch_);
  if (tail == pos_) return Step::kDone;
  const uint64_t ahead = tail - pos_;
  if (ahead > g.ringSize) {
    // Lapped — or the tail was scribbled (it may even have gone backwards, which modulo
    // 2^64 looks the same). Either way the newest ring's worth is where the writers
    // are: resync there. (A tail moved backwards by a hostile process can make us
    // deliver an intact record a second time; a torn one never.)
    Resync(tail - g.ringSize, tail, ahead > (uint64_t{1} << 62) ? "corrupt" : "lapped");
    return Step::kProgress;
  }
  const uint64_t off = g.ringOffset + (pos_ & (g.ringSize - 1));
  SHMSCOPE_BETWEEN_LOADS();
  const uint64_t word = ch_.At64(off + kRecWord).load(std::memory_order_acquire);
  SHMSCOPE_BETWEEN_LOADS();
  if (WordTag(word) != TagOf(pos_)) return HandleUnfinished(tail, word);  // not written yet this lap
  switch (WordState(word)) {
    case kRecordNone:
    case kRecordClaimed: return HandleUnfinished(tail, word);
    case kRecordCommitted: return ReadCommitted(tail, word, out, bytes);
    case kRecordPadding: {
      const uint64_t len = WordLength(word);
      if (len == 0 || len % kAlign != 0 || len > ahead) { Resync(pos_ + kAlign, tail, "corrupt"); return Step::kProgress; }
      pos_ += len;
      return Step::kProgress;
    }
    default: Resync(pos_ + kAlign, tail, "corrupt"); return Step::kProgress;
  }
}

// Records one observation of the tail, taken before `now`: everything below it was
// claimed before `now`. Keeps the list short: pairs the reader has passed go, and
// pairs closer than kTailStepMs are not added (a later one covers those positions).
void Reader::NoteTail(uint64_t tail, uint64_t now) {
  size_t passed = 0;
  while (passed < tailCount_ && tails_[passed].tail <= pos_) ++passed;
  std::copy(tails_.begin() + passed, tails_.begin() + tailCount_, tails_.begin());
  tailCount_ -= passed;
  // The tail never moves backwards; pairs above it came from a scribbled tail.
  while (tailCount_ > 0 && tails_[tailCount_ - 1].tail > tail) --tailCount_;
  if (tailCount_ > 0) {
    const TailSeen& last = tails_[tailCount_ - 1];
    if (tail == last.tail || now < last.ms + kTailStepMs) return;
  }
  // Full: overwrite the newest pair. Positions it covered get a later time: their
  // stall may last longer, never shorter.
  if (tailCount_ == kTailsKept) --tailCount_;
  tails_[tailCount_++] = TailSeen{now, tail};
}

// Latest time by which the record at pos_ was claimed (the first pair above pos_;
// HandleUnfinished's NoteTail guarantees one).
uint64_t Reader::ClaimedBy() const { return tails_[0].ms; }

// Highest tail seen at least kStallMs ago: every record below it has had kStallMs
// to publish its intent.
uint64_t Reader::ExpiredTail(uint64_t now) const {
  uint64_t tail = tails_[0].tail;
  for (size_t i = 0; i < tailCount_ && tails_[i].ms + kStallMs <= now; ++i) tail = tails_[i].tail;
  return tail;
}

Reader::Step Reader::Stuck(uint64_t deadline) {
  stuck_ = true;
  stallDeadline_ = deadline;
  return Step::kStuck;
}

// Length of an expired hole at pos_ whose intent was never written: up to the first
// valid header before `bound` (records claimed before the expired time had kStallMs to
// write theirs), else to `bound`; never past the tail (wrap-safe on a scribbled tail).
uint64_t Reader::HoleLength(uint64_t bound, uint64_t tail) const {
  const uint64_t span = std::min(bound - pos_, tail - pos_);
  for (uint64_t x = kAlign; x < span; x += kAlign) {
    if (LooksLikeHeader(pos_ + x)) return x;
  }
  return span;
}

// The record at pos_ is claimed but not committed (or its header is not even written).
// Wait for it, unless its writer is dead (at once) or it stalled past kStallMs: then
// turn it into padding with a CAS, which a late commit by a live writer cannot race.
// Its stall is timed from the first tail seen above it (ClaimedBy), not from when this
// reader reached it: holes claimed while the reader waited on an earlier one have been
// waiting too, so back-to-back deaths cost one stall period, not one each.
Reader::Step Reader::HandleUnfinished(uint64_t tail, uint64_t word) {
  const Geometry& g = ch_.geometry();
  const uint64_t now = MonotonicMs();  // after the tail load: the tail was claimed before now
  NoteTail(tail, now);
  const uint64_t deadline = ClaimedBy() + kStallMs;
  const uint64_t ringOff = pos_ & (g.ringSize - 1);
  const uint64_t off = g.ringOffset + ringOff;
  uint64_t len = 0;
  uint32_t pid = 0;
  SHMSCOPE_BETWEEN_LOADS();
  if (WordTag(word) == TagOf(pos_) && WordState(word) == kRecordClaimed) {
    len = WordLength(word);
    pid = ch_.At32(off + kRecPid).load(std::memory_order_relaxed);
  } else if (ch_.At64(off + kRecPosition).load(std::memory_order_acquire) == pos_) {
    // The writer published its intent (pid, length) but has not moved the word yet.
    len = ch_.At32(off + kRecLength).load(std::memory_order_relaxed);
    pid = ch_.At32(off + kRecPid).load(std::memory_order_relaxed);
  }
  if (len == 0 || len % kAlign != 0 || len > tail - pos_) { len = 0; pid = 0; }
  const bool expired = now >= deadline;
  const bool dead = pid != 0 && !ProcessAlive(pid, 0);
  if (!expired && !dead) return Stuck(deadline);
  if (len == 0) len = HoleLength(ExpiredTail(now), tail);  // expired: dead needs a pid, which needs a length
  uint64_t expected = word;
  SHMSCOPE_BETWEEN_LOADS();
  if (ch_.At64(off + kRecWord).compare_exchange_strong(expected, MakeWord(pos_, len, kRecordPadding),
                                                       std::memory_order_acq_rel)) {
    pos_ += len;
    pendingReason_ = "unblocked";
  }
  return Step::kProgress;  // either we padded it, or it changed under us: look again
}

bool Reader::IsOwn(const uint8_t* header) const {
  return skipOwn_ && Get<uint32_t>(header, kRecPid) == skipPid_ && Get<uint16_t>(header, kRecSlot) == skipSlot_;
}

// Seqlock check after copying a record: the copy is intact only if no writer claimed
// space reaching into this record's bytes (position + ring) and the word did not change.
bool Reader::StillIntact(uint64_t word) const {
  const Geometry& g = ch_.geometry();
  std::atomic_thread_fence(std::memory_order_acquire);
  const uint64_t tail2 = AlignedTail(ch_);
  const uint64_t word2 = ch_.At64(g.ringOffset + (pos_ & (g.ringSize - 1)) + kRecWord).load(std::memory_order_relaxed);
  return tail2 - pos_ <= g.ringSize && word2 == word;
}

Reader::Step Reader::ReadCommitted(uint64_t tail, uint64_t word, EventSink& out, size_t& bytes) {
  const Geometry& g = ch_.geometry();
  const uint64_t len = WordLength(word);
  const uint64_t ringOff = pos_ & (g.ringSize - 1);
  if (len < kRecordHeader || len % kAlign != 0 || ringOff + len > g.ringSize || len > tail - pos_) {
    Resync(pos_ + kAlign, tail, "corrupt");
    return Step::kProgress;
  }
  const uint8_t* shared = ch_.base() + g.ringOffset + ringOff;
  // The header first, into private memory; everything below reads copies only, except
  // the in-place check of our own (skipped) messages, which uses validated lengths.
  uint8_t header[kRecordHeader];
  std::memcpy(header, shared, kRecordHeader);
  const bool own = IsOwn(header);
  const uint8_t* r = header;
  if (!own) {
    uint8_t* copy = out.Room(len);
    std::memcpy(copy, shared, len);
    r = copy;
  }
  const uint64_t seq = Get<uint64_t>(r, kRecSeq);
  const uint32_t textLen = Get<uint32_t>(r, kRecTextLength);
  const uint8_t nickLen = Get<uint8_t>(r, kRecNickLength);
  const bool sane = Get<uint64_t>(r, kRecPosition) == pos_ && nickLen <= kMaxNick && textLen <= g.maxPayload &&
                    kRecordHeader + nickLen + uint64_t{textLen} <= len;
  const uint8_t* payload = (own ? shared : r) + kRecordHeader;  // nick, then text: in bounds when sane
  const std::string_view nick(reinterpret_cast<const char*>(payload), sane ? nickLen : 0);
  const std::string_view text(nick.data() + nick.size(), sane ? textLen : 0);
  // Our own message is checked where it lies (no copy): a torn read is caught by the
  // seqlock check below, like a torn copy.
  const uint64_t check = RecordCheck(seq, nick, text);
  SHMSCOPE_BETWEEN_LOADS();
  if (!StillIntact(word)) return Step::kProgress;  // re-evaluate from the top
  if (!sane || check != Get<uint64_t>(r, kRecCheck)) {
    // Scribbled by someone: report one missed message and move on.
    pos_ += len;
    Missed(out, 1, "corrupt");
    if (haveSeq_) ++nextSeq_;
    return Step::kProgress;
  }
  pos_ += len;
  bytes += len;
  CountSeq(seq, out);
  if (own) return Step::kProgress;
  MessageView m;
  m.seq = seq;
  m.pid = Get<uint32_t>(r, kRecPid);
  m.timeMs = Get<uint64_t>(r, kRecTimeMs);
  m.slot = Get<uint16_t>(r, kRecSlot);
  m.nick = nick;
  m.text = text;
  out.Message(m);
  ++appended_;
  return Step::kProgress;
}

}  // namespace shmscope::chan
