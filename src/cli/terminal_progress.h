// ProgressSink for the command line: a redrawn bar on a terminal, plain lines (at most one
// every few seconds) when stderr is a file or pipe.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "core/progress.h"

namespace pkgstats::cli {

class TerminalProgress final : public ProgressSink {
 public:
  // Writes to `out` (stderr by default); `quiet` suppresses all output.
  explicit TerminalProgress(std::FILE* out = stderr, bool quiet = false);

  void begin(const std::string& label, std::size_t total, const std::string& unit) override;
  void update(std::size_t done, std::size_t items) override;
  void end(const std::string& summary) override;

 private:
  void draw(bool final_line);
  std::FILE* out_;
  bool tty_;
  bool quiet_;
  std::string label_, unit_;
  std::size_t total_ = 0, done_ = 0, items_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace pkgstats::cli
