#include "channel_segment.h"

#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <time.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace shmscope::chan {
namespace {

std::string KeyText(uint32_t key) {
  char text[16];
  snprintf(text, sizeof text, "0x%08x", key);
  return text;
}

void SleepMs(int ms) {
  timespec ts{0, ms * 1000000L};
  nanosleep(&ts, nullptr);
}

// Waits (bounded: ~2 s) while the creator is still filling in the header: another
// process may have won shmget(IPC_EXCL) and not yet run InitializeHeader (a preempted
// creator on a loaded machine). A header that stays unwritten is refused after that.
Geometry ValidateWhenReady(const uint8_t* base, uint64_t size) {
  constexpr int kWaitMs = 2000;
  for (int waited = 0;; waited += 5) {
    try {
      return ValidateHeader(base, size);
    } catch (const ChannelError& e) {
      if (e.code != "EINIT") throw;
      if (waited >= kWaitMs) {
        throw ChannelError("ECHANNEL", "not a shmscope channel: its header stayed unwritten (no magic, no READY state) for " +
                                           std::to_string(kWaitMs / 1000) + " s");
      }
    }
    SleepMs(5);
  }
}

}  // namespace

Attachment::~Attachment() {
  if (base != nullptr) shmdt(base);
}

// Maps every ring page into this process at open. Otherwise the first lap of the ring
// pays a page fault per 4 KiB in the writer and again in every reader, inside the
// message path (the first 16 MiB of 4 KiB messages measured ~2x slower). The kernel
// does it without touching the bytes, so it is safe while others use the room. Best
// effort: on kernels before 5.14 (EINVAL) the first lap just stays slower.
namespace {
void PrefaultRing(const Attachment& a) {
#ifdef MADV_POPULATE_WRITE
  (void)madvise(a.base + a.geometry.ringOffset, a.geometry.ringSize, MADV_POPULATE_WRITE);
#endif
}
}  // namespace

std::unique_ptr<Attachment> OpenChannelSegment(const OpenOptions& o) {
  const uint64_t wanted = SegmentSizeFor(o.ringSize, o.slots);
  const std::string subject = "room '" + o.name + "' (key " + KeyText(o.key) + ")";
  // A few rounds: the segment can be removed between shmget and shmat.
  for (int round = 0; round < 5; ++round) {
    auto a = std::make_unique<Attachment>();
    if (o.create) {
      a->shmid = shmget(static_cast<key_t>(o.key), wanted, IPC_CREAT | IPC_EXCL | (o.mode & 0777));
      if (a->shmid >= 0) {
        void* p = shmat(a->shmid, nullptr, 0);
        if (p == reinterpret_cast<void*>(-1)) {
          const int err = errno;
          shmctl(a->shmid, IPC_RMID, nullptr);
          throw ChannelError("", subject + ": shmat failed", err, "shmat");
        }
        a->base = static_cast<uint8_t*>(p);
        a->size = wanted;
        a->created = true;
        InitializeHeader(a->base, wanted, o.name, o.ringSize, o.slots);
        a->geometry = ValidateHeader(a->base, a->size);
        PrefaultRing(*a);
        return a;
      }
      if (errno != EEXIST) throw ChannelError("", subject + ": shmget failed", errno, "shmget");
    }
    a->shmid = shmget(static_cast<key_t>(o.key), 0, 0);
    if (a->shmid < 0) {
      if (errno == ENOENT && o.create) continue;  // removed meanwhile: create it
      if (errno == ENOENT) throw ChannelError("ENOENT", subject + ": no such room");
      throw ChannelError("", subject + ": shmget failed", errno, "shmget");
    }
    struct shmid_ds ds {};
    if (shmctl(a->shmid, IPC_STAT, &ds) != 0) throw ChannelError("", subject + ": shmctl(IPC_STAT) failed", errno, "shmctl");
    void* p = shmat(a->shmid, nullptr, 0);
    if (p == reinterpret_cast<void*>(-1)) {
      if (errno == EIDRM || errno == EINVAL) continue;
      throw ChannelError("", subject + ": shmat failed", errno, "shmat");
    }
    a->base = static_cast<uint8_t*>(p);
    a->size = ds.shm_segsz;  // the kernel's size, not the header's claim
    try {
      a->geometry = ValidateWhenReady(a->base, a->size);
    } catch (const ChannelError& e) {
      throw ChannelError(e.code,
                         "key " + KeyText(o.key) + " is in use by a segment that is not a usable channel: " + e.what());
    }
    if (a->geometry.name != o.name) {
      throw ChannelError("EEXIST", "key " + KeyText(o.key) + " already holds room '" + a->geometry.name +
                                       "', not '" + o.name + "' (room names collide on this key)");
    }
    PrefaultRing(*a);  // the validated geometry lies inside the kernel's segment size
    return a;
  }
  throw ChannelError("EAGAIN", subject + ": segment kept disappearing while opening it");
}

bool DescribeChannelSegment(int shmid, Description& out, std::string& whyNot) {
  struct shmid_ds ds {};
  if (shmctl(shmid, IPC_STAT, &ds) != 0) { whyNot = "shmctl(IPC_STAT) failed"; return false; }
  if (ds.shm_segsz < kHeaderSize) { whyNot = "too small"; return false; }
  void* p = shmat(shmid, nullptr, SHM_RDONLY);
  if (p == reinterpret_cast<void*>(-1)) { whyNot = "shmat failed"; return false; }
  Attachment a;
  a.base = static_cast<uint8_t*>(p);
  a.size = ds.shm_segsz;
  try {
    out.geometry = ValidateHeader(a.base, a.size);
  } catch (const ChannelError& e) {
    whyNot = e.what();
    return false;
  }
  Channel ch(a.base, out.geometry, false);
  ch.ReadTail(out.tail, out.nextSeq);
  out.participants = ch.Participants(false);
  return true;
}

bool DescribeChannelBytes(const uint8_t* bytes, size_t length, uint64_t segmentSize, Description& out,
                          bool& withParticipants, std::string& whyNot) {
  withParticipants = false;
  if (length < kHeaderSize || segmentSize < kHeaderSize) { whyNot = "too small"; return false; }
  // uint64_t storage: the channel's atomic loads need 8-byte alignment, a Buffer need not have it.
  std::vector<uint64_t> copy((length + 7) / 8);
  std::memcpy(copy.data(), bytes, length);
  uint8_t* base = reinterpret_cast<uint8_t*>(copy.data());
  try {
    out.geometry = ValidateHeader(base, segmentSize);
  } catch (const ChannelError& e) {
    whyNot = e.what();
    return false;
  }
  Channel ch(base, out.geometry, false);
  ch.ReadTail(out.tail, out.nextSeq);
  // Validated: presenceOffset is kHeaderSize and slots <= kMaxSlots, so this cannot overflow.
  withParticipants = length >= out.geometry.presenceOffset + uint64_t{out.geometry.slots} * kSlotSize;
  if (withParticipants) out.participants = ch.Participants(false);
  return true;
}

}  // namespace shmscope::chan
