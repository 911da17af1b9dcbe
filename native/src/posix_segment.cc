#include "posix_segment.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

#include "bounds.h"
#include "find.h"
#include "os_error.h"

// Why reads and writes use pread/pwrite instead of the mapping: anyone who can open
// a POSIX object can ftruncate it while we have it mapped, and touching a page past
// the new end raises SIGBUS, which would kill the whole app. pread/pwrite on the
// descriptor see the same bytes and report a short count instead. The mapping is
// still kept: it is what makes us show up as an attacher in /proc/PID/maps, like
// every other program that uses the object.

namespace shmscope {
namespace {

// The longest name shm_open takes, counting the leading '/': NAME_MAX (255) bytes after
// it, the rule main/segments/posix-name.ts (MAX_POSIX_NAME_BYTES) applies first.
constexpr size_t kMaxNameWithSlash = 1 + 255;

// The rules of shm_open(3) as glibc applies them, checked up front so the error
// names the object: "/name", nothing else containing '/', 1..255 bytes after the '/'.
void ValidateName(Napi::Env env, const std::string& name, const std::string& subject) {
  if (name.size() > kMaxNameWithSlash) {
    ThrowCodedError(env, "ENAMETOOLONG", subject,
                    "POSIX shared memory name is " + std::to_string(name.size() - 1) + " bytes long, longer than 255");
  }
  const bool valid = name.size() >= 2 && name[0] == '/' && name.find('/', 1) == std::string::npos &&
                     name.find('\0') == std::string::npos && name != "/." && name != "/..";
  if (!valid) {
    ThrowCodedError(env, "EINVAL", subject,
                    "invalid POSIX shared memory name: it must start with '/', contain no other '/' or NUL, "
                    "and have 1 to 255 bytes after the '/'");
  }
}

// The name as bytes: a Buffer/Uint8Array (any bytes, as names in /dev/shm are), or a
// string taken as UTF-8.
std::string NameBytes(Napi::Env env, const Napi::Value& value) {
  if (value.IsString()) return value.As<Napi::String>().Utf8Value();
  if (value.IsTypedArray() && value.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
    Napi::Uint8Array bytes = value.As<Napi::Uint8Array>();
    return std::string(reinterpret_cast<const char*>(bytes.Data()), bytes.ByteLength());
  }
  throw Napi::TypeError::New(env, "posix: name must be a string such as \"/demo\" or its bytes (a Buffer)");
}

// How errors name the object: the caller's spelling (the escaped posix:NAME for names
// that are not printable UTF-8), else "posix:" + the name.
std::string SubjectArg(Napi::Env env, const Napi::Value& value, const std::string& name) {
  if (value.IsUndefined()) return "posix:" + name;
  if (!value.IsString()) throw Napi::TypeError::New(env, "posix: subject must be a string");
  return value.As<Napi::String>().Utf8Value();
}

// What a non-regular file in /dev/shm is, for the refusal.
const char* FileKind(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "not a plain file";
}

// Owns a file descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }
  void Reset(int fd = -1) {
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
  }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// Owns an mmap() region. It is never read or written through (see the top of the file).
class SharedMapping {
 public:
  SharedMapping() = default;
  SharedMapping(const SharedMapping&) = delete;
  SharedMapping& operator=(const SharedMapping&) = delete;
  ~SharedMapping() { Unmap(); }

