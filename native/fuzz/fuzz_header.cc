// libFuzzer target: the input is a whole segment image. ValidateHeader must either
// reject it with a ChannelError or return a geometry that really fits the image; a
// valid image's presence table is then parsed (and reaped) like an attach would.
#include <cstdio>

#include "../src/channel.h"
#include "fuzz_support.h"

using namespace shmscope::chan;
using shmscope::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  shmscope::fuzz::Image image(size);
  if (size != 0) std::memcpy(image.data(), data, size);
  Geometry g;
  try {
    g = ValidateHeader(image.data(), image.size());
  } catch (const ChannelError& e) {
    Require(e.code == "ECHANNEL" || e.code == "EINIT", "unexpected error code");
    return 0;
  }
  // Everything the reader and writer index with must lie inside the image.
  Require(g.segmentSize <= size, "segment size within the image");
  Require(g.ringOffset + g.ringSize == g.segmentSize, "ring ends the segment");
  Require(g.presenceOffset + uint64_t{g.slots} * kSlotSize <= g.ringOffset, "presence before ring");
  Require((g.ringSize & (g.ringSize - 1)) == 0, "ring is a power of two");
  Require(g.maxPayload + kRecordHeader + kMaxNick <= g.ringSize, "a max message fits the ring");
  Require(g.name.size() >= 1 && g.name.size() <= kMaxNameLength, "name length");
  Channel ch(image.data(), g, /*writable=*/true);
  for (const Participant& p : ch.Participants(false)) {
    Require(p.slot < g.slots && p.nick.size() <= kMaxNick, "participant in range");
  }
  ch.Participants(true);  // reaping writes only owner words inside the table
  uint64_t position = 0, seq = 0;
  ch.ReadTail(position, seq);
  return 0;
}
