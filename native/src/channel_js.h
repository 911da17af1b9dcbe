// Conversions between the channel core's C++ values and JavaScript values.
#pragma once
#include <napi.h>

#include <string>
#include <string_view>
#include <vector>

#include "channel.h"
#include "channel_delivery.h"
#include "channel_segment.h"

namespace shmscope::chan_js {

// A ChannelError as the matching JS error: an OS error, a RangeError (ERANGE) or a coded Error.
[[noreturn]] void Rethrow(Napi::Env env, const chan::ChannelError& e, const std::string& subject);

Napi::Array ParticipantsToJs(Napi::Env env, const std::vector<chan::Participant>& ps);

// channelDescribe's object; participants null when !withParticipants.
Napi::Object DescriptionToJs(Napi::Env env, const chan::Description& d, bool withParticipants);

// A batch as JS sees it (decoded by main/native-batch.ts): `bytes`, one copy of the batch's
// bytes, and `meta`, kMetaStride doubles per event:
//   message: 0, seq, pid, slot (-1: none), time, nickAt, nickLength, textAt, textLength,
//            ascii (bit 0: the nick, bit 1: the text is all ASCII, so Latin-1 decoding gives
//            the same string, about twice as fast)
//   missed:  1, count, reason (0 lapped, 1 unblocked, 2 corrupt), 0 …
// Building one object per message through N-API cost more than the rest of the path;
// JavaScript builds them several times faster from these two arrays.
constexpr size_t kMetaStride = 10;
struct PackedBatch {
  Napi::ArrayBuffer bytes;
  Napi::Float64Array meta;
};
PackedBatch PackBatch(Napi::Env env, const chan::Batch& batch);

// A JS string's UTF-8 bytes, written into `buffer` (reused: no allocation per call once
// grown). Longer than `maxBytes` → RangeError like Channel::Send's, naming the length.
std::string_view TextArg(Napi::Env env, const Napi::Value& value, std::vector<char>& buffer, size_t maxBytes,
                         const char* what, const std::string& subject);

}  // namespace shmscope::chan_js
