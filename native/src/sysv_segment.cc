#include "sysv_segment.h"

#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "bounds.h"
#include "find.h"
#include "os_error.h"

namespace shmscope {
namespace {

std::string ShmidSubject(int shmid) { return "sysv:" + std::to_string(shmid); }

// Keys are shown and accepted as unsigned 32-bit numbers ("key:0x%08x"), the way
// ipcs/lsipc print them; key_t itself is a signed int.
std::string KeySubject(uint32_t key) {
  if (key == 0) return "key:IPC_PRIVATE";
  char text[32];
  snprintf(text, sizeof text, "key:0x%08x", key);
  return text;
}

int ShmidArg(Napi::Env env, const Napi::Value& value) {
  return static_cast<int>(ToIndex(env, value, "sysv", "shmid", INT_MAX));
}

struct shmid_ds StatOrThrow(Napi::Env env, int shmid) {
  struct shmid_ds ds {};
  if (shmctl(shmid, IPC_STAT, &ds) != 0) ThrowOsError(env, errno, ShmidSubject(shmid), "shmctl(IPC_STAT)");
  return ds;
}

// ftok(path, projectId) -> key. Errors name the path (it is what the user got wrong).
Napi::Value Ftok(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) {
    throw Napi::TypeError::New(env, "ftok: path must be a string");
  }
  const std::string path = info[0].As<Napi::String>().Utf8Value();
  if (path.empty() || path.find('\0') != std::string::npos) {
    ThrowCodedError(env, "EINVAL", path, "ftok path must be non-empty and contain no NUL byte");
  }
  // Only the low 8 bits are used and they must not be 0 (ftok(3)): refuse the rest
  // rather than silently producing the key of another project id.
  const uint64_t projectId = ToIndex(env, info[1], path, "ftok project id", 255);
  if (projectId == 0) ThrowRangeError(env, path, "ftok project id must be from 1 to 255, got 0");
  // -1 is also a valid key (all bits set): tell it from a failure by errno.
  errno = 0;
  const key_t key = ftok(path.c_str(), static_cast<int>(projectId));
  if (key == -1 && errno != 0) ThrowOsError(env, errno, path, "ftok");
  return Napi::Number::New(env, static_cast<uint32_t>(key));
}

// sysvGet(key, {create, exclusive, mode, size}) -> shmid. Key 0 is IPC_PRIVATE.
Napi::Value SysvGet(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint32_t key = static_cast<uint32_t>(ToIndex(env, info[0], "sysv", "key", UINT32_MAX));
  const std::string subject = KeySubject(key);
  Napi::Object options = OptionsArg(env, info[1], subject);
  const bool create = BoolOption(env, options, "create", subject, false);
  const bool exclusive = BoolOption(env, options, "exclusive", subject, false);
  const unsigned mode = ModeOption(env, options, subject, 0600);
  Napi::Value sizeValue = options.Get("size");
  const size_t size = sizeValue.IsUndefined()
                          ? 0
                          : static_cast<size_t>(ToIndex(env, sizeValue, subject, "size", SIZE_MAX));
  // When only opening, mode 0 asks for no particular access; the kernel checks at shmat.
  int flags = create ? (IPC_CREAT | (exclusive ? IPC_EXCL : 0) | static_cast<int>(mode)) : 0;
  const int shmid = shmget(static_cast<key_t>(key), size, flags);
  if (shmid < 0) ThrowOsError(env, errno, subject, "shmget");
  return Napi::Number::New(env, shmid);
}

Napi::Value SysvStat(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int shmid = ShmidArg(env, info[0]);
  const struct shmid_ds ds = StatOrThrow(env, shmid);
  Napi::Object result = Napi::Object::New(env);
  result.Set("shmid", shmid);
  result.Set("key", static_cast<uint32_t>(ds.shm_perm.__key));
  result.Set("size", static_cast<double>(ds.shm_segsz));
  result.Set("nattch", static_cast<double>(ds.shm_nattch));
  result.Set("cpid", static_cast<double>(ds.shm_cpid));
  result.Set("lpid", static_cast<double>(ds.shm_lpid));
  result.Set("uid", static_cast<double>(ds.shm_perm.uid));
  result.Set("gid", static_cast<double>(ds.shm_perm.gid));
  result.Set("cuid", static_cast<double>(ds.shm_perm.cuid));
  result.Set("cgid", static_cast<double>(ds.shm_perm.cgid));
  // The kernel keeps SHM_DEST and SHM_LOCKED in the same word as the permissions.
  result.Set("mode", ds.shm_perm.mode & 0777);
  result.Set("atime", static_cast<double>(ds.shm_atime));
  result.Set("dtime", static_cast<double>(ds.shm_dtime));
  result.Set("ctime", static_cast<double>(ds.shm_ctime));
  result.Set("dest", (ds.shm_perm.mode & SHM_DEST) != 0);
  result.Set("locked", (ds.shm_perm.mode & SHM_LOCKED) != 0);
  return result;
}

Napi::Value SysvRemove(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int shmid = ShmidArg(env, info[0]);
  if (shmctl(shmid, IPC_RMID, nullptr) != 0) ThrowOsError(env, errno, ShmidSubject(shmid), "shmctl(IPC_RMID)");
  return env.Undefined();
}

// One shmat() mapping; detaches when destroyed. Knows nothing about JavaScript.
class SysvMapping {
 public:
  SysvMapping() = default;
  SysvMapping(const SysvMapping&) = delete;
  SysvMapping& operator=(const SysvMapping&) = delete;
  ~SysvMapping() { Detach(); }