  // Maps `length` bytes of fd (nothing for 0: mmap refuses empty mappings). Returns errno or 0.
  int Map(int fd, size_t length, bool readOnly) {
    Unmap();
    if (length == 0) return 0;
    void* address = mmap(nullptr, length, readOnly ? PROT_READ : PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (address == MAP_FAILED) return errno;
    address_ = address;
    length_ = length;
    return 0;
  }
  void Unmap() {
    if (address_ != nullptr) munmap(address_, length_);
    address_ = nullptr;
    length_ = 0;
  }

 private:
  void* address_ = nullptr;
  size_t length_ = 0;
};

// The current size of the object behind fd, or -1 with errno set.
off_t CurrentSize(int fd) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return -1;
  return st.st_size;
}

// new PosixSegment(name, {create, exclusive, mode, readOnly, size}).
class PosixSegment : public Napi::ObjectWrap<PosixSegment> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "PosixSegment",
                       {InstanceMethod<&PosixSegment::Read>("read"),
                        InstanceMethod<&PosixSegment::Write>("write"),
                        InstanceMethod<&PosixSegment::Find>("find"),
                        InstanceMethod<&PosixSegment::Stat>("stat"),
                        InstanceMethod<&PosixSegment::Truncate>("truncate"),
                        InstanceMethod<&PosixSegment::Close>("close"),
                        InstanceAccessor<&PosixSegment::Size>("size"),
                        InstanceAccessor<&PosixSegment::ReadOnly>("readOnly"),
                        InstanceAccessor<&PosixSegment::Closed>("closed"),
                        InstanceAccessor<&PosixSegment::Name>("name")});
  }

  explicit PosixSegment(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PosixSegment>(info) {
    Napi::Env env = info.Env();
    name_ = NameBytes(env, info[0]);
    subject_ = info[1].IsObject() ? SubjectArg(env, info[1].As<Napi::Object>().Get("subject"), name_) : "posix:" + name_;
    ValidateName(env, name_, subject_);
    Napi::Object options = OptionsArg(env, info[1], subject_);
    const bool create = BoolOption(env, options, "create", subject_, false);
    const bool exclusive = BoolOption(env, options, "exclusive", subject_, false);
    readOnly_ = BoolOption(env, options, "readOnly", subject_, false);
    const unsigned mode = ModeOption(env, options, subject_, 0600);
    Napi::Value sizeValue = options.Get("size");
    const bool haveSize = !sizeValue.IsUndefined();
    const uint64_t maxOff = static_cast<uint64_t>(std::numeric_limits<off_t>::max());
    const uint64_t size = haveSize ? ToIndex(env, sizeValue, subject_, "size", maxOff) : 0;

    const bool created = Open(env, create, exclusive, mode);
    try {
      if (created) {
        // shm_open applies the umask; the requested mode is what the user asked for.
        if (fchmod(fd_.get(), mode) != 0) ThrowOsError(env, errno, subject_, "fchmod");
        if (haveSize && ftruncate(fd_.get(), static_cast<off_t>(size)) != 0) {
          ThrowOsError(env, errno, subject_, "ftruncate");
        }
      }
      const off_t current = CurrentSize(fd_.get());
      if (current < 0) ThrowOsError(env, errno, subject_, "fstat");
      size_ = static_cast<uint64_t>(current);
      if (int err = mapping_.Map(fd_.get(), size_, readOnly_)) ThrowOsError(env, err, subject_, "mmap");
    } catch (...) {
      // Do not leave behind a half-made object that only we knew about.
      if (created) shm_unlink(name_.c_str());
      throw;
    }
  }

  // The members' destructors unmap and close when the JS object is garbage-collected.

 private:
  // shm_open; returns whether this call created the object. With create but not
  // exclusive it first tries O_EXCL so it knows, and only then sets mode and size:
  // an existing object that others use is never resized or chmod'ed by opening it.
  // Anyone may put a FIFO or a symlink in /dev/shm under a name we are asked to open
  // (or swap a watched object for one): opening never blocks (O_NONBLOCK: a FIFO
  // with no writer would wait forever), never follows a link (O_NOFOLLOW), and only
  // a regular file is kept.
  bool Open(Napi::Env env, bool create, bool exclusive, unsigned mode) {
    const int flags = (readOnly_ ? O_RDONLY : O_RDWR) | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC;
    if (create) {
      int fd = shm_open(name_.c_str(), flags | O_CREAT | O_EXCL, mode);
      if (fd >= 0) {
        fd_.Reset(fd);
        return true;
      }
      if (errno != EEXIST || exclusive) ThrowOpenError(env, errno);
    }
    int fd = shm_open(name_.c_str(), flags, 0);
    if (fd < 0) ThrowOpenError(env, errno);
    fd_.Reset(fd);
    struct stat st {};
    if (fstat(fd_.get(), &st) != 0) ThrowOsError(env, errno, subject_, "fstat");
    if (!S_ISREG(st.st_mode)) {
      fd_.Reset();
      ThrowCodedError(env, "ENOTREG", subject_,
                      std::string("not a regular file (") + FileKind(st.st_mode) + ") — refusing to open it");
    }
    return false;
  }

  [[noreturn]] void ThrowOpenError(Napi::Env env, int err) {
    if (err == ELOOP) ThrowCodedError(env, "ELOOP", subject_, "is a symbolic link — refusing to follow it");
    // glibc turns open()'s EISDIR into EINVAL, and the name itself was checked already.
    if (err == EINVAL) ThrowCodedError(env, "ENOTREG", subject_, "not a regular file (a directory) — refusing to open it");
    ThrowOsError(env, err, subject_, "shm_open");
  }

  void RequireOpen(Napi::Env env) const {
    if (!fd_.valid()) ThrowCodedError(env, "ECLOSED", subject_, "the segment handle is closed");
  }
  void RequireWritable(Napi::Env env, const char* what) const {
    // The descriptor is O_RDONLY: pwrite/ftruncate would fail with EBADF/EINVAL,
    // which says nothing useful. Say what is really going on.
    if (readOnly_) ThrowCodedError(env, "EACCES", subject_, std::string("cannot ") + what + ": the segment is attached read-only");
  }
  [[noreturn]] void ThrowTruncated(Napi::Env env, const char* operation, uint64_t offset, uint64_t length) {
    const off_t now = CurrentSize(fd_.get());
    ThrowCodedError(env, "ETRUNCATED", subject_,
                    std::string(operation) + " of " + std::to_string(length) + " bytes at offset " +
                        std::to_string(offset) + " failed: another process truncated the segment, it is now " +
                        (now < 0 ? std::string("of unknown size") : std::to_string(now) + " bytes") +
                        " (was " + std::to_string(size_) + ")");
  }

  Napi::Value Read(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireOpen(env);
    const uint64_t offset = ToIndex(env, info[0], subject_, "offset");
    const uint64_t length = ToIndex(env, info[1], subject_, "length");
    CheckRange(env, subject_, "read", offset, length, size_);
    // A fresh (not external) buffer, filled straight from the descriptor.
    Napi::Buffer<uint8_t> buffer = Napi::Buffer<uint8_t>::New(env, length);
    ReadFully(env, "read", buffer.Data(), offset, length);
    return buffer;
  }

  // pread until `length` bytes are in; a short file means someone truncated it.
  void ReadFully(Napi::Env env, const char* operation, uint8_t* out, uint64_t offset, uint64_t length) {
    uint64_t done = 0;
    while (done < length) {
      const ssize_t n = pread(fd_.get(), out + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        ThrowOsError(env, errno, subject_, "pread");
      }
      if (n == 0) ThrowTruncated(env, operation, offset, length);  // end of file before our size: it shrank
      done += static_cast<uint64_t>(n);
    }
  }

  // find(pattern, offset, length): first match lying wholly inside [offset, offset + length), or -1.
  // memmem over pread chunks in one reused buffer (not the mapping: a truncated object would
  // fault there), overlapping by the pattern's length - 1 so no match is cut in two.
  Napi::Value Find(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireOpen(env);
    Napi::Uint8Array pattern = BytesArg(env, info[0], subject_);
    const uint64_t offset = ToIndex(env, info[1], subject_, "offset");
    const uint64_t length = ToIndex(env, info[2], subject_, "length");
    CheckRange(env, subject_, "find", offset, length, size_);
    const size_t patternLength = pattern.ByteLength();
    if (patternLength == 0 || patternLength > length) return FoundAt(env, offset, -1);
    constexpr uint64_t kChunk = 1 << 20;
    std::vector<uint8_t> buffer(kChunk + patternLength - 1);
    const uint64_t end = offset + length;
    for (uint64_t pos = offset; end - pos >= patternLength;) {
      const uint64_t want = std::min<uint64_t>(end - pos, buffer.size());
      ReadFully(env, "find", buffer.data(), pos, want);
      const int64_t hit = FindIn(buffer.data(), want, pattern.Data(), patternLength);
      if (hit >= 0) return FoundAt(env, pos, hit);
      pos += want - (patternLength - 1);
    }
    return FoundAt(env, offset, -1);
  }

  Napi::Value Write(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireOpen(env);
    const uint64_t offset = ToIndex(env, info[0], subject_, "offset");
    Napi::Uint8Array bytes = BytesArg(env, info[1], subject_);
    const uint64_t length = bytes.ByteLength();
    CheckRange(env, subject_, "write", offset, length, size_);
    RequireWritable(env, "write");
    // pwrite past the end would silently grow a truncated object (with a hole of
    // zeros) instead of failing: check the live size first. A truncation racing
    // with this check only means the object grows back; nothing can fault.
    const off_t now = CurrentSize(fd_.get());
    if (now < 0) ThrowOsError(env, errno, subject_, "fstat");
    if (!RangeInside(offset, length, static_cast<uint64_t>(now))) ThrowTruncated(env, "write", offset, length);
    const uint8_t* data = bytes.Data();
    uint64_t done = 0;
    while (done < length) {
      const ssize_t n = pwrite(fd_.get(), data + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        ThrowOsError(env, errno, subject_, "pwrite");
      }
      if (n == 0) ThrowOsError(env, ENOSPC, subject_, "pwrite");  // tmpfs full: no progress possible
      done += static_cast<uint64_t>(n);
    }
    return env.Undefined();
  }

  Napi::Value Stat(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireOpen(env);
    struct stat st {};
    if (fstat(fd_.get(), &st) != 0) ThrowOsError(env, errno, subject_, "fstat");
    Napi::Object result = Napi::Object::New(env);
    result.Set("size", static_cast<double>(st.st_size));
    result.Set("mode", static_cast<double>(st.st_mode & 0777));  // permission bits, like SysvStat.mode
    result.Set("uid", static_cast<double>(st.st_uid));
    result.Set("gid", static_cast<double>(st.st_gid));
    result.Set("mtimeMs", static_cast<double>(st.st_mtim.tv_sec) * 1000.0 + static_cast<double>(st.st_mtim.tv_nsec) / 1e6);
    result.Set("dev", static_cast<double>(st.st_dev));
    result.Set("ino", static_cast<double>(st.st_ino));
    return result;
  }

  // ftruncate, then map the new size so our attachment covers the whole object.
  Napi::Value Truncate(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireOpen(env);
    const uint64_t maxOff = static_cast<uint64_t>(std::numeric_limits<off_t>::max());
    const uint64_t size = ToIndex(env, info[0], subject_, "size", maxOff);
    RequireWritable(env, "truncate");
    if (ftruncate(fd_.get(), static_cast<off_t>(size)) != 0) ThrowOsError(env, errno, subject_, "ftruncate");
    size_ = size;
    if (int err = mapping_.Map(fd_.get(), size_, readOnly_)) ThrowOsError(env, err, subject_, "mmap");
    return env.Undefined();
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    mapping_.Unmap();
    fd_.Reset();
    return info.Env().Undefined();
  }

  Napi::Value Size(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(size_)); }
  Napi::Value ReadOnly(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), readOnly_); }
  Napi::Value Closed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), !fd_.valid()); }
  Napi::Value Name(const Napi::CallbackInfo& info) {
    return Napi::Buffer<char>::Copy(info.Env(), name_.data(), name_.size());
  }

  std::string name_;
  std::string subject_;
  bool readOnly_ = true;
  // The size we mapped (set at open and by our own truncate); reads and writes are
  // checked against it, and a shorter file means someone else truncated it.
  uint64_t size_ = 0;
  UniqueFd fd_;
  SharedMapping mapping_;  // declared after fd_: unmapped before the descriptor closes
};

Napi::Value PosixUnlink(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string name = NameBytes(env, info[0]);
  const std::string subject = SubjectArg(env, info[1], name);
  ValidateName(env, name, subject);
  if (shm_unlink(name.c_str()) != 0) ThrowOsError(env, errno, subject, "shm_unlink");
  return env.Undefined();
}

}  // namespace

void InitPosix(Napi::Env env, Napi::Object exports) {
  exports.Set("PosixSegment", PosixSegment::Define(env));
  exports.Set("posixUnlink", Napi::Function::New<PosixUnlink>(env, "posixUnlink"));
}

}  // namespace shmscope
