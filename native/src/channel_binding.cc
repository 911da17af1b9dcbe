// N-API face of the chat channel: a `Channel` class and `channelDescribe(shmid)`.
// Thin on purpose: protocol logic lives in channel*.cc (plain C++). Incoming messages
// come from ONE waiter thread per Channel, which sleeps on the shared futex and hands
// batches to JavaScript through a ThreadSafeFunction (no JS timers, no polling).
#include "channel_binding.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "channel.h"
#include "channel_segment.h"
#include "os_error.h"

namespace shmscope {
namespace {

using chan::ChannelError;

[[noreturn]] void Rethrow(Napi::Env env, const ChannelError& e, const std::string& subject) {
  if (e.err != 0) ThrowOsError(env, e.err, subject, e.syscall);
  if (e.code == "ERANGE") ThrowRangeError(env, subject, e.what());
  ThrowCodedError(env, e.code, subject, e.what());
}

Napi::Object ParticipantToJs(Napi::Env env, const chan::Participant& p) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("slot", p.slot);
  o.Set("pid", p.pid);
  o.Set("nick", Napi::String::New(env, p.nick));
  o.Set("joinedAt", static_cast<double>(p.joinedMs));
  return o;
}

Napi::Array ParticipantsToJs(Napi::Env env, const std::vector<chan::Participant>& ps) {
  Napi::Array a = Napi::Array::New(env, ps.size());
  for (size_t i = 0; i < ps.size(); ++i) a.Set(static_cast<uint32_t>(i), ParticipantToJs(env, ps[i]));
  return a;
}

Napi::Object EventToJs(Napi::Env env, const chan::Event& e) {
  Napi::Object o = Napi::Object::New(env);
  if (e.kind == chan::Event::kMissed) {
    o.Set("type", "missed");
    o.Set("missed", static_cast<double>(e.missed));
    o.Set("reason", e.reason);
    return o;
  }
  const chan::Message& m = e.message;
  o.Set("type", "message");
  o.Set("seq", static_cast<double>(m.seq));
  o.Set("pid", m.pid);
  o.Set("slot", m.slot == chan::kNoSlot ? -1.0 : static_cast<double>(m.slot));
  o.Set("nick", Napi::String::New(env, m.nick));  // invalid UTF-8 becomes U+FFFD
  o.Set("time", static_cast<double>(m.timeMs));
  o.Set("text", Napi::String::New(env, m.text));
  return o;
}

// Flow control between the waiter thread and the JS thread, shared with queued
// callbacks so they stay valid even if the Channel object is gone when they run.
struct Delivery {
  std::mutex mu;
  std::condition_variable cv;
  int outstanding = 0;
  std::atomic<bool> stopped{false};
};

struct Batch {
  std::vector<chan::Event> events;
  bool hasPresence = false;
  std::vector<chan::Participant> participants;
  std::shared_ptr<Delivery> delivery;
};

class ChannelWrap : public Napi::ObjectWrap<ChannelWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Channel",
                       {InstanceMethod<&ChannelWrap::Join>("join"),
                        InstanceMethod<&ChannelWrap::Leave>("leave"),
                        InstanceMethod<&ChannelWrap::Send>("send"),
                        InstanceMethod<&ChannelWrap::ReadHistory>("readHistory"),
                        InstanceMethod<&ChannelWrap::Start>("start"),
                        InstanceMethod<&ChannelWrap::Stop>("stop"),
                        InstanceMethod<&ChannelWrap::Participants>("participants"),
                        InstanceMethod<&ChannelWrap::Close>("close"),
                        InstanceMethod<&ChannelWrap::SetLowLatency>("setLowLatency"),
                        InstanceMethod<&ChannelWrap::SetRef>("setRef"),
                        InstanceMethod<&ChannelWrap::Info>("info"),
                        InstanceMethod<&ChannelWrap::SetFault>("_setFault"),
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
      Rethrow(env, e, subject_);
    }
    key_ = opts.key;
    // At environment teardown only the thread is stopped: N-API calls are off limits there.
    cleanup_ = env.AddCleanupHook(std::function<void()>([this] { JoinThread(); }));
    hooked_ = true;
  }

  ~ChannelWrap() override {
    JoinThread();
    if (hooked_) cleanup_.Remove(Env());
  }

 private:
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
    try {
      const uint32_t slot = ch.Join(info[0].As<Napi::String>().Utf8Value());
      Napi::Object o = Napi::Object::New(env);
      o.Set("slot", slot);
      o.Set("pid", Napi::Number::New(env, getpid()));
      return o;
    } catch (const ChannelError& e) {
      Rethrow(env, e, subject_);
    }
  }

  Napi::Value Leave(const Napi::CallbackInfo& info) {
    Core(info.Env()).Leave();
    return info.Env().Undefined();
  }

  Napi::Value Send(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    chan::Channel& ch = Core(env);
    if (!info[0].IsString()) throw Napi::TypeError::New(env, "send: text must be a string");
    try {
      return Napi::Number::New(env, static_cast<double>(ch.Send(info[0].As<Napi::String>().Utf8Value())));
    } catch (const ChannelError& e) {
      Rethrow(env, e, subject_);
    }
  }

  // Everything still intact in the ring, oldest first (missed notices included).
  Napi::Value ReadHistory(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    chan::Reader reader(Core(env));
    reader.StartAtOldest();
    std::vector<chan::Event> events;
    while (events.size() < (1u << 20) && reader.Poll(events, 4096, SIZE_MAX) != 0) {
    }
    Napi::Array a = Napi::Array::New(env, events.size());
    for (size_t i = 0; i < events.size(); ++i) a.Set(static_cast<uint32_t>(i), EventToJs(env, events[i]));
    return a;
  }

  Napi::Value Participants(const Napi::CallbackInfo& info) {
    return ParticipantsToJs(info.Env(), Core(info.Env()).Participants(true));
  }

  // start(callback(batch), {history}) — one waiter thread until stop()/close().
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Core(env);
    if (thread_.joinable()) ThrowCodedError(env, "EALREADY", subject_, "already started");
    if (!info[0].IsFunction()) throw Napi::TypeError::New(env, "start: callback must be a function");
    bool history = false;
    if (info[1].IsObject()) history = info[1].As<Napi::Object>().Get("history").ToBoolean().Value();
    tsfn_ = Napi::ThreadSafeFunction::New(env, info[0].As<Napi::Function>(), "shmscope-channel", 0, 1);
    if (!refd_) tsfn_.Unref(env);
    delivery_ = std::make_shared<Delivery>();
    stopping_ = false;
    Ref();  // keep this object alive while the thread uses it
    // The starting position is taken now, on the caller's thread: "live" means from
    // this call on, not from whenever the thread gets scheduled.
    auto reader = std::make_shared<chan::Reader>(*core_);
    if (history) reader->StartAtOldest(); else reader->StartAtTail();
    thread_ = std::thread([this, reader] { WaiterMain(*reader); });
    return env.Undefined();
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
    if (hooked_) {
      cleanup_.Remove(info.Env());
      hooked_ = false;
    }
    return info.Env().Undefined();
  }

  Napi::Value SetLowLatency(const Napi::CallbackInfo& info) {
    lowLatency_ = info[0].ToBoolean().Value();
    return info.Env().Undefined();
  }

  // setRef(false): a started channel does not keep the event loop alive.
  Napi::Value SetRef(const Napi::CallbackInfo& info) {
    refd_ = info[0].ToBoolean().Value();
    if (thread_.joinable()) {
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

  // Stops the waiter thread (no N-API calls: also used at environment teardown).
  bool JoinThread() {
    if (!thread_.joinable()) return false;
    stopping_ = true;
    delivery_->stopped = true;
    delivery_->cv.notify_all();
    core_->Notify();  // changes the futex word, so the waiter returns at once
    thread_.join();
    return true;
  }

  void StopThread() {
    if (!JoinThread()) return;
    tsfn_.Release();
    Unref();
  }

  void Deliver(std::unique_ptr<Batch> batch) {
    {
      std::unique_lock lock(delivery_->mu);
      // Backpressure on our own thread only: writers never wait for us. A JS side that
      // falls far behind is lapped and told how many messages it missed.
      delivery_->cv.wait(lock, [&] { return delivery_->outstanding < 4 || stopping_; });
      if (stopping_) return;
      ++delivery_->outstanding;
    }
    batch->delivery = delivery_;
    Batch* raw = batch.release();
    napi_status status = tsfn_.NonBlockingCall(raw, [](Napi::Env env, Napi::Function cb, Batch* b) {
      std::unique_ptr<Batch> owned(b);
      {
        std::lock_guard lock(owned->delivery->mu);
        --owned->delivery->outstanding;
      }
      owned->delivery->cv.notify_all();
      if (owned->delivery->stopped) return;
      Napi::Array a = Napi::Array::New(env);
      uint32_t n = 0;
      for (const chan::Event& e : owned->events) a.Set(n++, EventToJs(env, e));
      if (owned->hasPresence) {
        Napi::Object p = Napi::Object::New(env);
        p.Set("type", "presence");
        p.Set("participants", ParticipantsToJs(env, owned->participants));
        a.Set(n++, p);
      }
      cb.Call({a});
    });
    if (status != napi_ok) {
      std::lock_guard lock(delivery_->mu);
      --delivery_->outstanding;
      delete raw;
    }
  }

  void WaiterMain(chan::Reader& reader) {
    chan::Channel& ch = *core_;
    uint32_t seenPresence = ch.PresenceGeneration();
    uint64_t nextReap = chan::MonotonicMs() + 1000;
    while (!stopping_) {
      const uint32_t seen = ch.FutexValue();  // read before polling: see Channel::Sleep
      auto batch = std::make_unique<Batch>();
      reader.Poll(batch->events, 1024, size_t{8} << 20);
      const uint64_t now = chan::MonotonicMs();
      if (ch.PresenceGeneration() != seenPresence || now >= nextReap) {
        // Reaping here is how a SIGKILLed participant leaves the room.
        std::vector<chan::Participant> parts = ch.Participants(true);
        nextReap = now + 1000;
        const uint32_t g = ch.PresenceGeneration();
        if (g != seenPresence) {
          seenPresence = g;
          batch->hasPresence = true;
          batch->participants = std::move(parts);
        }
      }
      if (!batch->events.empty() || batch->hasPresence) {
        Deliver(std::move(batch));
        continue;
      }
      uint64_t timeout = std::min<uint64_t>(500, nextReap > now ? nextReap - now : 1);
      if (const uint64_t stall = reader.StallDeadline(); stall != 0) {
        timeout = std::min<uint64_t>(timeout, stall > now ? stall - now + 1 : 1);
      }
      if (lowLatency_ && SpinUntilChanged(ch, seen)) continue;
      ch.Sleep(seen, static_cast<int>(timeout));
    }
  }

  // Low-latency mode: watch the futex word for ~100 µs before paying for a sleep/wake.
  static bool SpinUntilChanged(const chan::Channel& ch, uint32_t seen) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(100);
    for (int i = 0;; ++i) {
      if (ch.FutexValue() != seen) return true;
#if defined(__x86_64__)
      __builtin_ia32_pause();
#elif defined(__aarch64__)
      asm volatile("yield");
#endif
      if ((i & 63) == 63 && std::chrono::steady_clock::now() >= until) return false;
    }
  }

  std::string subject_;
  uint32_t key_ = 0;
  std::unique_ptr<chan::Attachment> att_;
  std::unique_ptr<chan::Channel> core_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> lowLatency_{false};
  bool refd_ = true;
  bool hooked_ = false;
  Napi::ThreadSafeFunction tsfn_;
  std::shared_ptr<Delivery> delivery_;
  Napi::Env::CleanupHook<std::function<void()>> cleanup_;
};