  // Returns errno on failure, 0 on success.
  int Attach(int shmid, bool readOnly) {
    void* address = shmat(shmid, nullptr, readOnly ? SHM_RDONLY : 0);
    if (address == reinterpret_cast<void*>(-1)) return errno;
    address_ = static_cast<uint8_t*>(address);
    return 0;
  }
  void Detach() {
    if (address_ != nullptr) shmdt(address_);
    address_ = nullptr;
  }
  bool attached() const { return address_ != nullptr; }
  uint8_t* data() const { return address_; }

 private:
  uint8_t* address_ = nullptr;
};

// new SysvAttachment(shmid, readOnly): the JS handle. A System V segment never
// changes size once created, so the mapping stays valid until we detach it and a
// plain memcpy can never fault (unlike POSIX objects, see posix_segment.cc).
class SysvAttachment : public Napi::ObjectWrap<SysvAttachment> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "SysvAttachment",
                       {InstanceMethod<&SysvAttachment::Read>("read"),
                        InstanceMethod<&SysvAttachment::Write>("write"),
                        InstanceMethod<&SysvAttachment::Find>("find"),
                        InstanceMethod<&SysvAttachment::Close>("close"),
                        InstanceAccessor<&SysvAttachment::Size>("size"),
                        InstanceAccessor<&SysvAttachment::ReadOnly>("readOnly"),
                        InstanceAccessor<&SysvAttachment::Closed>("closed"),
                        InstanceAccessor<&SysvAttachment::Shmid>("shmid")});
  }

  explicit SysvAttachment(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SysvAttachment>(info) {
    Napi::Env env = info.Env();
    shmid_ = ShmidArg(env, info[0]);
    subject_ = ShmidSubject(shmid_);
    if (!info[1].IsBoolean()) throw Napi::TypeError::New(env, subject_ + ": readOnly must be a boolean");
    readOnly_ = info[1].As<Napi::Boolean>().Value();
    // Size first: the segment size is fixed for the life of the shmid.
    size_ = StatOrThrow(env, shmid_).shm_segsz;
    if (int err = mapping_.Attach(shmid_, readOnly_)) ThrowOsError(env, err, subject_, "shmat");
  }

  // The mapping's destructor detaches when the JS object is garbage-collected.

 private:
  void RequireOpen(Napi::Env env) const {
    if (!mapping_.attached()) ThrowCodedError(env, "ECLOSED", subject_, "the attachment is closed");
  }

  Napi::Value Read(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireOpen(env);
    const uint64_t offset = ToIndex(env, info[0], subject_, "offset");
    const uint64_t length = ToIndex(env, info[1], subject_, "length");
    CheckRange(env, subject_, "read", offset, length, size_);
    // Other processes may write meanwhile; the copy is a snapshot, validated by callers.
    return Napi::Buffer<uint8_t>::Copy(env, mapping_.data() + offset, length);
  }

  // find(pattern, offset, length): first match lying wholly inside [offset, offset + length), or -1.
  // memmem over the attachment itself: nothing is copied.
  Napi::Value Find(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireOpen(env);
    Napi::Uint8Array pattern = BytesArg(env, info[0], subject_);
    const uint64_t offset = ToIndex(env, info[1], subject_, "offset");
    const uint64_t length = ToIndex(env, info[2], subject_, "length");
    CheckRange(env, subject_, "find", offset, length, size_);
    Prefault(offset, length);
    return FoundAt(env, offset, FindIn(mapping_.data() + offset, length, pattern.Data(), pattern.ByteLength()));
  }

  // A fresh attachment has no page tables yet: one fault per 4 KiB page costs more than the
  // search itself. MADV_POPULATE_READ (Linux 5.14) maps the range in one call; where the kernel
  // lacks it, memmem just faults as it goes.
  void Prefault(uint64_t offset, uint64_t length) {
    const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
    const uint64_t start = offset - offset % page;
    const uint64_t end = std::min(size_, offset + length);
    if (end <= start) return;
#ifdef MADV_POPULATE_READ
    madvise(mapping_.data() + start, end - start, MADV_POPULATE_READ);
#endif
  }

  Napi::Value Write(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireOpen(env);
    const uint64_t offset = ToIndex(env, info[0], subject_, "offset");
    Napi::Uint8Array bytes = BytesArg(env, info[1], subject_);
    CheckRange(env, subject_, "write", offset, bytes.ByteLength(), size_);
    // A store into a SHM_RDONLY mapping would be SIGSEGV: refuse it here.
    if (readOnly_) ThrowCodedError(env, "EACCES", subject_, "cannot write: the segment is attached read-only");
    if (bytes.ByteLength() > 0) memcpy(mapping_.data() + offset, bytes.Data(), bytes.ByteLength());
    return env.Undefined();
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    mapping_.Detach();
    return info.Env().Undefined();
  }

  Napi::Value Size(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(size_)); }
  Napi::Value ReadOnly(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), readOnly_); }
  Napi::Value Closed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), !mapping_.attached()); }
  Napi::Value Shmid(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), shmid_); }

  int shmid_ = -1;
  std::string subject_;
  bool readOnly_ = true;
  uint64_t size_ = 0;
  SysvMapping mapping_;
};

}  // namespace

void InitSysv(Napi::Env env, Napi::Object exports) {
  exports.Set("ftok", Napi::Function::New<Ftok>(env, "ftok"));
  exports.Set("sysvGet", Napi::Function::New<SysvGet>(env, "sysvGet"));
  exports.Set("sysvStat", Napi::Function::New<SysvStat>(env, "sysvStat"));
  exports.Set("sysvRemove", Napi::Function::New<SysvRemove>(env, "sysvRemove"));
  exports.Set("SysvAttachment", SysvAttachment::Define(env));
}

}  // namespace shmscope
