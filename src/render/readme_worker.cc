// Client and server halves of the README worker protocol, over a Unix stream socket pair:
//   request:  u32 repository_url length, u32 directory length, u32 markdown length, the bytes
//   answer:   u32 html length, the bytes
// (native byte order: both ends are this build on this machine). The client polls the socket
// every limits::kReadmeRenderPollInterval and reads the worker's CPU clock in between, so a
// worker is killed at most one interval past its budget.
#include "render/readme_worker.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "core/limits.h"

extern char** environ;

namespace pkgstats::render {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::microseconds;

// The descriptor the worker finds its socket on (0-2 stay the parent's stdio).
constexpr int kWorkerSocketFd = 3;
// malloc in a worker: transparent huge pages for its heap, grown 32 MB at a time. Page faults
// are expensive in a VM (about 13 us each here), and a fresh worker faulted 4,000 pages in
// its first large README: 128 kB of "_a " took 79 ms of CPU, 31 ms with these, 24 ms warm.
constexpr const char* kWorkerMallocTunables =
    "GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.top_pad=33554432";
// What a worker sends once, when it is ready for requests.
constexpr char kReadyByte = 'R';

microseconds cpu_budget() { return limits::kReadmeRenderCpuBudget * limits::kTimeBudgetScale; }

// Says once on stderr that READMEs will be stored as text: an installation without the worker
// executable is a configuration error an operator must see.
void report_start_failure(const std::string& executable, int error) {
  static std::once_flag once;
  std::call_once(once, [&] {
    std::fprintf(stderr,
                 "pkgstats: cannot start the README worker %s: %s; READMEs are stored as "
                 "plain text (set PKGSTATS_README_WORKER)\n",
                 executable.c_str(), std::strerror(error));
  });
}

std::chrono::nanoseconds cpu_time(clockid_t clock) {
  timespec ts{};
  if (clock_gettime(clock, &ts) != 0) return std::chrono::nanoseconds::max();
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

// One worker process and the parent's end of its socket. Destroying it kills the process.
class Worker {
 public:
  static std::unique_ptr<Worker> start(const std::string& executable);
  ~Worker();

  WorkerRender render(std::string_view source, const ReadmeContext& ctx);

 private:
  enum class Wait { kReady, kOverBudget, kFailed };
  // Waits (up to the wall limit) for the byte a worker sends once it has started.
  bool await_ready();
  // Waits until the socket is ready for `events`, checking the budget every poll interval.
  Wait wait_for(short events);
  WorkerRender::Status send_all(std::string_view bytes);
  WorkerRender::Status receive(char* out, std::size_t size);

  pid_t pid_ = -1;
  int fd_ = -1;
  clockid_t cpu_clock_{};
  std::chrono::nanoseconds cpu_at_start_{0};
  Clock::time_point wall_deadline_;
};

std::unique_ptr<Worker> Worker::start(const std::string& executable) {
  if (executable.empty()) {
    report_start_failure("pkgstats-readme-worker", ENOENT);
    return nullptr;
  }
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return nullptr;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], kWorkerSocketFd);
  posix_spawn_file_actions_addclosefrom_np(&actions, kWorkerSocketFd + 1);
  char name[] = "pkgstats-readme-worker";
  char* argv[] = {name, nullptr};
  std::vector<char*> env;
  for (char** var = environ; *var != nullptr; ++var) {
    if (std::strncmp(*var, "GLIBC_TUNABLES=", 15) != 0) env.push_back(*var);
  }
  env.push_back(const_cast<char*>(kWorkerMallocTunables));
  env.push_back(nullptr);
  // The caller's thread may block signals (servers do); the worker must not inherit that.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t no_signals;
  sigemptyset(&no_signals);
  posix_spawnattr_setsigmask(&attributes, &no_signals);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
  auto worker = std::make_unique<Worker>();
  int rc = posix_spawn(&worker->pid_, executable.c_str(), &actions, &attributes, argv, env.data());
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  worker->fd_ = fds[0];
  if (rc != 0) {
    worker->pid_ = -1;
    report_start_failure(executable, rc);
    return nullptr;
  }
  if (fcntl(worker->fd_, F_SETFL, O_NONBLOCK) != 0 ||
      clock_getcpuclockid(worker->pid_, &worker->cpu_clock_) != 0 || !worker->await_ready()) {
    return nullptr;  // the destructor kills it
  }
  return worker;
}

