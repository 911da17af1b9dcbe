// Reads a /proc file, or stats one, on a thread of its own and waits for it at most a given time.
// Reading /proc/PID/maps (or stat-ing /proc/PID/map_files/...) takes that process's memory lock
// and can sleep in the kernel for as long as another process pleases (a fault on a FUSE or
// userfaultfd mapping). A one-shot scan (the CLI) reads on its main thread through this, so a
// hung read costs the timeout and a parked thread, not the process, and no Node worker (tens of
// milliseconds to start) is needed. A thread blocked in the kernel cannot be stopped: it is left
// detached and owns its job (shared_ptr), so nothing it touches is freed under it; exit_group
// ends it with the process.
#include "bounded_read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "os_error.h"

namespace shmscope {
namespace {

struct Job {
  std::string path;
  bool statOnly = false;
  std::vector<char> data;
  struct stat st {};
  int err = 0;
  bool done = false;
  std::mutex mutex;
  std::condition_variable cv;
};

void Run(const std::shared_ptr<Job>& job) {
  int err = 0;
  if (job->statOnly) {
    if (stat(job->path.c_str(), &job->st) != 0) err = errno;
  } else {
    const int fd = open(job->path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      err = errno;
    } else {
      char chunk[65536];
      for (;;) {
        const ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) { err = errno; break; }
        if (n == 0) break;
        job->data.insert(job->data.end(), chunk, chunk + n);
      }
      close(fd);
    }
  }
  std::lock_guard<std::mutex> lock(job->mutex);
  job->err = err;
  job->done = true;
  job->cv.notify_all();
}

// readBounded(path, timeoutMs, statOnly): a Buffer of the file (or {size, mode, uid, gid,
// mtimeMs} for statOnly), null when it did not answer in time; an OS error names path and code.
Napi::Value ReadBounded(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString() || !info[1].IsNumber()) throw Napi::TypeError::New(env, "readBounded(path, timeoutMs, statOnly)");
  auto job = std::make_shared<Job>();
  job->path = info[0].As<Napi::String>().Utf8Value();
  job->statOnly = info.Length() > 2 && info[2].IsBoolean() && info[2].As<Napi::Boolean>().Value();
  const double ms = info[1].As<Napi::Number>().DoubleValue();
  const auto timeout = std::chrono::milliseconds(ms > 0 && ms < 3.6e6 ? static_cast<int64_t>(ms) : 0);
  std::thread(Run, job).detach();
  std::unique_lock<std::mutex> lock(job->mutex);
  if (!job->cv.wait_for(lock, timeout, [&] { return job->done; })) return env.Null();
  if (job->err != 0) ThrowOsError(env, job->err, job->path, job->statOnly ? "stat" : "read");
  if (job->statOnly) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("size", static_cast<double>(job->st.st_size));
    o.Set("mode", static_cast<double>(job->st.st_mode));
    o.Set("uid", static_cast<double>(job->st.st_uid));
    o.Set("gid", static_cast<double>(job->st.st_gid));
    o.Set("mtimeMs", static_cast<double>(job->st.st_mtim.tv_sec) * 1e3 + static_cast<double>(job->st.st_mtim.tv_nsec) / 1e6);
    return o;
  }
  return Napi::Buffer<char>::Copy(env, job->data.data(), job->data.size());
}

// The batch: one thread reads the paths in order; `progress` counts finished ones.
struct Batch {
  std::vector<std::string> paths;
  std::vector<std::vector<char>> data;
  std::vector<int> errs;
  size_t progress = 0;
  std::mutex mutex;
  std::condition_variable cv;
};

void RunBatch(const std::shared_ptr<Batch>& batch) {
  for (size_t i = 0; i < batch->paths.size(); ++i) {
    Job job;
    job.path = batch->paths[i];
    const int fd = open(job.path.c_str(), O_RDONLY | O_CLOEXEC);
    int err = 0;
    if (fd < 0) {
      err = errno;
    } else {
      char chunk[65536];
      for (;;) {
        const ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) { err = errno; break; }
        if (n == 0) break;
        job.data.insert(job.data.end(), chunk, chunk + n);
      }
      close(fd);
    }
    std::lock_guard<std::mutex> lock(batch->mutex);
    batch->data[i] = std::move(job.data);
    batch->errs[i] = err;
    batch->progress = i + 1;
    batch->cv.notify_all();
  }
}

// readBoundedBatch(paths, timeoutMs): reads the files in order on one thread; each may take
// timeoutMs. Returns one entry per path read: a Buffer, or the errno code (string) it failed with;
// the list stops short (its length is the index of the read that hangs) when one does not answer.
Napi::Value ReadBoundedBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray() || !info[1].IsNumber()) throw Napi::TypeError::New(env, "readBoundedBatch(paths, timeoutMs)");
  Napi::Array paths = info[0].As<Napi::Array>();
  auto batch = std::make_shared<Batch>();
  for (uint32_t i = 0; i < paths.Length(); ++i) {
    Napi::Value p = paths.Get(i);
    if (!p.IsString()) throw Napi::TypeError::New(env, "readBoundedBatch: paths must be strings");
    batch->paths.push_back(p.As<Napi::String>().Utf8Value());
  }
  batch->data.resize(batch->paths.size());
  batch->errs.resize(batch->paths.size());
  const double ms = info[1].As<Napi::Number>().DoubleValue();
  const auto timeout = std::chrono::milliseconds(ms > 0 && ms < 3.6e6 ? static_cast<int64_t>(ms) : 0);
  std::thread(RunBatch, batch).detach();
  size_t finished = 0;
  {
    std::unique_lock<std::mutex> lock(batch->mutex);
    for (;;) {
      const size_t seen = batch->progress;
      if (seen == batch->paths.size()) break;
      // Each read gets its own timeout: wait while this one is still the one in the kernel.
      if (!batch->cv.wait_for(lock, timeout, [&] { return batch->progress != seen; })) break;
    }
    finished = batch->progress;
  }
  // Entries below `finished` are never written again: read them without the lock.
  Napi::Array out = Napi::Array::New(env, finished);
  for (size_t i = 0; i < finished; ++i) {
    if (batch->errs[i] != 0) out.Set(static_cast<uint32_t>(i), Napi::String::New(env, ErrnoName(batch->errs[i])));
    else out.Set(static_cast<uint32_t>(i), Napi::Buffer<char>::Copy(env, batch->data[i].data(), batch->data[i].size()));
  }
  return out;
}

}  // namespace

void InitBoundedRead(Napi::Env env, Napi::Object exports) {
  exports.Set("readBounded", Napi::Function::New<ReadBounded>(env, "readBounded"));
  exports.Set("readBoundedBatch", Napi::Function::New<ReadBoundedBatch>(env, "readBoundedBatch"));
}

}  // namespace shmscope
