// fake_registry: serves a fake npm registry on 127.0.0.1 until SIGINT/SIGTERM.
//
//   fake_registry [--port N] [--fixtures DIR]... [--synthetic N] [--latency-ms MS]
//                 [--fault-rate P] [--opaque-seqs] [--monthly-downloads TSV]
//                 [--no-version-downloads]
//
// --monthly-downloads reads a (possibly gzipped) TSV of name, version, monthly downloads
// (the corpus format, header line allowed): those names' daily counts follow that volume.
// --no-version-downloads answers /versions/{pkg}/last-week with 404s, like Verdaccio.
// Every package (fixtures and synthetic "synthetic-pkg-<i>") gets one entry in the changes
// feed. Prints "listening on http://127.0.0.1:PORT" once ready.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/file_reader.h"
#include "fake_registry.h"

using namespace pkgstats::fake_registry;

// Adds name -> monthly downloads from every "name\tversion\tdownloads..." line of `path`.
static bool read_monthly_downloads(const std::string& path, std::map<std::string, int64_t>& out) {
  pkgstats::LineReader reader;
  if (auto s = reader.open(path); !s) {
    std::fprintf(stderr, "fake_registry: %s\n", s.to_string().c_str());
    return false;
  }
  std::string line;
  while (reader.next(line)) {
    auto tab1 = line.find('\t');
    auto tab2 = tab1 == std::string::npos ? tab1 : line.find('\t', tab1 + 1);
    if (tab2 == std::string::npos) continue;
    char* end = nullptr;
    long long n = std::strtoll(line.c_str() + tab2 + 1, &end, 10);
    if (end != line.c_str() + tab2 + 1 && n >= 0)
      out[line.substr(0, tab1)] = n;  // skips the header
  }
  if (!reader.status()) {
    std::fprintf(stderr, "fake_registry: %s\n", reader.status().to_string().c_str());
    return false;
  }
  return true;
}

// A small, valid, full packument (a few versions, a README) for synthetic load.
static std::string synthetic_packument(const std::string& name, int i) {
  nlohmann::json versions = nlohmann::json::object(),
                 time = {{"created", "2020-01-01T00:00:00.000Z"}};
  for (int v = 0; v < 3; ++v) {
    std::string ver = "1.0." + std::to_string(v);
    versions[ver] = {{"name", name},
                     {"version", ver},
                     {"license", "MIT"},
                     {"dependencies", {{"left-pad", "^1.0.0"}}},
                     {"dist", {{"tarball", "http://127.0.0.1/x.tgz"}, {"unpackedSize", 1000 + i}}}};
    time[ver] = "2020-01-0" + std::to_string(v + 2) + "T00:00:00.000Z";
  }
  time["modified"] = "2020-01-05T00:00:00.000Z";
  nlohmann::json doc = {{"_id", name},
                        {"name", name},
                        {"description", "synthetic package " + std::to_string(i)},
                        {"dist-tags", {{"latest", "1.0.2"}}},
                        {"versions", versions},
                        {"time", time},
                        {"maintainers", {{{"name", "bench"}, {"email", "b@example.com"}}}},
                        {"keywords", {"synthetic", "bench"}},
                        {"license", "MIT"},
                        {"readme", "# " + name + "\n\nA synthetic package for benchmarks.\n"}};
  return doc.dump();
}

int main(int argc, char** argv) {
  FakeRegistryOptions options;
  uint16_t port = 0;
  std::vector<std::string> fixture_dirs;
  int synthetic = 0;
  double fault_rate = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "fake_registry: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--port")
      port = static_cast<uint16_t>(std::stoi(next()));
    else if (a == "--fixtures")
      fixture_dirs.push_back(next());
    else if (a == "--synthetic")
      synthetic = std::stoi(next());
    else if (a == "--latency-ms")
      options.packument_latency = std::chrono::milliseconds(std::stoi(next()));
    else if (a == "--fault-rate")
      fault_rate = std::stod(next());
    else if (a == "--opaque-seqs")
      options.opaque_seqs = true;
    else if (a == "--no-version-downloads")
      options.version_downloads_endpoint = false;
    else if (a == "--monthly-downloads") {
      if (!read_monthly_downloads(next(), options.monthly_downloads)) return 1;
    } else {
      std::fprintf(stderr, "fake_registry: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts

  FakeRegistry registry(options);
  for (const auto& dir : fixture_dirs) {
    auto names = registry.load_fixture_dir(dir);
    if (!names.ok()) {
      std::fprintf(stderr, "fake_registry: %s\n", names.status().to_string().c_str());
      return 1;
    }
    for (const auto& n : *names) registry.add_change(n);
  }
  for (int i = 0; i < synthetic; ++i) {
    std::string name = "synthetic-pkg-" + std::to_string(i);
    registry.put_packument(name, synthetic_packument(name, i));
    registry.add_change(name);
  }
  if (fault_rate > 0) registry.set_random_fault_rate(fault_rate, 42);
  if (auto s = registry.start(port); !s) {
    std::fprintf(stderr, "fake_registry: %s\n", s.to_string().c_str());
    return 1;
  }
  std::printf("listening on %s\n", registry.base_url().c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  std::fprintf(stderr, "fake_registry: served %zu requests, %zu faults\n",
               registry.request_log().size(), registry.faults_served());
  registry.stop();
  return 0;
}
