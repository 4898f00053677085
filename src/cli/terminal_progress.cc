#include "cli/terminal_progress.h"

#include <unistd.h>

namespace pkgstats::cli {
namespace {

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB"};
  int u = 0;
  while (bytes >= 1024 && u < 3) {
    bytes /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
  return buf;
}

std::string amount(std::size_t n, const std::string& unit) {
  return unit == "bytes" ? human_bytes(static_cast<double>(n)) : std::to_string(n) + " " + unit;
}

}  // namespace

TerminalProgress::TerminalProgress(std::FILE* out, bool quiet)
    : out_(out), tty_(isatty(fileno(out)) != 0), quiet_(quiet) {}

void TerminalProgress::begin(const std::string& label, std::size_t total, const std::string& unit) {
  label_ = label;
  unit_ = unit;
  total_ = total;
  done_ = items_ = 0;
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

void TerminalProgress::update(std::size_t done, std::size_t items) {
  done_ = done;
  items_ = items;
  auto now = std::chrono::steady_clock::now();
  auto every = tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000);
  if (now - last_draw_ < every) return;
  last_draw_ = now;
  draw(false);
}

void TerminalProgress::draw(bool final_line) {
  if (quiet_) return;
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = secs > 0 ? static_cast<double>(items_) / secs : 0;
  char stats[128];
  std::snprintf(stats, sizeof stats, "%zu items, %.0f/s, %.1fs", items_, rate, secs);
  if (!tty_) {
    std::fprintf(
        out_, "%s: %s%s\n", label_.c_str(),
        total_ ? (amount(done_, unit_) + " of " + amount(total_, unit_) + ", ").c_str() : "",
        stats);
    return;
  }
  std::string bar;
  if (total_) {
    double frac = std::min(1.0, static_cast<double>(done_) / static_cast<double>(total_));
    int filled = static_cast<int>(frac * 30);
    bar.assign(1, '[');
    bar.append(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(30 - filled), '-');
    bar += "] ";
    bar += std::to_string(static_cast<int>(frac * 100));
    bar += "% ";
  }
  std::fprintf(out_, "\r\033[K%s %s%s", label_.c_str(), bar.c_str(), stats);
  if (final_line) std::fputc('\n', out_);
  std::fflush(out_);
}

void TerminalProgress::end(const std::string& summary) {
  if (quiet_) return;
  if (tty_) std::fprintf(out_, "\r\033[K");
  std::fprintf(out_, "%s\n", summary.c_str());
  std::fflush(out_);
}

}  // namespace pkgstats::cli
