// N-API face of the chat channel: a `Channel` class and `channelDescribe(shmid)`.
// Thin on purpose: protocol logic lives in channel*.cc (plain C++). Incoming messages
// come from ONE waiter thread per Channel, which sleeps on the shared futex and hands
// batches to JavaScript through a ThreadSafeFunction (no JS timers, no polling).
#include "channel_binding.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "bounds.h"
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
  if (p.quiet) o.Set("quiet", true);
  return o;
}

Napi::Array ParticipantsToJs(Napi::Env env, const std::vector<chan::Participant>& ps) {
  Napi::Array a = Napi::Array::New(env, ps.size());
  for (size_t i = 0; i < ps.size(); ++i) a.Set(static_cast<uint32_t>(i), ParticipantToJs(env, ps[i]));
  return a;
}

// Property names of event objects, made once per environment (the addon's instance
// data): creating seven key strings per event cost more than the message itself.
struct JsNames {
  static constexpr const char* kNames[] = {"type", "seq", "pid", "slot", "nick", "time", "text",
                                           "missed", "reason", "message"};
  enum { kType, kSeq, kPid, kSlot, kNick, kTime, kText, kMissed, kReason, kMessage, kCount };
  // N-API 8 can only hold references to objects, so the strings live in an array.
  Napi::Reference<Napi::Array> strings;

  explicit JsNames(Napi::Env env) {
    Napi::Array a = Napi::Array::New(env, kCount);
    for (uint32_t i = 0; i < kCount; ++i) a.Set(i, Napi::String::New(env, kNames[i]));
    strings = Napi::Persistent(a);
  }
};

// The names as napi_values, fetched once per batch.
struct Names {
  napi_value v[JsNames::kCount];
  explicit Names(Napi::Env env) {
    Napi::Array a = env.GetInstanceData<JsNames>()->strings.Value();
    for (uint32_t i = 0; i < JsNames::kCount; ++i) v[i] = a.Get(i);
  }
};

void Check(Napi::Env env, napi_status status) {
  if (status != napi_ok) throw Napi::Error::New(env);
}

void SetProp(Napi::Env env, napi_value o, napi_value key, napi_value value) {
  Check(env, napi_set_property(env, o, key, value));
}

napi_value Num(Napi::Env env, double d) {
  napi_value v;
  Check(env, napi_create_double(env, d, &v));
  return v;
}

napi_value Utf8(Napi::Env env, std::string_view s) {
  napi_value v;  // invalid UTF-8 becomes U+FFFD
  Check(env, napi_create_string_utf8(env, s.data(), s.size(), &v));
  return v;
}

napi_value MissedToJs(Napi::Env env, const Names& n, uint64_t missed, const char* reason) {
  napi_value o;
  Check(env, napi_create_object(env, &o));
  SetProp(env, o, n.v[JsNames::kType], n.v[JsNames::kMissed]);
  SetProp(env, o, n.v[JsNames::kMissed], Num(env, static_cast<double>(missed)));
  SetProp(env, o, n.v[JsNames::kReason], Utf8(env, reason));
  return o;
}

napi_value MessageToJs(Napi::Env env, const Names& n, const chan::MessageView& m) {
  napi_value o;
  Check(env, napi_create_object(env, &o));
  SetProp(env, o, n.v[JsNames::kType], n.v[JsNames::kMessage]);
  SetProp(env, o, n.v[JsNames::kSeq], Num(env, static_cast<double>(m.seq)));
  SetProp(env, o, n.v[JsNames::kPid], Num(env, m.pid));
  SetProp(env, o, n.v[JsNames::kSlot], Num(env, m.slot == chan::kNoSlot ? -1.0 : static_cast<double>(m.slot)));
  SetProp(env, o, n.v[JsNames::kNick], Utf8(env, m.nick));
  SetProp(env, o, n.v[JsNames::kTime], Num(env, static_cast<double>(m.timeMs)));
  SetProp(env, o, n.v[JsNames::kText], Utf8(env, m.text));
  return o;
}

Napi::Value EventToJs(Napi::Env env, const Names& n, const chan::Event& e) {
  if (e.kind == chan::Event::kMissed) return Napi::Value(env, MissedToJs(env, n, e.missed, e.reason));
  const chan::Message& m = e.message;
  chan::MessageView v;
  v.seq = m.seq;
  v.pid = m.pid;
  v.slot = m.slot;
  v.timeMs = m.timeMs;
  v.nick = m.nick;
  v.text = m.text;
  return Napi::Value(env, MessageToJs(env, n, v));
}