Worker::~Worker() {
  if (fd_ >= 0) close(fd_);
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

bool Worker::await_ready() {
  wall_deadline_ = Clock::now() + limits::kReadmeRenderWallLimit * limits::kTimeBudgetScale;
  while (true) {
    char ready = 0;
    ssize_t n = recv(fd_, &ready, 1, 0);
    if (n == 1) return ready == kReadyByte;
    if (n < 0 && errno == EINTR) continue;
    if (!(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))) return false;
    pollfd p{fd_, POLLIN, 0};
    int timeout = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(wall_deadline_ - Clock::now())
            .count());
    if (timeout <= 0) return false;
    if (poll(&p, 1, timeout) < 0 && errno != EINTR) return false;
  }
}

Worker::Wait Worker::wait_for(short events) {
  const auto interval =
      std::chrono::duration_cast<std::chrono::milliseconds>(limits::kReadmeRenderPollInterval);
  while (true) {
    pollfd p{fd_, events, 0};
    int ready = poll(&p, 1, static_cast<int>(interval.count()));
    if (ready > 0) return Wait::kReady;  // readable, writable, or hung up (recv sees EOF)
    if (ready < 0 && errno != EINTR) return Wait::kFailed;
    if (cpu_time(cpu_clock_) - cpu_at_start_ > cpu_budget()) return Wait::kOverBudget;
    if (Clock::now() > wall_deadline_) return Wait::kOverBudget;
  }
}

WorkerRender::Status Worker::send_all(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      Wait wait = wait_for(POLLOUT);
      if (wait == Wait::kOverBudget) return WorkerRender::kOverBudget;
      if (wait == Wait::kFailed) return WorkerRender::kFailed;
    } else {
      return WorkerRender::kFailed;  // the worker is gone
    }
  }
  return WorkerRender::kOk;
}

WorkerRender::Status Worker::receive(char* out, std::size_t size) {
  while (size > 0) {
    ssize_t n = recv(fd_, out, size, 0);
    if (n > 0) {
      out += n;
      size -= static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      Wait wait = wait_for(POLLIN);
      if (wait == Wait::kOverBudget) return WorkerRender::kOverBudget;
      if (wait == Wait::kFailed) return WorkerRender::kFailed;
    } else {
      return WorkerRender::kFailed;  // end of file: the worker died
    }
  }
  return WorkerRender::kOk;
}

WorkerRender Worker::render(std::string_view source, const ReadmeContext& ctx) {
  WorkerRender result;
  wall_deadline_ = Clock::now() + limits::kReadmeRenderWallLimit * limits::kTimeBudgetScale;
  cpu_at_start_ = cpu_time(cpu_clock_);
  if (cpu_at_start_ == std::chrono::nanoseconds::max()) return result;  // kFailed

  const std::uint32_t header[3] = {static_cast<std::uint32_t>(ctx.repository_url.size()),
                                   static_cast<std::uint32_t>(ctx.directory.size()),
                                   static_cast<std::uint32_t>(source.size())};
  std::string request(reinterpret_cast<const char*>(header), sizeof header);
  request += ctx.repository_url;
  request += ctx.directory;
  request += source;
  result.status = send_all(request);
  std::uint32_t length = 0;
  if (result.status == WorkerRender::kOk) {
    result.status = receive(reinterpret_cast<char*>(&length), sizeof length);
  }
  if (result.status == WorkerRender::kOk && length > limits::kMaxReadmeHtmlBytes) {
    result.status = WorkerRender::kFailed;  // out of bounds: do not trust this worker again
  }
  if (result.status == WorkerRender::kOk) {
    result.html.resize(length);
    result.status = receive(result.html.data(), length);
  }
  if (auto cpu_now = cpu_time(cpu_clock_); cpu_now != std::chrono::nanoseconds::max()) {
    result.cpu = std::chrono::duration_cast<microseconds>(cpu_now - cpu_at_start_);
  }  // else the worker died: its clock is gone
  if (result.status != WorkerRender::kOk) result.html.clear();
  return result;
}

// Up to limits::kMaxReadmeWorkers workers, started on demand and kept while healthy.
class WorkerPool {
 public:
  explicit WorkerPool(std::string executable) : executable_(std::move(executable)) {}

