// Batches, their pool, and the waiter thread (channel_delivery.h).
#include "channel_delivery.h"

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace shmscope::chan {

bool IsAscii(std::string_view s) {
  uint64_t any = 0;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    any |= w;
  }
  for (; i < s.size(); ++i) any |= static_cast<uint8_t>(s[i]);
  return (any & 0x8080808080808080ull) == 0;
}

uint8_t* Batch::Room(size_t n) {
  if (bytes.size() < used + n) bytes.resize(std::max(used + n, bytes.size() * 2));
  room = n;
  return bytes.data() + used;
}

void Batch::Message(const MessageView& m) {
  // Offsets, not pointers: a later Room() may move the buffer. A batch is at most
  // kBatchBytes plus one record, far below 4 GiB.
  const uint8_t* base = bytes.data();
  const auto at = [base](std::string_view s) { return static_cast<uint32_t>(reinterpret_cast<const uint8_t*>(s.data()) - base); };
  items.push_back({Event::kMessage, 0, "", m.seq, m.timeMs, m.pid, m.slot, at(m.nick), static_cast<uint32_t>(m.nick.size()),
                   at(m.text), static_cast<uint32_t>(m.text.size()), IsAscii(m.nick), IsAscii(m.text)});
  used += room;
  room = 0;
}

void Batch::Missed(uint64_t count, const char* reason) {
  items.push_back({Event::kMissed, count, reason, 0, 0, 0, kNoSlot, 0, 0, 0, 0, true, true});
}

void Batch::Clear() {
  items.clear();
  used = room = 0;
  hasPresence = false;
  participants.clear();
}

void ReadHistory(Channel& channel, Batch& out) {
  Reader reader(channel);
  reader.StartAtOldest();
  while (out.items.size() < (size_t{1} << 20) && reader.Poll(out, 4096, SIZE_MAX) != 0) {
  }
}

std::unique_ptr<Batch> BatchPool::Take() {
  std::lock_guard lock(mu);
  if (spare.empty()) return std::make_unique<Batch>();
  std::unique_ptr<Batch> b = std::move(spare.back());
  spare.pop_back();
  return b;
}

void BatchPool::GiveBack(std::unique_ptr<Batch> b) {
  std::shared_ptr<BatchPool> pool = std::move(b->pool);  // a pooled batch must not own its pool
  b->Clear();
  {
    std::lock_guard lock(pool->mu);
    --pool->outstanding;
    if (!pool->stopped && pool->spare.size() < kSpare) pool->spare.push_back(std::move(b));
  }
  pool->cv.notify_all();
}

void BatchPool::Keep(std::unique_ptr<Batch> b) {
  b->Clear();
  std::lock_guard lock(mu);
  if (spare.size() < kSpare) spare.push_back(std::move(b));
}

void BatchPool::DropSpares() {
  std::vector<std::unique_ptr<Batch>> drop;
  std::lock_guard lock(mu);
  drop.swap(spare);
}

namespace {

// Low-latency mode: watch the futex word briefly before paying for a sleep and a
// wakeup — but only where that can pay. A ping-pong keeps about three threads busy
// (our spinner, the peer's waiter and JS thread); with fewer than 4 CPUs the spinner
// takes the very core the peer needs: measured on 2 cores, every spin budget
// (20/50/100 µs, with or without back-off) was as slow or slower than sleeping at
// once. So below 4 CPUs low-latency mode sleeps like the default. Elsewhere a spin
// that saw nothing makes the next 1, 2, 4 … 64 waits skip spinning, and sched_yield
// inside the loop lets a thread on this core run.
class Spinner {
 public:
  Spinner() {
    cpu_set_t set;
    CPU_ZERO(&set);
    worthIt_ = sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) >= 4;
  }

  bool Spin(const Channel& ch, uint32_t seen) {
    if (skip_ > 0) { --skip_; return false; }
    if (!worthIt_) return false;
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(kSpinUs);
    for (int i = 0;; ++i) {
      if (ch.FutexValue() != seen) { misses_ = 0; return true; }
      if ((i & 15) == 15) {
        if (std::chrono::steady_clock::now() >= until) break;
        sched_yield();
      } else {
        Pause();
      }
    }
    // Back off exponentially (1, 2, 4 … 64 waits) while spins keep coming up empty.
    skip_ = 1u << std::min(misses_, 6u);
    ++misses_;
    return false;
  }

 private:
  static void Pause() {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
  }
  static constexpr int kSpinUs = 50;
  bool worthIt_ = false;
  unsigned misses_ = 0, skip_ = 0;
};

}  // namespace

Waiter::Waiter(Channel& channel, std::unique_ptr<Reader> reader, uint32_t seenPresence, bool lowLatency, Handoff handoff)
    : ch_(channel), reader_(std::move(reader)), handoff_(std::move(handoff)), lowLatency_(lowLatency) {
  thread_ = std::thread([this, seenPresence] { Main(seenPresence); });
}

void Waiter::Stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  pool_->stopped = true;
  pool_->cv.notify_all();
  ch_.Notify();  // changes the futex word, so a sleeping waiter returns at once
  thread_.join();
}

void Waiter::Hand(std::unique_ptr<Batch> batch) {
  {
    std::unique_lock lock(pool_->mu);
    // Backpressure on our own thread only: writers never wait for us. A consumer that
    // falls far behind is lapped and told how many messages it missed.
    pool_->cv.wait(lock, [&] { return pool_->outstanding < BatchPool::kOutstanding || stopping_; });
    if (stopping_) return;
    ++pool_->outstanding;
  }
  batch->pool = pool_;
  if (std::unique_ptr<Batch> refused = handoff_(std::move(batch))) {
    refused->pool.reset();
    std::lock_guard lock(pool_->mu);
    --pool_->outstanding;
  }
}

void Waiter::Main(uint32_t seenPresence) {
  Reader& reader = *reader_;
  uint64_t nextReap = MonotonicMs() + 1000;
  Spinner spinner;
  while (!stopping_) {
    const uint32_t seen = ch_.FutexValue();  // read before polling: see Channel::Sleep
    std::unique_ptr<Batch> batch = pool_->Take();
    const uint64_t before = reader.position();
    reader.Poll(*batch, kBatchEvents, kBatchBytes);
    const bool moved = reader.position() != before;
    const uint64_t now = MonotonicMs();
    if (ch_.PresenceGeneration() != seenPresence || now >= nextReap) {
      // Reaping here is how a SIGKILLed participant leaves the room.
      std::vector<Participant> parts = ch_.Participants(true);
      nextReap = now + 1000;
      const uint32_t g = ch_.PresenceGeneration();
      if (g != seenPresence) {
        seenPresence = g;
        batch->hasPresence = true;
        batch->participants = std::move(parts);
      }
    }
    if (!batch->empty()) {
      Hand(std::move(batch));
      continue;
    }
    pool_->Keep(std::move(batch));
    // Only skipped (own) records this time: there may be more; never deliver an empty batch.
    if (moved) continue;
    uint64_t timeout = std::min<uint64_t>(500, nextReap > now ? nextReap - now : 1);
    if (const uint64_t stall = reader.StallDeadline(); stall != 0) {
      timeout = std::min<uint64_t>(timeout, stall > now ? stall - now + 1 : 1);
    }
    if (lowLatency_ && spinner.Spin(ch_, seen)) continue;
    ch_.Sleep(seen, static_cast<int>(timeout));
    if (ch_.FutexValue() == seen) pool_->DropSpares();  // woke by timeout: the room is idle
  }
}

}  // namespace shmscope::chan
