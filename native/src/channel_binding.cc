// N-API face of the chat channel: the `Channel` class and `channelDescribe(shmid)`.
// Protocol logic lives in channel*.cc, the waiter thread and its batches in
// channel_delivery.cc (plain C++), conversions in channel_js.cc. Every method runs inside
// one guard (Guarded) that turns a ChannelError into the matching JS error.
#include "channel_binding.h"

#include <unistd.h>

#include <cstdio>
#include <memory>

#include "bounds.h"
#include "channel.h"
#include "channel_delivery.h"
#include "channel_js.h"
#include "channel_segment.h"
#include "os_error.h"

namespace shmscope {
namespace {

using chan::Batch;
using chan::BatchPool;
using chan::ChannelError;

class ChannelWrap : public Napi::ObjectWrap<ChannelWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Channel",
                       {InstanceMethod<&ChannelWrap::Guarded<&ChannelWrap::Join>>("join"),
                        InstanceMethod<&ChannelWrap::Guarded<&ChannelWrap::Leave>>("leave"),
                        InstanceMethod<&ChannelWrap::Guarded<&ChannelWrap::Send>>("send"),
                        InstanceMethod<&ChannelWrap::Guarded<&ChannelWrap::SendMany>>("sendMany"),
                        InstanceMethod<&ChannelWrap::Guarded<&ChannelWrap::ReadHistory>>("readHistory"),
                        InstanceMethod<&ChannelWrap::Guarded<&ChannelWrap::Start>>("start"),
                        InstanceMethod<&ChannelWrap::Guarded<&ChannelWrap::Stop>>("stop"),
                        InstanceMethod<&ChannelWrap::Guarded<&ChannelWrap::Participants>>("participants"),
                        InstanceMethod<&ChannelWrap::Guarded<&ChannelWrap::Close>>("close"),
                        InstanceMethod<&ChannelWrap::Guarded<&ChannelWrap::SetLowLatency>>("setLowLatency"),
                        InstanceMethod<&ChannelWrap::Guarded<&ChannelWrap::SetRef>>("setRef"),
                        InstanceMethod<&ChannelWrap::Guarded<&ChannelWrap::Info>>("info"),
                        InstanceMethod<&ChannelWrap::Guarded<&ChannelWrap::SetFault>>("_setFault"),
                        InstanceAccessor<&ChannelWrap::Closed>("closed")});
  }

  explicit ChannelWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ChannelWrap>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsObject()) throw Napi::TypeError::New(env, "Channel: options object expected");
    Napi::Object o = info[0].As<Napi::Object>();
    if (!o.Get("name").IsString()) throw Napi::TypeError::New(env, "Channel: options.name must be a string");
    chan::OpenOptions opts;
    opts.name = o.Get("name").As<Napi::String>().Utf8Value();
    subject_ = "room:" + opts.name;
    if (opts.name.empty() || opts.name.size() > chan::kMaxNameLength || opts.name.find('\0') != std::string::npos) {
      ThrowRangeError(env, subject_, "room name must be 1..64 bytes without NUL");
    }
    opts.key = NumberOption(env, o, "key", 1, UINT32_MAX, 0);
    if (opts.key == 0) ThrowRangeError(env, subject_, "options.key must be a non-zero System V key");
    opts.create = o.Get("create").IsUndefined() ? true : o.Get("create").ToBoolean().Value();
    opts.mode = static_cast<unsigned>(NumberOption(env, o, "mode", 0, 0777, 0600));
    opts.ringSize = NumberOption(env, o, "ringBytes", chan::kMinRing, chan::kMaxRing, chan::kDefaultRing);
    opts.slots = static_cast<uint32_t>(NumberOption(env, o, "slots", 1, chan::kMaxSlots, chan::kDefaultSlots));
    try {
      att_ = chan::OpenChannelSegment(opts);
      core_ = std::make_unique<chan::Channel>(att_->base, att_->geometry, true);
    } catch (const ChannelError& e) {
      chan_js::Rethrow(env, e, subject_);
    }
    key_ = opts.key;
    // The hook's data is this object itself, so nothing is allocated for it and exactly one
    // of two things happens: the hook runs at environment teardown (and unregisters itself
    // by clearing hooked_), or close()/the destructor removes it first. (Napi::Env::CleanupHook
    // owned a heap copy that both the run hook and Remove() freed: a double free at exit.)
    if (napi_add_env_cleanup_hook(env, &ChannelWrap::AtTeardown, this) == napi_ok) hooked_ = true;
  }

  ~ChannelWrap() override {
    waiter_.reset();
    Unhook(Env());
  }

 private:
  // The one place a ChannelError becomes a JS exception.
  template <Napi::Value (ChannelWrap::*Method)(const Napi::CallbackInfo&)>
  Napi::Value Guarded(const Napi::CallbackInfo& info) {
    try {
      return (this->*Method)(info);
    } catch (const ChannelError& e) {
      chan_js::Rethrow(info.Env(), e, subject_);
    }
  }

  uint64_t NumberOption(Napi::Env env, Napi::Object o, const char* name, uint64_t min, uint64_t max, uint64_t def) {
    Napi::Value v = o.Get(name);
    if (v.IsUndefined()) return def;
    if (!v.IsNumber()) throw Napi::TypeError::New(env, std::string("Channel: options.") + name + " must be a number");
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= double(min) && d <= double(max)) || d != static_cast<double>(static_cast<uint64_t>(d))) {
      ThrowRangeError(env, subject_, std::string("options.") + name + " must be an integer from " +
                                         std::to_string(min) + " to " + std::to_string(max));
    }
    return static_cast<uint64_t>(d);
  }

  chan::Channel& Core(Napi::Env env) {
    if (!core_) ThrowCodedError(env, "ECLOSED", subject_, "channel is closed");
    return *core_;
  }

  Napi::Value Join(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    chan::Channel& ch = Core(env);
    if (!info[0].IsString()) throw Napi::TypeError::New(env, "join: nick must be a string");
    // join(nick, quiet): a quiet one-shot (send/listen) is listed but announces no join or leave.
    const bool quiet = info.Length() > 1 && info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value();
    const uint32_t slot = ch.Join(info[0].As<Napi::String>().Utf8Value(), quiet);
    Napi::Object o = Napi::Object::New(env);
    o.Set("slot", slot);
    o.Set("pid", Napi::Number::New(env, getpid()));
    return o;
  }

  Napi::Value Leave(const Napi::CallbackInfo& info) {
    Core(info.Env()).Leave();
    return info.Env().Undefined();
  }

  Napi::Value Send(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    chan::Channel& ch = Core(env);
    const std::string_view text = chan_js::TextArg(env, info[0], text_, ch.geometry().maxPayload, "send: text", subject_);
    return Napi::Number::New(env, static_cast<double>(ch.Send(text)));
  }

  // sendMany(texts) -> seq of the last: one call and one wakeup for the lot. Texts before
  // a failing one (too long, not a string) are sent, and readers are woken for them.
  Napi::Value SendMany(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    chan::Channel& ch = Core(env);
    if (!info[0].IsArray()) throw Napi::TypeError::New(env, "sendMany: texts must be an array of strings");
    const Napi::Array texts = info[0].As<Napi::Array>();
    const uint32_t n = texts.Length();
    uint64_t seq = 0;
    struct WakeAtEnd {
      chan::Channel& ch;
      bool any = false;
      ~WakeAtEnd() { if (any) ch.Notify(); }
    } wake{ch};
    for (uint32_t i = 0; i < n; ++i) {
      const std::string_view text = chan_js::TextArg(env, texts.Get(i), text_, ch.geometry().maxPayload, "sendMany: texts[i]", subject_);
      seq = ch.Append(text);
      wake.any = true;
    }
    return Napi::Number::New(env, static_cast<double>(seq));
  }

  // [bytes, meta]: everything still intact in the ring, oldest first, in the batch format.
  Napi::Value ReadHistory(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Batch batch;
    chan::ReadHistory(Core(env), batch);
    const chan_js::PackedBatch packed = chan_js::PackBatch(env, batch);
    Napi::Array a = Napi::Array::New(env, 2);
    a.Set(0u, packed.bytes);
    a.Set(1u, packed.meta);
    return a;
  }

  Napi::Value Participants(const Napi::CallbackInfo& info) {
    return chan_js::ParticipantsToJs(info.Env(), Core(info.Env()).Participants(true));
  }

  // start(callback(bytes, meta, participants?), {history, skipOwn}) — one waiter thread
  // until stop()/close(); one call per batch (channel_js.h). skipOwn: messages this handle
  // sends while joined (as now) are not delivered to it.
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    chan::Channel& ch = Core(env);
    if (waiter_) ThrowCodedError(env, "EALREADY", subject_, "already started");
    if (!info[0].IsFunction()) throw Napi::TypeError::New(env, "start: callback must be a function");
    bool history = false, skipOwn = false;
    if (info[1].IsObject()) {
      history = info[1].As<Napi::Object>().Get("history").ToBoolean().Value();
      skipOwn = info[1].As<Napi::Object>().Get("skipOwn").ToBoolean().Value();
    }
    tsfn_ = Napi::ThreadSafeFunction::New(env, info[0].As<Napi::Function>(), "shmscope-channel", 0, 1);
    if (!refd_) tsfn_.Unref(env);
    Ref();  // keep this object alive while the thread uses it
    // The starting position is taken now, on the caller's thread: "live" means from
    // this call on, not from whenever the thread gets scheduled.
    auto reader = std::make_unique<chan::Reader>(ch);
    if (history) reader->StartAtOldest(); else reader->StartAtTail();
    // Only a joined handle has an identity (pid, slot) of its own to skip.
    if (skipOwn && ch.joined()) reader->SkipOwn(static_cast<uint32_t>(getpid()), ch.slot());
    // Likewise presence: a join between this call and the thread's first look must still
    // be reported, so the generation the caller has seen is taken here too.
    waiter_ = std::make_unique<chan::Waiter>(ch, std::move(reader), ch.PresenceGeneration(), lowLatency_,
                                             [tsfn = tsfn_](std::unique_ptr<Batch> b) mutable { return Post(tsfn, std::move(b)); });
    return env.Undefined();
  }

  // On the waiter thread: queue the batch for the JS thread. Returns it when that fails.
  static std::unique_ptr<Batch> Post(Napi::ThreadSafeFunction& tsfn, std::unique_ptr<Batch> batch) {
    Batch* raw = batch.release();
    const napi_status status = tsfn.NonBlockingCall(raw, [](Napi::Env env, Napi::Function cb, Batch* b) {
      std::unique_ptr<Batch> owned(b);
      if (owned->pool->stopped) return BatchPool::GiveBack(std::move(owned));
      const chan_js::PackedBatch packed = chan_js::PackBatch(env, *owned);  // copies everything out
      const Napi::Value presence = owned->hasPresence ? Napi::Value(chan_js::ParticipantsToJs(env, owned->participants)) : env.Undefined();
      BatchPool::GiveBack(std::move(owned));
      cb.Call({packed.bytes, packed.meta, presence});
    });
    if (status == napi_ok) return nullptr;
    return std::unique_ptr<Batch>(raw);
  }

  Napi::Value Stop(const Napi::CallbackInfo& info) {
    StopThread();
    return info.Env().Undefined();
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    StopThread();
    if (core_) {
      core_->Leave();
      core_.reset();
      att_.reset();
    }
    Unhook(info.Env());
    return info.Env().Undefined();
  }

  // Environment teardown (process exit with the channel still open): N-API calls are off
  // limits here. Stop the thread and leave the room, so others see us go at once rather
  // than when they reap a dead pid; the segment is detached by the exit itself.
  static void AtTeardown(void* data) {
    auto* self = static_cast<ChannelWrap*>(data);
    self->hooked_ = false;
    self->waiter_.reset();
    if (self->core_) self->core_->Leave();
  }

  void Unhook(napi_env env) {
    if (!hooked_) return;
    hooked_ = false;
    napi_remove_env_cleanup_hook(env, &ChannelWrap::AtTeardown, this);
  }

  Napi::Value SetLowLatency(const Napi::CallbackInfo& info) {
    lowLatency_ = info[0].ToBoolean().Value();
    if (waiter_) waiter_->SetLowLatency(lowLatency_);
    return info.Env().Undefined();
  }

  // setRef(false): a started channel does not keep the event loop alive.
  Napi::Value SetRef(const Napi::CallbackInfo& info) {
    refd_ = info[0].ToBoolean().Value();
    if (waiter_) {
      if (refd_) tsfn_.Ref(info.Env()); else tsfn_.Unref(info.Env());
    }
    return info.Env().Undefined();
  }

  Napi::Value Info(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    chan::Channel& ch = Core(env);
    const chan::Geometry& g = ch.geometry();
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", g.name);
    o.Set("key", key_);
    o.Set("shmid", att_->shmid);
    o.Set("created", att_->created);
    o.Set("ringBytes", static_cast<double>(g.ringSize));
    o.Set("maxText", g.maxPayload);
    o.Set("slots", g.slots);
    o.Set("createdAt", static_cast<double>(g.createdMs));
    char gen[24];
    snprintf(gen, sizeof gen, "%016llx", static_cast<unsigned long long>(g.generation));
    o.Set("generation", gen);
    return o;
  }

  // Test hook, off by default: make the next send stop forever between claim and commit.
  Napi::Value SetFault(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const std::string mode = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
    chan::Fault f = chan::Fault::kNone;
    if (mode == "stall-after-claim") f = chan::Fault::kStallAfterClaim;
    else if (mode == "stall-before-header") f = chan::Fault::kStallBeforeHeader;
    else if (mode != "none") throw Napi::TypeError::New(env, "_setFault: 'none' | 'stall-after-claim' | 'stall-before-header'");
    Core(env).SetFault(f);
    return env.Undefined();
  }

  Napi::Value Closed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), !core_); }

  void StopThread() {
    if (!waiter_) return;
    waiter_.reset();  // joins the thread
    tsfn_.Release();
    Unref();
  }

  std::string subject_;
  uint32_t key_ = 0;
  std::unique_ptr<chan::Attachment> att_;
  std::unique_ptr<chan::Channel> core_;
  std::unique_ptr<chan::Waiter> waiter_;
  bool lowLatency_ = false;
  bool refd_ = true;
  bool hooked_ = false;
  Napi::ThreadSafeFunction tsfn_;
  std::vector<char> text_;  // send()'s UTF-8 bytes, reused
};

