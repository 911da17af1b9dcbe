// Presence table (who is in the room) and the futex wakeups.
#include <linux/futex.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "channel.h"
#include "channel_fuzz_hook.h"

namespace shmscope::chan {
namespace {

// pid_max can be at most 2^22 on 64-bit Linux. Anything else read from the segment
// must never reach kill(): kill(0) and kill(-1) address groups of processes.
bool PlausiblePid(uint32_t pid) { return pid > 0 && pid <= (1u << 22); }

}  // namespace

uint64_t ProcessStartTime(uint32_t pid) {
  if (!PlausiblePid(pid)) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command (field 2) may contain spaces and ')': fields resume after the last ')'.
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(text.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22 && (rest >> field); ++i) {
    if (i == 22) return std::strtoull(field.c_str(), nullptr, 10);
  }
  return 0;
}

bool ProcessAlive(uint32_t pid, uint64_t startTime) {
  if (!PlausiblePid(pid)) return false;
  if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return false;
  // Same pid but a different start time: the owner died and the pid was reused.
  const uint64_t now = ProcessStartTime(pid);
  return startTime == 0 || now == 0 || now == startTime;
}

uint32_t Channel::Join(std::string_view nick, bool quiet) {
  if (!writable_) throw ChannelError("EACCES", "channel is attached read-only");
  if (slot_ != kNoSlot) throw ChannelError("EALREADY", "already joined this room");
  if (nick.size() > kMaxNick) throw ChannelError("ERANGE", "nick must be at most 32 bytes of UTF-8");
  for (int round = 0; round < 2; ++round) {
    for (uint32_t i = 0; i < geo_.slots; ++i) {
      uint8_t* s = SlotAt(i);
      auto owner = At64(s - base_ + kSlotOwner);
      uint64_t seen = owner.load(std::memory_order_acquire);
      if (OwnerState(seen) != kSlotFree) continue;
      const uint32_t epoch = OwnerEpoch(seen) + 1;
      if (!owner.compare_exchange_strong(seen, MakeOwner(pid_, epoch, kSlotJoining), std::memory_order_acq_rel)) continue;
      At64(s - base_ + kSlotStartTime).store(startTime_, std::memory_order_relaxed);
      At64(s - base_ + kSlotJoinedAt).store(NowMs(), std::memory_order_relaxed);
      s[kSlotNickLength] = static_cast<uint8_t>(nick.size());
      s[kSlotFlags] = quiet ? kSlotQuiet : 0;
      std::memcpy(s + kSlotNick, nick.data(), nick.size());
      slotOwner_ = MakeOwner(pid_, epoch, kSlotActive);
      owner.store(slotOwner_, std::memory_order_release);
      slot_ = i;
      nick_ = std::string(nick);
      BumpPresence();
      return i;
    }
    Participants(true);  // free the slots of the dead, then try once more
  }
  throw ChannelError("ECHANNEL", "room is full (" + std::to_string(geo_.slots) + " participants)");
}

void Channel::Leave() {
  if (slot_ == kNoSlot) return;
  uint64_t expected = slotOwner_;
  // Fails only if someone reaped us meanwhile (they thought we were dead): fine either way.
  At64(SlotAt(slot_) - base_ + kSlotOwner)
      .compare_exchange_strong(expected, MakeOwner(0, OwnerEpoch(slotOwner_) + 1, kSlotFree), std::memory_order_acq_rel);
  slot_ = kNoSlot;
  BumpPresence();
}

std::vector<Participant> Channel::Participants(bool reap) {
  std::vector<Participant> out;
  bool reaped = false;
  for (uint32_t i = 0; i < geo_.slots; ++i) {
    const uint8_t* s = SlotAt(i);
    auto owner = At64(s - base_ + kSlotOwner);
    uint64_t w1 = owner.load(std::memory_order_acquire);
    const uint32_t state = OwnerState(w1);
    if (state != kSlotActive && state != kSlotJoining) continue;
    Participant p;
    p.slot = i;
    p.pid = OwnerPid(w1);
    SHMSCOPE_BETWEEN_LOADS();
    const uint64_t startTime = At64(s - base_ + kSlotStartTime).load(std::memory_order_relaxed);
    p.joinedAt = At64(s - base_ + kSlotJoinedAt).load(std::memory_order_relaxed);
    uint8_t nickLength = __atomic_load_n(s + kSlotNickLength, __ATOMIC_RELAXED);
    p.quiet = (__atomic_load_n(s + kSlotFlags, __ATOMIC_RELAXED) & kSlotQuiet) != 0;
    if (nickLength > kMaxNick) nickLength = kMaxNick;  // scribbled: clamp, never overrun the slot
    p.nick.resize(nickLength);
    for (size_t k = 0; k < nickLength; ++k) p.nick[k] = static_cast<char>(__atomic_load_n(s + kSlotNick + k, __ATOMIC_RELAXED));
    SHMSCOPE_BETWEEN_LOADS();
    std::atomic_thread_fence(std::memory_order_acquire);
    if (owner.load(std::memory_order_relaxed) != w1) continue;  // changed while copying: skip this round
    const bool alive = ProcessAlive(p.pid, state == kSlotActive ? startTime : 0);
    if (!alive) {
      if (reap && writable_ &&
          owner.compare_exchange_strong(w1, MakeOwner(0, OwnerEpoch(w1) + 1, kSlotFree), std::memory_order_acq_rel)) {
        reaped = true;
      }
      continue;
    }
    if (state == kSlotActive) out.push_back(std::move(p));
  }
  if (reaped) BumpPresence();
  return out;
}

uint32_t Channel::PresenceGeneration() const { return At32(kOffPresenceGen).load(std::memory_order_acquire); }

void Channel::BumpPresence() {
  At32(kOffPresenceGen).fetch_add(1, std::memory_order_acq_rel);
  Notify();
}

uint32_t Channel::FutexValue() const { return At32(kOffFutex).load(std::memory_order_seq_cst); }

void Channel::Notify() {
  // Dekker pairing with Sleep(): bump, then look for sleepers (both seq_cst), so either
  // we see the sleeper and wake it, or its FUTEX_WAIT sees the new value and returns.
  At32(kOffFutex).fetch_add(1, std::memory_order_seq_cst);
  if (At32(kOffSleepers).load(std::memory_order_seq_cst) != 0) {
    // No FUTEX_PRIVATE_FLAG: the word is shared between processes.
    syscall(SYS_futex, base_ + kOffFutex, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
  }
}

void Channel::Sleep(uint32_t seen, int timeoutMs) {
  if (timeoutMs <= 0) return;
  timespec ts{timeoutMs / 1000, static_cast<long>(timeoutMs % 1000) * 1000000L};
  At32(kOffSleepers).fetch_add(1, std::memory_order_seq_cst);
  // Returns at once (EAGAIN) when the word moved since `seen`; always bounded by the timeout,
  // so a scribbled sleeper count or futex word can cost wakeups, never a hang.
  syscall(SYS_futex, base_ + kOffFutex, FUTEX_WAIT, seen, &ts, nullptr, 0);
  At32(kOffSleepers).fetch_sub(1, std::memory_order_seq_cst);
}

}  // namespace shmscope::chan
