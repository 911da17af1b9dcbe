// Writes the checked-in seed corpus (native/fuzz/corpus/<target>/seed-*): valid channel
// images made with the real InitializeHeader + Channel::Send + Join, near-misses of
// them, and reader/presence scripts that reach each protocol path (laps, abandoned and
// stalled claims, sends between the reader's loads, a late joiner's replay).
// Run by `node scripts/fuzz.mjs --seeds`; the fuzzers take it from there.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "../src/channel.h"
#include "fuzz_support.h"

using namespace shmscope::chan;
using Bytes = std::vector<uint8_t>;

namespace {

std::string root;

void Save(const std::string& target, const std::string& name, const Bytes& bytes) {
  const std::string path = root + "/" + target + "/seed-" + name;
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// A valid image of `ring` bytes with `messages` sends and `members` joined.
Bytes ChannelImage(uint64_t ring, uint32_t slots, int messages, int members) {
  const uint64_t size = SegmentSizeFor(ring, slots);
  shmscope::fuzz::Image image(size);
  InitializeHeader(image.data(), size, "seed-room", ring, slots);
  Channel ch(image.data(), ValidateHeader(image.data(), size), true);
  std::vector<Channel*> others;
  for (int i = 0; i < members && i < static_cast<int>(slots); ++i) {
    others.push_back(new Channel(image.data(), ch.geometry(), true));
    others.back()->Join("member-" + std::to_string(i));
  }
  for (int i = 0; i < messages; ++i) ch.Send(std::string(5 + (i * 37) % 200, static_cast<char>('a' + i % 26)));
  for (Channel* c : others) delete c;  // no Leave(): the slots stay as a crashed peer's would
  return Bytes(image.data(), image.data() + size);
}

void Put16(Bytes& b, uint16_t v) { b.push_back(v & 0xff); b.push_back(v >> 8); }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) { std::fprintf(stderr, "usage: seed_writer CORPUS_ROOT\n"); return 2; }
  root = argv[1];

  // ---- header: whole images ----
  Save("header", "empty-4k", ChannelImage(4096, 1, 0, 0));
  Save("header", "chat-4k", ChannelImage(4096, 2, 12, 2));
  Save("header", "lapped-8k", ChannelImage(8192, 16, 200, 5));
  {
    Bytes b = ChannelImage(4096, 1, 3, 1);
    const uint32_t init = kStateInit;
    std::memcpy(b.data() + kOffState, &init, 4);
    Save("header", "init-state", b);
    b = ChannelImage(4096, 1, 3, 1);
    const uint32_t next = kVersion + 1;  // a format this build does not speak
    std::memcpy(b.data() + kOffVersion, &next, 4);
    Save("header", "next-version", b);
    b = ChannelImage(4096, 1, 0, 0);
    b.resize(b.size() - 4096);  // header claims more than the segment has
    Save("header", "short", b);
  }

  // ---- presence: [slots][table length u16][table][script] ----
  {
    Bytes b{4};
    Put16(b, 0);
    for (uint8_t op : {0, 5, 0, 0, 2, 1, 3, 1, 0, 2}) { b.push_back(op); b.push_back(6); b.insert(b.end(), {'p', 'e', 'e', 'r', '-', '1'}); }
    Save("presence", "join-leave", b);
    Bytes c{8};
    Put16(c, 8 * kSlotSize);
    const Bytes img = ChannelImage(4096, 8, 0, 8);
    c.insert(c.end(), img.begin() + kHeaderSize, img.begin() + kHeaderSize + 8 * kSlotSize);
    for (uint8_t op : {2, 1, 4, 1, 0, 0x81, 1, 2, 3, 0, 2, 0}) c.push_back(op);
    Save("presence", "full-table-reap", c);
  }

  // ---- reader: [ring][flags][overlay][script] ----
  auto send = [](Bytes& b, uint16_t len, bool inHook = false) { b.push_back(inHook ? 0x80 : 0); Put16(b, len); };
  auto poll = [](Bytes& b, uint8_t n) { b.push_back(7); b.push_back(n); };
  {
    Bytes b{0, 0};
    for (int i = 0; i < 20; ++i) { send(b, 10 + i * 13); if (i % 3 == 2) poll(b, 8); }
    Save("reader", "sends-polls", b);
  }
  {
    Bytes b{0, 0};  // the writer laps the reader (4 KiB ring, ~40 sends of ~200 bytes)
    for (int i = 0; i < 40; ++i) send(b, 200);
    poll(b, 8);
    for (int i = 0; i < 10; ++i) { send(b, 100); poll(b, 2); }
    Save("reader", "lapped", b);
  }
  {
    Bytes b{1, 0};  // a writer dies between claim and commit, another keeps sending
    send(b, 40);
    b.push_back(2); Put16(b, 64);
    send(b, 50);
    poll(b, 8);
    b.push_back(3); Put16(b, 30);  // one that stalls (live pid)
    send(b, 20);
    poll(b, 8);
    Save("reader", "abandoned-claims", b);
  }
  {
    Bytes b{0, 0};  // sends land between the reader's loads: mid-copy, mid-check
    for (int i = 0; i < 8; ++i) send(b, 30);
    b.push_back(7); b.push_back(8);
    for (int i = 0; i < 30; ++i) send(b, 150, true);
    poll(b, 8);
    Save("reader", "sends-between-loads", b);
  }
  {
    Bytes b{2, 2, 10};  // history, then a late joiner replays it
    for (int i = 0; i < 10; ++i) Put16(b, 300 + i);
    poll(b, 4);
    send(b, 1000);
    poll(b, 8);
    Save("reader", "late-joiner", b);
  }
  {
    Bytes b{0, 1};  // a hostile ring: a real image's ring bytes, then scribbles
    const Bytes img = ChannelImage(4096, 2, 30, 0);
    Put16(b, 4096);
    const uint64_t ringOffset = img.size() - 4096;
    b.insert(b.end(), img.begin() + ringOffset, img.end());
    uint64_t tail;
    std::memcpy(&tail, img.data() + kOffTail, 8);
    for (int i = 0; i < 8; ++i) b.push_back(static_cast<uint8_t>(tail >> (8 * i)));
    poll(b, 8);
    b.push_back(4); for (uint8_t x : {0, 0x20, 0, 0, 16}) b.push_back(x); for (int i = 0; i < 16; ++i) b.push_back(0xff);
    poll(b, 8);
    b.push_back(5); for (int i = 0; i < 8; ++i) b.push_back(i == 7 ? 0x80 : 0);
    poll(b, 8);
    Save("reader", "hostile-ring", b);
  }
  std::printf("seeds written under %s\n", root.c_str());
  return 0;
}