// channelDescribe(shmid) -> {name, ringBytes, maxText, slots, messages, participants} | null
Napi::Value Describe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) throw Napi::TypeError::New(env, "channelDescribe: shmid must be a number");
  const int shmid = info[0].As<Napi::Number>().Int32Value();
  chan::Description d;
  std::string whyNot;
  if (!chan::DescribeChannelSegment(shmid, d, whyNot)) return env.Null();
  return chan_js::DescriptionToJs(env, d, true);
}

// channelDescribeBytes(bytes, segmentSize) -> like channelDescribe, from a copy of the
// segment's first bytes; participants is null when the copy ends before the presence table.
Napi::Value DescribeBytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Uint8Array bytes = BytesArg(env, info[0], "channelDescribeBytes");
  const uint64_t segmentSize = ToIndex(env, info[1], "channelDescribeBytes", "segmentSize");
  chan::Description d;
  bool withParticipants = false;
  std::string whyNot;
  if (!chan::DescribeChannelBytes(bytes.Data(), bytes.ByteLength(), segmentSize, d, withParticipants, whyNot)) return env.Null();
  return chan_js::DescriptionToJs(env, d, withParticipants);
}

}  // namespace

void InitChannel(Napi::Env env, Napi::Object exports) {
  exports.Set("Channel", ChannelWrap::Define(env));
  exports.Set("channelDescribe", Napi::Function::New(env, Describe, "channelDescribe"));
  exports.Set("channelDescribeBytes", Napi::Function::New(env, DescribeBytes, "channelDescribeBytes"));
  exports.Set("CHANNEL_HEADER_BYTES", Napi::Number::New(env, static_cast<double>(chan::kHeaderSize)));
  exports.Set("CHANNEL_DESCRIBE_BYTES",
              Napi::Number::New(env, static_cast<double>(chan::kHeaderSize + chan::kMaxSlots * chan::kSlotSize)));
  exports.Set("CHANNEL_MAX_TEXT", Napi::Number::New(env, chan::kMaxText));
  exports.Set("CHANNEL_BATCH_STRIDE", Napi::Number::New(env, static_cast<double>(chan_js::kMetaStride)));
}

}  // namespace shmscope
