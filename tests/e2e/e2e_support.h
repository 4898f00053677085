// Shared by the end-to-end tests that run real processes (pkgstats, Verdaccio): free loopback
// ports, background processes stopped on destruction, files, polling, and HTTP GET.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "loopback_port.h"
#include "registry/http_fetcher.h"

namespace pkgstats::e2e {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

// A background process (argv[0] looked up on PATH) in its own process group, stdout and
// stderr appended to `log`; SIGTERM (then SIGKILL after 5 s) to the group when destroyed.
class Process {
 public:
  Process(std::vector<std::string> argv, const std::string& log, const std::string& cwd = "") {
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
      FILE* out = freopen(log.c_str(), "a", stdout);
      if (!out || dup2(fileno(stdout), 2) < 0) _exit(126);
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
  }
  ~Process() {
    if (pid_ <= 0) return;
    kill(-pid_, SIGTERM);
    for (int i = 0; i < 50; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(-pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  bool running() const { return pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// Polls `ready` every 50 ms for up to `seconds`.
inline bool wait_for(const std::function<bool()>& ready, double seconds) {
  const auto until = std::chrono::steady_clock::now() +
                     std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  while (std::chrono::steady_clock::now() < until) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return ready();
}

// GET over loopback; status 0 when nothing answered.
inline registry::HttpResponse http_get(const std::string& url) {
  static registry::CurlFetcher curl([] {
    registry::CurlOptions o;
    o.connect_timeout = std::chrono::seconds(2);
    o.total_timeout = std::chrono::seconds(20);
    return o;
  }());
  registry::HttpRequest request;
  request.url = url;
  auto r = curl.get(request);
  return r.ok() ? *r : registry::HttpResponse{};
}

// Starts `pkgstats serve --db DB --port P EXTRA...` and waits until /healthz answers.
class Server {
 public:
  Server(const std::string& db, const std::vector<std::string>& extra, const std::string& log)
      : port_(pkgstats::testing::free_loopback_port()), log_(log) {
    std::vector<std::string> argv{PKGSTATS_BINARY,      "serve", "--db", db, "--port",
                                  std::to_string(port_)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    process_ = std::make_unique<Process>(argv, log);
    ready_ = wait_for([&] { return http_get(url("/healthz")).status == 200; }, 60);
  }
  bool ready() const { return ready_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  registry::HttpResponse get(const std::string& path) const { return http_get(url(path)); }
  std::string log() const { return read_file(log_); }
  pid_t pid() const { return process_->pid(); }

 private:
  uint16_t port_;
  std::string log_;
  std::unique_ptr<Process> process_;
  bool ready_ = false;
};

// A field of /proc/PID/status in kB ("VmHWM": the peak resident set, "VmRSS"); -1 if absent.
inline long proc_status_kb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(field + ":")) return std::atol(line.c_str() + field.size() + 1);
  return -1;
}

}  // namespace pkgstats::e2e
