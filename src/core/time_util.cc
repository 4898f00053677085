#include "core/time_util.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace pkgstats {
namespace {

// Howard Hinnant's days_from_civil: proleptic Gregorian date -> days since 1970-01-01.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly n digits at text[pos...]; advances pos.
bool read_digits(std::string_view text, size_t& pos, size_t n, int64_t& out) {
  if (pos + n > text.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool read_date(std::string_view text, size_t& pos, int64_t& y, int64_t& mo, int64_t& d) {
  if (!read_digits(text, pos, 4, y)) return false;
  if (pos >= text.size() || text[pos++] != '-') return false;
  if (!read_digits(text, pos, 2, mo)) return false;
  if (pos >= text.size() || text[pos++] != '-') return false;
  if (!read_digits(text, pos, 2, d)) return false;
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days_in_month(y, static_cast<unsigned>(mo));
}

}  // namespace

std::optional<TimestampMs> parse_iso8601(std::string_view text) {
  size_t pos = 0;
  int64_t y, mo, d;
  if (!read_date(text, pos, y, mo, d)) return std::nullopt;
  int64_t h = 0, mi = 0, s = 0, ms = 0, offset_min = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != ' ') return std::nullopt;
    ++pos;
    if (!read_digits(text, pos, 2, h)) return std::nullopt;
    if (pos >= text.size() || text[pos++] != ':') return std::nullopt;
    if (!read_digits(text, pos, 2, mi)) return std::nullopt;
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!read_digits(text, pos, 2, s)) return std::nullopt;
    }
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      int64_t scale = 100;
      size_t digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        ms += (text[pos] - '0') * scale;
        scale /= 10;
        ++pos;
        ++digits;
      }
      if (digits == 0) return std::nullopt;
    }
    if (pos < text.size()) {
      char c = text[pos++];
      if (c == 'Z' || c == 'z') {
      } else if (c == '+' || c == '-') {
        int64_t oh, om = 0;
        if (!read_digits(text, pos, 2, oh)) return std::nullopt;
        if (pos < text.size() && text[pos] == ':') ++pos;
        if (pos < text.size() && !read_digits(text, pos, 2, om)) return std::nullopt;
        offset_min = (oh * 60 + om) * (c == '+' ? 1 : -1);
      } else {
        return std::nullopt;
      }
    }
    if (pos != text.size()) return std::nullopt;
    if (h > 23 || mi > 59 || s > 60) return std::nullopt;
  }
  int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi - offset_min) * 60000 + s * 1000 + ms;
}

std::string format_iso8601(TimestampMs ms) {
  char out[kIso8601Bytes];
  return std::string(format_iso8601(ms, out));
}

std::string_view format_iso8601(TimestampMs ms, char (&out)[kIso8601Bytes]) {
  int64_t days = ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000;
  int64_t rem = ms - days * 86400000;
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  if (y >= 0 && y <= 9999) {  // digits placed directly: JSON bodies format two a hit
    constexpr std::string_view kPattern = "0000-00-00T00:00:00.000Z";
    std::memcpy(out, kPattern.data(), kPattern.size());
    auto put = [&](int at, int64_t value, int width) {
      for (int i = at + width - 1; i >= at; --i, value /= 10)
        out[i] = static_cast<char>('0' + value % 10);
    };
    put(0, y, 4), put(5, m, 2), put(8, d, 2);
    put(11, rem / 3600000, 2), put(14, rem / 60000 % 60, 2), put(17, rem / 1000 % 60, 2),
        put(20, rem % 1000, 3);
    return {out, kPattern.size()};
  }
  const int n = std::snprintf(
      out, sizeof out, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(y),
      m, d, static_cast<long long>(rem / 3600000), static_cast<long long>(rem / 60000 % 60),
      static_cast<long long>(rem / 1000 % 60), static_cast<long long>(rem % 1000));
  return {out, std::min<size_t>(static_cast<size_t>(std::max(n, 0)), sizeof out - 1)};
}

std::string format_date(TimestampMs ms) { return format_day(day_from_ms(ms)); }

Day day_from_ms(TimestampMs ms) {
  return static_cast<Day>(ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000);
}

TimestampMs ms_from_day(Day day) { return static_cast<TimestampMs>(day) * 86400000; }

std::optional<Day> parse_day(std::string_view text) {
  size_t pos = 0;
  int64_t y, mo, d;
  if (!read_date(text, pos, y, mo, d) || pos != text.size()) return std::nullopt;
  return static_cast<Day>(days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)));
}

std::string format_day(Day day) {
  int64_t y;
  unsigned m, d;
  civil_from_days(day, y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

TimestampMs SystemClock::now() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace pkgstats