  // A worker to use alone, or nullptr when none can be started.
  std::unique_ptr<Worker> acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [this] { return !idle_.empty() || live_ < limits::kMaxReadmeWorkers; });
    if (!idle_.empty()) {
      std::unique_ptr<Worker> worker = std::move(idle_.back());
      idle_.pop_back();
      return worker;
    }
    ++live_;
    lock.unlock();
    std::unique_ptr<Worker> worker = Worker::start(executable_);
    if (!worker) release(nullptr);
    return worker;
  }

  // Returns a worker to the pool; nullptr (or a worker not worth keeping, reset by the
  // caller) frees its place.
  void release(std::unique_ptr<Worker> worker) {
    std::lock_guard lock(mutex_);
    if (worker) {
      idle_.push_back(std::move(worker));
    } else {
      --live_;
    }
    available_.notify_one();
  }

 private:
  const std::string executable_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Worker>> idle_;
  std::size_t live_ = 0;  // idle plus in use
};

WorkerPool& pool() {
  static WorkerPool* instance = new WorkerPool(readme_worker_executable());  // never destroyed:
  return *instance;  // workers exit on end-of-file when this process does
}

// Reads exactly `size` bytes. 1 when read, 0 on end-of-file before the first byte, -1 otherwise.
int read_exactly(int fd, char* out, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = read(fd, out + done, size - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return (n == 0 && done == 0) ? 0 : -1;
    }
  }
  return 1;
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
    } else if (!(n < 0 && errno == EINTR)) {
      return false;
    }
  }
  return true;
}

// Arms (or with zero disarms) the worker's own CPU limit for one request.
void set_self_limit(microseconds limit) {
  itimerval timer{};
  timer.it_value.tv_sec = static_cast<time_t>(limit.count() / 1000000);
  timer.it_value.tv_usec = static_cast<suseconds_t>(limit.count() % 1000000);
  setitimer(ITIMER_PROF, &timer, nullptr);
}

}  // namespace

WorkerRender render_in_worker(std::string_view source, const ReadmeContext& ctx) {
  std::unique_ptr<Worker> worker = pool().acquire();
  if (!worker) return WorkerRender{};
  // A context the worker would refuse is dropped (links then cannot be resolved), not sent.
  const bool context_fits = ctx.repository_url.size() <= limits::kMaxReadmeContextFieldBytes &&
                            ctx.directory.size() <= limits::kMaxReadmeContextFieldBytes;
  WorkerRender result = worker->render(source, context_fits ? ctx : ReadmeContext{});
  if (result.status != WorkerRender::kOk) worker.reset();  // killed and reaped
  pool().release(std::move(worker));
  return result;
}

int serve_readme_requests(int fd) {
  signal(SIGPROF, SIG_DFL);  // the self limit terminates the process
  if (!write_all(fd, std::string_view(&kReadyByte, 1))) return 2;
  while (true) {
    std::uint32_t header[3];
    int got = read_exactly(fd, reinterpret_cast<char*>(header), sizeof header);
    if (got == 0) return 0;
    if (got < 0 || header[0] > limits::kMaxReadmeContextFieldBytes ||
        header[1] > limits::kMaxReadmeContextFieldBytes ||
        header[2] > limits::kMaxReadmeSourceBytes) {
      return 2;
    }
    ReadmeContext ctx;
    ctx.repository_url.resize(header[0]);
    ctx.directory.resize(header[1]);
    std::string markdown(header[2], '\0');
    if (read_exactly(fd, ctx.repository_url.data(), header[0]) < 0 ||
        read_exactly(fd, ctx.directory.data(), header[1]) < 0 ||
        read_exactly(fd, markdown.data(), header[2]) < 0) {
      return 2;
    }
    set_self_limit(cpu_budget() * limits::kReadmeWorkerSelfLimitFactor);
    std::string html = render_readme_in_process(markdown, ctx);
    set_self_limit(microseconds(0));
    if (html.size() > limits::kMaxReadmeHtmlBytes) html.clear();  // never: the sanitizer caps
    const std::uint32_t length = static_cast<std::uint32_t>(html.size());
    if (!write_all(fd, std::string_view(reinterpret_cast<const char*>(&length), sizeof length)) ||
        !write_all(fd, html)) {
      return 2;
    }
  }
}

std::string readme_worker_executable() {
  if (const char* configured = std::getenv("PKGSTATS_README_WORKER"); configured && *configured) {
    return configured;
  }
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    fs::path beside = self.parent_path() / "pkgstats-readme-worker";
    if (fs::exists(beside, error)) return beside.string();
  }
#ifdef PKGSTATS_README_WORKER_BUILD_PATH
  return PKGSTATS_README_WORKER_BUILD_PATH;
#else
  return {};
#endif
}

}  // namespace pkgstats::render
