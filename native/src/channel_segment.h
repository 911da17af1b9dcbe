// Finding, creating and attaching the System V segment behind a chat room. SysV (not
// POSIX) because nobody can truncate a SysV segment under us: no SIGBUS from a peer.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "channel.h"

namespace shmscope::chan {

struct OpenOptions {
  std::string name;
  uint32_t key = 0;
  bool create = true;
  unsigned mode = 0600;
  uint64_t ringSize = kDefaultRing;
  uint32_t slots = kDefaultSlots;
};

// An shmat() mapping, detached on destruction.
struct Attachment {
  int shmid = -1;
  uint8_t* base = nullptr;
  uint64_t size = 0;
  bool created = false;
  Geometry geometry;
  Attachment() = default;
  Attachment(const Attachment&) = delete;
  Attachment& operator=(const Attachment&) = delete;
  ~Attachment();
};

// Opens the room's segment (creating it with IPC_CREAT|IPC_EXCL when allowed and
// absent), waits a bounded time for a creator to finish, validates the header and
// checks that it holds this room. Throws ChannelError.
std::unique_ptr<Attachment> OpenChannelSegment(const OpenOptions& options);

struct Description {
  Geometry geometry;
  uint64_t tail = 0;
  uint64_t nextSeq = 0;
  std::vector<Participant> participants;
};

// Read-only look at a segment for the scanner: false (with the reason) when it is not
// a valid channel. Never writes to the segment.
bool DescribeChannelSegment(int shmid, Description& out, std::string& whyNot);

// The same look at bytes already copied out of a segment (e.g. pread through another
// process's mapping, so nothing attaches): validates the header with ValidateHeader
// against the kernel's segment size. Participants are read only when the copy covers the
// presence table (*withParticipants says so). Works on a private aligned copy.
bool DescribeChannelBytes(const uint8_t* bytes, size_t length, uint64_t segmentSize, Description& out,
                          bool& withParticipants, std::string& whyNot);

}  // namespace shmscope::chan