struct Batch;

// Flow control between the waiter thread and the JS thread, shared with queued
// callbacks so they stay valid even if the Channel object is gone when they run.
struct Delivery {
  std::mutex mu;
  std::condition_variable cv;
  int outstanding = 0;
  std::atomic<bool> stopped{false};
  // Delivered batches come back here to be filled again: a busy room reuses the same
  // few buffers instead of allocating, freeing (and having glibc trim and re-fault)
  // megabytes per batch. Emptied when the room goes idle.
  std::vector<std::unique_ptr<Batch>> spare;
};

// What the waiter hands to JavaScript: events whose bytes all live in one buffer.
struct Batch final : chan::EventSink {
  struct Item {
    chan::Event::Kind kind;
    uint64_t missed;
    const char* reason;
    chan::MessageView view;  // offsets into `bytes` in nick/text .data() - see Message()
    size_t nickAt, textAt;
  };
  std::vector<Item> items;
  std::vector<uint8_t> bytes;  // grown, never shrunk while pooled; `used` is the filled part
  size_t used = 0, room = 0;
  bool hasPresence = false;
  std::vector<chan::Participant> participants;
  std::shared_ptr<Delivery> delivery;

  uint8_t* Room(size_t n) override {
    if (bytes.size() < used + n) bytes.resize(std::max(used + n, bytes.size() * 2));
    room = n;
    return bytes.data() + used;
  }
  void Message(const chan::MessageView& m) override {
    // Store offsets: a later Room() may move the buffer.
    const uint8_t* base = bytes.data();
    items.push_back({chan::Event::kMessage, 0, "", m,
                     static_cast<size_t>(reinterpret_cast<const uint8_t*>(m.nick.data()) - base),
                     static_cast<size_t>(reinterpret_cast<const uint8_t*>(m.text.data()) - base)});
    used += room;
    room = 0;
  }
  void Missed(uint64_t count, const char* reason) override {
    items.push_back({chan::Event::kMissed, count, reason, {}, 0, 0});
  }
  bool empty() const { return items.empty() && !hasPresence; }
  void Clear() {
    items.clear();
    used = room = 0;
    hasPresence = false;
    participants.clear();
  }
  chan::MessageView View(const Item& it) const {
    chan::MessageView v = it.view;
    const char* base = reinterpret_cast<const char*>(bytes.data());
    v.nick = {base + it.nickAt, it.view.nick.size()};
    v.text = {base + it.textAt, it.view.text.size()};
    return v;
  }

  Napi::Array ToJs(Napi::Env env) const {
    const Names n(env);
    Napi::Array a = Napi::Array::New(env, items.size() + (hasPresence ? 1 : 0));
    uint32_t i = 0;
    for (const Item& it : items) {
      napi_value v = it.kind == chan::Event::kMissed ? MissedToJs(env, n, it.missed, it.reason) : MessageToJs(env, n, View(it));
      Check(env, napi_set_element(env, a, i++, v));
    }
    if (hasPresence) {
      Napi::Object p = Napi::Object::New(env);
      p.Set("type", "presence");
      p.Set("participants", ParticipantsToJs(env, participants));
      a.Set(i, p);
    }
    return a;
  }
};

