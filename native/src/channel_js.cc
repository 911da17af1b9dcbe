// Conversions between the channel core and JavaScript (channel_js.h).
#include "channel_js.h"

#include <cstring>

#include "os_error.h"

namespace shmscope::chan_js {

using chan::ChannelError;

void Rethrow(Napi::Env env, const ChannelError& e, const std::string& subject) {
  if (e.err != 0) ThrowOsError(env, e.err, subject, e.syscall);
  if (e.code == "ERANGE") ThrowRangeError(env, subject, e.what());
  ThrowCodedError(env, e.code, subject, e.what());
}

Napi::Array ParticipantsToJs(Napi::Env env, const std::vector<chan::Participant>& ps) {
  Napi::Array a = Napi::Array::New(env, ps.size());
  for (size_t i = 0; i < ps.size(); ++i) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("slot", ps[i].slot);
    o.Set("pid", ps[i].pid);
    o.Set("nick", Napi::String::New(env, ps[i].nick));
    o.Set("joinedAt", static_cast<double>(ps[i].joinedAt));
    if (ps[i].quiet) o.Set("quiet", true);
    a.Set(static_cast<uint32_t>(i), o);
  }
  return a;
}

Napi::Object DescriptionToJs(Napi::Env env, const chan::Description& d, bool withParticipants) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", d.geometry.name);
  o.Set("version", chan::kVersion);
  o.Set("ringBytes", static_cast<double>(d.geometry.ringSize));
  o.Set("maxText", d.geometry.maxPayload);
  o.Set("slots", d.geometry.slots);
  o.Set("createdAt", static_cast<double>(d.geometry.createdMs));
  o.Set("messages", static_cast<double>(d.nextSeq > 0 ? d.nextSeq - 1 : 0));
  o.Set("participants", withParticipants ? Napi::Value(ParticipantsToJs(env, d.participants)) : env.Null());
  return o;
}

namespace {

double ReasonCode(const char* reason) {
  if (std::strcmp(reason, "unblocked") == 0) return 1;
  if (std::strcmp(reason, "corrupt") == 0) return 2;
  return 0;  // lapped
}

}  // namespace

PackedBatch PackBatch(Napi::Env env, const chan::Batch& batch) {
  Napi::ArrayBuffer bytes = Napi::ArrayBuffer::New(env, batch.used);
  if (batch.used != 0) std::memcpy(bytes.Data(), batch.bytes.data(), batch.used);
  Napi::Float64Array meta = Napi::Float64Array::New(env, batch.items.size() * kMetaStride);
  double* m = meta.Data();
  for (const chan::Batch::Item& it : batch.items) {
    if (it.kind == chan::Event::kMissed) {
      const double row[kMetaStride] = {1, static_cast<double>(it.missed), ReasonCode(it.reason), 0, 0, 0, 0, 0, 0, 0};
      std::memcpy(m, row, sizeof row);
    } else {
      const double row[kMetaStride] = {0, static_cast<double>(it.seq), static_cast<double>(it.pid),
                                       it.slot == chan::kNoSlot ? -1.0 : static_cast<double>(it.slot),
                                       static_cast<double>(it.timeMs), static_cast<double>(it.nickAt),
                                       static_cast<double>(it.nickLength), static_cast<double>(it.textAt),
                                       static_cast<double>(it.textLength),
                                       static_cast<double>((it.nickAscii ? 1 : 0) | (it.textAscii ? 2 : 0))};
      std::memcpy(m, row, sizeof row);
    }
    m += kMetaStride;
  }
  return {bytes, meta};
}

std::string_view TextArg(Napi::Env env, const Napi::Value& value, std::vector<char>& buffer, size_t maxBytes,
                         const char* what, const std::string& subject) {
  if (!value.IsString()) throw Napi::TypeError::New(env, std::string(what) + " must be a string");
  // Room for maxBytes, a NUL, and 3 more: N-API writes whole characters only, so a text
  // longer than maxBytes always fills more than maxBytes of it, and is caught below.
  if (buffer.size() < maxBytes + 5) buffer.resize(maxBytes + 5);
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, buffer.data(), buffer.size(), &length) != napi_ok) throw Napi::Error::New(env);
  if (length > maxBytes) {
    // The exact length for the message costs a second pass, only on this error path.
    napi_get_value_string_utf8(env, value, nullptr, 0, &length);
    ThrowRangeError(env, subject, "message is " + std::to_string(length) + " bytes; this room accepts at most " +
                                      std::to_string(maxBytes) + " bytes of UTF-8 text");
  }
  return {buffer.data(), length};
}

}  // namespace shmscope::chan_js
