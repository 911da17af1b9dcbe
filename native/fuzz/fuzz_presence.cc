// libFuzzer target: presence parsing. Input: [slots][table bytes...][script]. A valid
// header is written, the presence table is overlaid from the input (any owner words,
// nick lengths, start times), then a script of joins, leaves, listings and reaps runs,
// with scribbles into the table landing between the core's loads.
#include <unistd.h>

#include <cstdio>

#include "../src/channel.h"
#include "fuzz_support.h"

using namespace shmscope::chan;
using shmscope::fuzz::Require;
using shmscope::fuzz::Script;

namespace {

// One scribble into the presence table, or a plausible owner word for a slot.
void Scribble(Script& s, const Geometry& g, uint8_t* base) {
  const uint64_t tableBytes = uint64_t{g.slots} * kSlotSize;
  const uint8_t kind = s.U8();
  const uint32_t slot = s.U16() % g.slots;
  uint8_t* at = base + g.presenceOffset + uint64_t{slot} * kSlotSize;
  switch (kind % 4) {
    case 0: {  // raw bytes anywhere in the table
      const uint64_t off = s.U16() % tableBytes;
      uint8_t n = s.U8() % 32;
      if (off + n > tableBytes) n = static_cast<uint8_t>(tableBytes - off);
      s.Take(base + g.presenceOffset + off, n);
      break;
    }
    case 1: {  // an owner that is us, a dead pid, or pid 0 / 1 (never signalled)
      const uint32_t pids[] = {static_cast<uint32_t>(getpid()), shmscope::fuzz::kDeadPid, 0, 1};
      const uint64_t owner = MakeOwner(pids[s.U8() % 4], s.U8(), s.U8() % 4);
      std::memcpy(at + kSlotOwner, &owner, 8);
      break;
    }
    case 2: at[kSlotNickLength] = s.U8(); break;  // nick length beyond 32
    default: { uint64_t t = s.U64(); std::memcpy(at + kSlotStartTime, &t, 8); break; }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Script s(data, size);
  const uint32_t slots = 1 + s.U8() % 16;
  const uint64_t segmentSize = SegmentSizeFor(kMinRing, slots);
  shmscope::fuzz::Image image(segmentSize);
  InitializeHeader(image.data(), segmentSize, "fuzz-presence", kMinRing, slots);
  const Geometry g = ValidateHeader(image.data(), segmentSize);
  s.Take(image.data() + g.presenceOffset, s.U16() % (uint64_t{slots} * kSlotSize + 1));
  Channel ch(image.data(), g, true);
  shmscope::fuzz::ScopedBetweenLoads hook([&] {
    if (s.Peek() & 0x80) { s.U8(); Scribble(s, g, image.data()); }
  });
  for (int step = 0; step < 256 && !s.done(); ++step) {
    switch (s.U8() % 5) {
      case 0:
        try {
          char nick[kMaxNick + 1];
          const size_t n = s.Take(reinterpret_cast<uint8_t*>(nick), s.U8() % (kMaxNick + 1));
          const uint32_t slot = ch.Join({nick, n});
          Require(slot < slots, "joined slot in range");
        } catch (const ChannelError&) { /* full, or already joined */ }
        break;
      case 1: ch.Leave(); break;
      case 2:
      case 3:
        for (const Participant& p : ch.Participants(s.U8() & 1)) {
          Require(p.slot < slots && p.nick.size() <= kMaxNick, "participant in range");
        }
        break;
      default: Scribble(s, g, image.data()); break;
    }
  }
  return 0;
}