// channelDescribe(shmid) -> {name, ringBytes, maxText, slots, messages, participants} | null
Napi::Value Describe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber()) throw Napi::TypeError::New(env, "channelDescribe: shmid must be a number");
  const int shmid = info[0].As<Napi::Number>().Int32Value();
  chan::Description d;
  std::string whyNot;
  if (!chan::DescribeChannelSegment(shmid, d, whyNot)) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", d.geometry.name);
  o.Set("version", chan::kVersion);
  o.Set("ringBytes", static_cast<double>(d.geometry.ringSize));
  o.Set("maxText", d.geometry.maxPayload);
  o.Set("slots", d.geometry.slots);
  o.Set("createdAt", static_cast<double>(d.geometry.createdMs));
  o.Set("messages", static_cast<double>(d.nextSeq > 0 ? d.nextSeq - 1 : 0));
  o.Set("participants", ParticipantsToJs(env, d.participants));
  return o;
}

}  // namespace

void InitChannel(Napi::Env env, Napi::Object exports) {
  exports.Set("Channel", ChannelWrap::Define(env));
  exports.Set("channelDescribe", Napi::Function::New(env, Describe, "channelDescribe"));
  exports.Set("CHANNEL_MAX_TEXT", Napi::Number::New(env, chan::kMaxText));
}

}  // namespace shmscope
