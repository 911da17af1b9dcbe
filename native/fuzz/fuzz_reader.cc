// libFuzzer target: the record reader on a segment image whose records change between
// the reader's loads. Input layout (docs in native/fuzz/README.md):
//   [ring][flags][overlay length u16][overlay bytes][script ops...]
// The harness writes a valid header for a small ring, optionally overlays the input's
// bytes onto the ring (a hostile image), then runs script ops: sends by a real writer,
// claims abandoned by a dead pid or stalled by a live one, scribbles, tail rewrites and
// polls. An op byte with the top bit set is run from inside the reader, between two of
// its loads (channel_fuzz_hook.h), so records are overwritten mid-copy and mid-check.
//
// Oracles, besides ASan/UBSan and libFuzzer's timeout: every event is well-formed and
// Poll is bounded; when nothing hostile happened (no overlay, scribble or tail rewrite)
// every delivered message is byte-for-byte the one sent with that sequence number, in
// increasing order, and delivered + missed accounts for every sequence number. Finally the
// history is read into a Batch (the addon's delivery type): every item's bytes lie inside
// the batch, its ASCII flags are right, and on a clean image every message is the one sent.
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "../src/channel.h"
#include "../src/channel_delivery.h"
#include "fuzz_support.h"

using namespace shmscope::chan;
using shmscope::fuzz::Require;
using shmscope::fuzz::Script;

namespace {

struct Harness {
  Script& s;
  uint8_t* base;
  Geometry g;
  Channel& writer;
  Reader& reader;
  bool hostile = false;
  std::vector<std::string> sent;  // sent[seq - 1], "" for seqs taken by abandoned claims
  std::vector<Event> events;

  // Claims space like Channel::Send but never commits: the writer "dies" (dead pid) or
  // "stalls" (our own pid, alive) between claim and commit.
  void Claim(uint32_t pid, uint64_t length) {
    auto tail = writer.At64(kOffTail);
    const uint64_t position = AlignUp(tail.load());
    const uint64_t total = AlignUp(kRecordHeader + length % (g.maxPayload + 1));
    const uint64_t off = position & (g.ringSize - 1);
    if (off + total > g.ringSize) return;  // Send would pad first; keep this op simple
    uint8_t* rec = base + g.ringOffset + off;
    std::memcpy(rec + kRecPid, &pid, 4);
    const uint32_t len32 = static_cast<uint32_t>(total);
    std::memcpy(rec + kRecLength, &len32, 4);
    writer.At64(g.ringOffset + off + kRecPosition).store(position);
    writer.At64(g.ringOffset + off + kRecWord).store(MakeWord(position, total, kRecordClaimed));
    tail.store(position + total);
    writer.At64(kOffTail + 8).fetch_add(1);
    if (!hostile) sent.emplace_back();
  }

  void Send(uint16_t length) {
    std::string text(length % (g.maxPayload + 1), '\0');
    const uint64_t seq = hostile ? 0 : sent.size() + 1;
    // Every fourth text has its top bits set (not ASCII), for the batch's ASCII flags.
    const int high = seq % 4 == 3 ? 0x80 : 0;
    for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>(('a' + (seq * 7 + i) % 26) | high);
    try {
      const uint64_t got = writer.Send(text);
      if (!hostile) {
        Require(got == seq, "writer got the next sequence number");
        sent.push_back(std::move(text));
      }
    } catch (const ChannelError& e) {
      // A reader may reclaim a record we "stalled" on; a real Send never stalls here.
      Require(e.code == "ESTALLED" && hostile, "send failed on a clean image");
    }
  }

  void Poll(size_t maxEvents) {
    const size_t before = events.size();
    const size_t n = reader.Poll(events, maxEvents, 1 << 20);
    Require(n == events.size() - before, "Poll counts what it appends");
    Require(n <= maxEvents + 1, "Poll appends at most one missed event beyond the limit");
    Require(reader.position() % kAlign == 0, "reader position aligned");
  }

  // inReader: run from the hook, i.e. by "another process" while the reader is mid-step.
  // Polling (or anything else on this Reader) there would re-enter it, which no real
  // process can do: those ops do nothing then.
  void Op(uint8_t op, bool inReader = false) {
    switch (op % 8) {
      case 0: case 1: Send(s.U16()); break;
      case 2: Claim(shmscope::fuzz::kDeadPid, s.U16()); break;
      case 3: Claim(static_cast<uint32_t>(getpid()), s.U16()); break;
      case 4: {  // scribble anywhere past the geometry (which is copied once, at attach)
        hostile = true;
        const uint64_t span = g.segmentSize - kOffTail;
        const uint64_t off = kOffTail + s.U32() % span;
        uint8_t n = s.U8() % 64;
        if (off + n > g.segmentSize) n = static_cast<uint8_t>(g.segmentSize - off);
        s.Take(base + off, n);
        break;
      }
      case 5: hostile = true; writer.At64(kOffTail).store(s.U64()); break;
      case 6: writer.Participants(true); break;
      default: {
        const size_t n = 1 + s.U8() % 8;
        if (!inReader) Poll(n);
        break;
      }
    }
  }