// Batches above this many bytes stop early; bigger ones would only delay the first
// message of the next batch and grow the pooled buffers.
constexpr size_t kBatchBytes = size_t{1} << 20;
constexpr size_t kBatchEvents = 1024;
constexpr size_t kSpareBatches = 5;  // outstanding (4) + the one being filled

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
    // The hook's data is this object itself, so nothing is allocated for it and exactly one
    // of two things happens: the hook runs at environment teardown (and unregisters itself
    // by clearing hooked_), or close()/the destructor removes it first. (Napi::Env::CleanupHook
    // owned a heap copy that both the run hook and Remove() freed: a double free at exit.)
    if (napi_add_env_cleanup_hook(env, &ChannelWrap::AtTeardown, this) == napi_ok) hooked_ = true;
  }

  ~ChannelWrap() override {
    JoinThread();
    Unhook(Env());
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
      const bool quiet = info.Length() > 1 && info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value();
      const uint32_t slot = ch.Join(info[0].As<Napi::String>().Utf8Value(), quiet);
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
    const Names n(env);
    Napi::Array a = Napi::Array::New(env, events.size());
    for (size_t i = 0; i < events.size(); ++i) a.Set(static_cast<uint32_t>(i), EventToJs(env, n, events[i]));
    return a;
  }

  Napi::Value Participants(const Napi::CallbackInfo& info) {
    return ParticipantsToJs(info.Env(), Core(info.Env()).Participants(true));
  }

  // start(callback(batch), {history, skipOwn}) — one waiter thread until stop()/close().
  // skipOwn: messages this handle sends while joined (as now) are not delivered to it.
  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Core(env);
    if (thread_.joinable()) ThrowCodedError(env, "EALREADY", subject_, "already started");
    if (!info[0].IsFunction()) throw Napi::TypeError::New(env, "start: callback must be a function");
    bool history = false, skipOwn = false;
    if (info[1].IsObject()) {
      history = info[1].As<Napi::Object>().Get("history").ToBoolean().Value();
      skipOwn = info[1].As<Napi::Object>().Get("skipOwn").ToBoolean().Value();
    }
    tsfn_ = Napi::ThreadSafeFunction::New(env, info[0].As<Napi::Function>(), "shmscope-channel", 0, 1);
    if (!refd_) tsfn_.Unref(env);
    delivery_ = std::make_shared<Delivery>();
    stopping_ = false;
    Ref();  // keep this object alive while the thread uses it
    // The starting position is taken now, on the caller's thread: "live" means from
    // this call on, not from whenever the thread gets scheduled.
    auto reader = std::make_shared<chan::Reader>(*core_);
    if (history) reader->StartAtOldest(); else reader->StartAtTail();
    // Only a joined handle has an identity (pid, slot) of its own to skip.
    if (skipOwn && core_->joined()) reader->SkipOwn(static_cast<uint32_t>(getpid()), core_->slot());
    // Likewise presence: a join between this call and the thread's first look must still
    // be reported, so the generation the caller has seen is taken here too.
    const uint32_t seenPresence = core_->PresenceGeneration();
    thread_ = std::thread([this, reader, seenPresence] { WaiterMain(*reader, seenPresence); });
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
    Unhook(info.Env());
    return info.Env().Undefined();
  }

  // Environment teardown (process exit with the channel still open): N-API calls are off
  // limits here. Stop the thread and leave the room, so others see us go at once rather
  // than when they reap a dead pid; the segment is detached by the exit itself.
  static void AtTeardown(void* data) {
    auto* self = static_cast<ChannelWrap*>(data);
    self->hooked_ = false;
    self->JoinThread();
    if (self->core_) self->core_->Leave();
  }

  void Unhook(napi_env env) {
    if (!hooked_) return;
    hooked_ = false;
    napi_remove_env_cleanup_hook(env, &ChannelWrap::AtTeardown, this);
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

  // A recycled batch when one is spare, else a new one.
  std::unique_ptr<Batch> TakeBatch() {
    std::lock_guard lock(delivery_->mu);
    if (delivery_->spare.empty()) return std::make_unique<Batch>();
    std::unique_ptr<Batch> b = std::move(delivery_->spare.back());
    delivery_->spare.pop_back();
    return b;
  }

  // Idle: give the pooled buffers back to the allocator.
  void DropSpares() {
    std::vector<std::unique_ptr<Batch>> drop;
    std::lock_guard lock(delivery_->mu);
    drop.swap(delivery_->spare);
  }

  // On the JS thread: the batch was converted; let the waiter fill it again.
  static void Recycle(std::unique_ptr<Batch> b) {
    std::shared_ptr<Delivery> d = std::move(b->delivery);  // a pooled batch must not own its pool
    b->Clear();
    {
      std::lock_guard lock(d->mu);
      --d->outstanding;
      if (!d->stopped && d->spare.size() < kSpareBatches) d->spare.push_back(std::move(b));
    }
    d->cv.notify_all();
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
      if (owned->delivery->stopped) return Recycle(std::move(owned));
      Napi::Array a = owned->ToJs(env);  // copies everything out of the batch
      Recycle(std::move(owned));
      cb.Call({a});
    });
    if (status != napi_ok) {
      std::lock_guard lock(delivery_->mu);
      --delivery_->outstanding;
      delete raw;
    }
  }

  void WaiterMain(chan::Reader& reader, uint32_t seenPresence) {
    chan::Channel& ch = *core_;
    uint64_t nextReap = chan::MonotonicMs() + 1000;
    Spinner spinner;
    while (!stopping_) {
      const uint32_t seen = ch.FutexValue();  // read before polling: see Channel::Sleep
      std::unique_ptr<Batch> batch = TakeBatch();
      const uint64_t before = reader.position();
      reader.Poll(*batch, kBatchEvents, kBatchBytes);
      const bool moved = reader.position() != before;
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
      if (!batch->empty()) {
        Deliver(std::move(batch));
        continue;
      }
      ReturnUnused(std::move(batch));
      // Only skipped (own) records this time: there may be more; never deliver an empty batch.
      if (moved) continue;
      uint64_t timeout = std::min<uint64_t>(500, nextReap > now ? nextReap - now : 1);
      if (const uint64_t stall = reader.StallDeadline(); stall != 0) {
        timeout = std::min<uint64_t>(timeout, stall > now ? stall - now + 1 : 1);
      }
      if (lowLatency_ && spinner.Spin(ch, seen)) continue;
      ch.Sleep(seen, static_cast<int>(timeout));
      if (ch.FutexValue() == seen) DropSpares();  // woke by timeout: the room is idle
    }
  }

  void ReturnUnused(std::unique_ptr<Batch> b) {
    b->Clear();
    std::lock_guard lock(delivery_->mu);
    if (delivery_->spare.size() < kSpareBatches) delivery_->spare.push_back(std::move(b));
  }

  // Low-latency mode: watch the futex word briefly before paying for a sleep and a
  // wakeup — but only where that can pay. A ping-pong keeps about three threads busy
  // (our spinner, the peer's waiter and JS thread); with fewer than 4 CPUs the spinner
  // takes the very core the peer needs: measured on 2 cores, every spin budget
  // (20/50/100 µs, with or without back-off) was as slow or slower than sleeping at
  // once. So below 4 CPUs low-latency mode sleeps like the default. Elsewhere a spin
  // that saw nothing makes the next 1, 2, 4 … 64 waits skip spinning, and sched_yield
  // inside the loop lets a thread on this core run.
  class Spinner {
   public:
    Spinner() {
      cpu_set_t set;
      CPU_ZERO(&set);
      worthIt_ = sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) >= 4;
    }

    bool Spin(const chan::Channel& ch, uint32_t seen) {
      if (skip_ > 0) { --skip_; return false; }
      if (!worthIt_) return false;
      const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(kSpinUs);
      for (int i = 0;; ++i) {
        if (ch.FutexValue() != seen) { misses_ = 0; return true; }
        if ((i & 15) == 15) {
          if (std::chrono::steady_clock::now() >= until) break;
          sched_yield();
        } else {
          Pause();
        }
      }
      // Back off exponentially (1, 2, 4 … 64 waits) while spins keep coming up empty.
      skip_ = 1u << std::min(misses_, 6u);
      ++misses_;
      return false;
    }

   private:
    static void Pause() {
#if defined(__x86_64__)
      __builtin_ia32_pause();
#elif defined(__aarch64__)
      asm volatile("yield");
#endif
    }
    static constexpr int kSpinUs = 50;
    bool worthIt_ = false;
    unsigned misses_ = 0, skip_ = 0;
  };

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
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", d.geometry.name);
  o.Set("version", chan::kVersion);
  o.Set("ringBytes", static_cast<double>(d.geometry.ringSize));
  o.Set("maxText", d.geometry.maxPayload);
  o.Set("slots", d.geometry.slots);
  o.Set("createdAt", static_cast<double>(d.geometry.createdMs));
  o.Set("messages", static_cast<double>(d.nextSeq > 0 ? d.nextSeq - 1 : 0));
  o.Set("participants", withParticipants ? ParticipantsToJs(env, d.participants) : env.Null());
  return o;
}

}  // namespace

void InitChannel(Napi::Env env, Napi::Object exports) {
  // The addon's one instance-data slot; give it a struct of parts if others need one.
  env.SetInstanceData(new JsNames(env));
  exports.Set("Channel", ChannelWrap::Define(env));
  exports.Set("channelDescribe", Napi::Function::New(env, Describe, "channelDescribe"));
  exports.Set("channelDescribeBytes", Napi::Function::New(env, DescribeBytes, "channelDescribeBytes"));
  exports.Set("CHANNEL_HEADER_BYTES", Napi::Number::New(env, static_cast<double>(chan::kHeaderSize)));
  exports.Set("CHANNEL_DESCRIBE_BYTES",
              Napi::Number::New(env, static_cast<double>(chan::kHeaderSize + chan::kMaxSlots * chan::kSlotSize)));
  exports.Set("CHANNEL_MAX_TEXT", Napi::Number::New(env, chan::kMaxText));
}

}  // namespace shmscope
