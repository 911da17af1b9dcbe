// Delivery of a channel's events to a consumer, in plain C++ (no N-API), so it can be
// tested and reasoned about like the reader. One Waiter thread per started Channel sleeps
// on the shared futex, polls its Reader into pooled Batches and hands each batch to a
// Handoff (the addon's: one ThreadSafeFunction call per batch). History reads fill the
// same Batch type, so JavaScript decodes one format.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "channel.h"

namespace shmscope::chan {

struct BatchPool;

// Events whose bytes all live in one buffer: each message's record is copied once, by
// the reader, into `bytes`, and its nick and text are kept as offsets into it.
struct Batch final : EventSink {
  struct Item {
    Event::Kind kind;
    uint64_t missed;
    const char* reason;      // lapped | unblocked | corrupt
    uint64_t seq, timeMs;
    uint32_t pid, slot;
    uint32_t nickAt, nickLength, textAt, textLength;  // into bytes
    bool nickAscii, textAscii;  // all bytes < 0x80: JS may decode them as Latin-1 (cheaper)
  };
  std::vector<Item> items;
  std::vector<uint8_t> bytes;  // grown, never shrunk while pooled; `used` is the filled part
  size_t used = 0, room = 0;
  bool hasPresence = false;
  std::vector<Participant> participants;
  std::shared_ptr<BatchPool> pool;  // set while handed over: where the batch goes back

  uint8_t* Room(size_t n) override;
  void Message(const MessageView& m) override;
  void Missed(uint64_t count, const char* reason) override;
  bool empty() const { return items.empty() && !hasPresence; }
  void Clear();
};

// Whether every byte is < 0x80 (checked 8 bytes at a time, on the waiter thread).
bool IsAscii(std::string_view s);

// Bounds of one batch: more would only delay the first message of the next batch and
// grow the pooled buffers.
constexpr size_t kBatchBytes = size_t{1} << 20;
constexpr size_t kBatchEvents = 1024;

// Everything still intact in the ring, oldest first (missed notices included), into one batch.
void ReadHistory(Channel& channel, Batch& out);

// Flow control between the waiter thread and the consumer, and the batches it recycles.
// Shared with handed-over batches, so a batch given back after its Waiter is gone is fine.
struct BatchPool {
  static constexpr int kOutstanding = 4;       // handed over, not given back yet
  static constexpr size_t kSpare = kOutstanding + 1;
  std::mutex mu;
  std::condition_variable cv;
  int outstanding = 0;
  std::atomic<bool> stopped{false};
  // A busy room reuses the same few buffers instead of allocating, freeing (and having
  // glibc trim and re-fault) megabytes per batch. Emptied when the room goes idle.
  std::vector<std::unique_ptr<Batch>> spare;

  std::unique_ptr<Batch> Take();
  // The consumer is done with a handed-over batch (any thread).
  static void GiveBack(std::unique_ptr<Batch> batch);
  void Keep(std::unique_ptr<Batch> batch);  // an unused batch, not handed over
  void DropSpares();
};

class Waiter {
 public:
  // Called on the waiter thread with a non-empty batch whose `pool` is set. It owns the
  // batch from then on and must pass it to BatchPool::GiveBack once done; it returns the
  // batch (to be dropped) when it cannot take it.
  using Handoff = std::function<std::unique_ptr<Batch>(std::unique_ptr<Batch>)>;

  // The reader's start position is the caller's (taken on the caller's thread);
  // seenPresence is the presence generation the caller has already reported.
  Waiter(Channel& channel, std::unique_ptr<Reader> reader, uint32_t seenPresence, bool lowLatency, Handoff handoff);
  ~Waiter() { Stop(); }
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;

  // Stops and joins the thread; no callbacks into the consumer (safe at environment teardown).
  void Stop();
  void SetLowLatency(bool on) { lowLatency_ = on; }

 private:
  void Main(uint32_t seenPresence);
  void Hand(std::unique_ptr<Batch> batch);

  Channel& ch_;
  std::unique_ptr<Reader> reader_;
  Handoff handoff_;
  std::shared_ptr<BatchPool> pool_ = std::make_shared<BatchPool>();
  std::atomic<bool> stopping_{false};
  std::atomic<bool> lowLatency_;
  std::thread thread_;
};

}  // namespace shmscope::chan