  void Check() const {
    uint64_t lastSeq = 0, delivered = 0, missed = 0, first = 0;
    for (const Event& e : events) {
      if (e.kind == Event::kMissed) {
        Require(e.missed > 0, "missed count positive");
        if (first != 0) missed += e.missed;
        continue;
      }
      const Message& m = e.message;
      Require(m.nick.size() <= kMaxNick && m.text.size() <= g.maxPayload, "message within limits");
      if (hostile) continue;
      Require(m.seq >= 1 && m.seq <= sent.size(), "delivered seq was sent");
      Require(m.text == sent[m.seq - 1] && m.nick == "fuzz", "delivered message intact");
      Require(m.seq > lastSeq, "delivered in order, once");
      if (first == 0) first = m.seq;
      lastSeq = m.seq;
      ++delivered;
    }
    if (!hostile && first != 0) Require(delivered + missed == lastSeq - first + 1, "delivered + missed add up");
  }
};

bool AsciiBytes(std::string_view t) {
  for (unsigned char c : t) if (c >= 0x80) return false;
  return true;
}

void CheckHistoryBatch(const Harness& h) {
  Batch batch;
  ReadHistory(h.writer, batch);
  uint64_t lastSeq = 0;
  for (const Batch::Item& it : batch.items) {
    if (it.kind == Event::kMissed) {
      Require(it.missed > 0, "batch: missed count positive");
      continue;
    }
    Require(uint64_t{it.nickAt} + it.nickLength <= batch.used && uint64_t{it.textAt} + it.textLength <= batch.used,
            "batch: nick and text inside the filled bytes");
    Require(it.nickLength <= kMaxNick && it.textLength <= h.g.maxPayload, "batch: lengths within limits");
    const std::string_view nick(reinterpret_cast<const char*>(batch.bytes.data()) + it.nickAt, it.nickLength);
    const std::string_view text(reinterpret_cast<const char*>(batch.bytes.data()) + it.textAt, it.textLength);
    Require(it.nickAscii == AsciiBytes(nick) && it.textAscii == AsciiBytes(text), "batch: ASCII flags right");
    if (h.hostile) continue;
    Require(it.seq >= 1 && it.seq <= h.sent.size() && text == h.sent[it.seq - 1] && nick == "fuzz", "batch: history intact");
    Require(it.seq > lastSeq, "batch: history in order, once");
    lastSeq = it.seq;
  }
}

// Every record's time, pinned: the run then depends on the input only, not on the date.
// Chosen to be hostile: its high bits (ms >> 28) are the tag of position 107008 and its
// low nibble is PADDING, so if a time ever sat where a record can start again, a send
// at 107008 would be refused (format version 2; corpus/reader/regress-time-aliases-word,
// which the real clock failed in one run of 16, and only while ms >> 28 was 6688).
constexpr uint64_t kPinnedNowMs = (TagOf(107008) << 28) | kRecordPadding;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  shmscope::fuzz::PinnedNowMs() = kPinnedNowMs;
  Script s(data, size);
  const uint64_t ring = kMinRing << (s.U8() % 3);
  const uint8_t flags = s.U8();
  const uint64_t segmentSize = SegmentSizeFor(ring, 2);
  shmscope::fuzz::Image image(segmentSize);
  InitializeHeader(image.data(), segmentSize, "fuzz-reader", ring, 2);
  const Geometry g = ValidateHeader(image.data(), segmentSize);
  Channel writer(image.data(), g, true);
  writer.Join("fuzz");
  Reader reader(writer);
  Harness h{s, image.data(), g, writer, reader};
  if (flags & 1) {  // a hostile ring from the input, and wherever its tail says
    h.hostile = true;
    s.Take(image.data() + g.ringOffset, s.U16() % (ring + 1));
    writer.At64(kOffTail).store(s.U64());
  }
  if (flags & 2) {  // some history first, then a late joiner replays it
    for (int i = s.U8() % 16; i > 0; --i) h.Send(s.U16());
    reader.StartAtOldest();
  } else {
    reader.StartAtTail();
  }
  {
    shmscope::fuzz::ScopedBetweenLoads hook([&] {
      if (s.Peek() & 0x80) h.Op(s.U8(), true);
    });
    for (int step = 0; step < 512 && !s.done(); ++step) h.Op(s.U8());
  }
  // Drain what is left without interference (a live-pid stall stays stuck: fine).
  h.Send(3);
  for (int i = 0; i < 64; ++i) {
    const size_t before = h.events.size();
    h.Poll(64);
    if (h.events.size() == before) break;
  }
  h.Check();
  CheckHistoryBatch(h);
  return 0;
}
