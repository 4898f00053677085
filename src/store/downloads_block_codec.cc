#include "store/downloads_block_codec.h"

#include <zstd.h>

#include <limits>

#include "core/time_util.h"

namespace pkgstats::store {
namespace {

constexpr int kZstdLevel = 9;                       // blocks are small: the level costs little time
constexpr size_t kMaxDecodedBytes = 366 * 10 + 64;  // 366 ten-byte varints plus headers

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

uint64_t zigzag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

// Reads varints from a payload; any overrun or overlong varint sets `failed`.
struct Reader {
  std::string_view data;
  size_t pos = 0;
  bool failed = false;
  uint64_t next() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= data.size()) break;
      const auto byte = static_cast<uint8_t>(data[pos++]);
      v |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return v;
    }
    failed = true;
    return 0;
  }
};

std::string encode_payload(Day first_day, std::span<const DailyDownloads> days, int predictor) {
  std::string out;
  out.reserve(days.size() * 2 + 8);
  put_varint(out, static_cast<uint64_t>(predictor));
  // Runs of consecutive days.
  std::vector<std::pair<size_t, size_t>> runs;  // [begin, end) into days
  for (size_t i = 0; i < days.size(); ++i) {
    if (runs.empty() || days[i].day != days[i - 1].day + 1)
      runs.emplace_back(i, i + 1);
    else
      runs.back().second = i + 1;
  }
  put_varint(out, runs.size());
  Day previous_end = first_day;
  for (const auto& [begin, end] : runs) {
    put_varint(out, static_cast<uint64_t>(days[begin].day - previous_end));
    put_varint(out, end - begin);
    previous_end = days[end - 1].day + 1;
  }
  for (size_t i = 0; i < days.size(); ++i) {
    int64_t prediction = 0;
    if (i > 0) prediction = days[i - 1].downloads;
    if (predictor == 1 && i >= 7) prediction = days[i - 7].downloads;
    put_varint(out, zigzag(days[i].downloads - prediction));
  }
  return out;
}

}  // namespace

Day first_day_of_year(int year) {
  // Days from civil (Howard Hinnant's algorithm) for January 1.
  const int y = year - 1;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = 306;  // January 1 counted from March 1 of the previous year
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int year_of_day(Day day) {
  int year = 1970 + static_cast<int>(day / 366);
  while (first_day_of_year(year + 1) <= day) ++year;
  while (first_day_of_year(year) > day) --year;
  return year;
}

Result<std::string> encode_downloads_block(int year, std::span<const DailyDownloads> days) {
  const Day first = first_day_of_year(year), end = first_day_of_year(year + 1);
  for (size_t i = 0; i < days.size(); ++i) {
    if (days[i].day < first || days[i].day >= end || days[i].downloads < 0 ||
        (i > 0 && days[i].day <= days[i - 1].day))
      return Status::invalid("downloads block " + std::to_string(year) +
                             ": days must be ascending, unique, within the year and >= 0");
  }
  std::string best = encode_payload(first, days, 0);
  if (std::string weekly = encode_payload(first, days, 1); weekly.size() < best.size())
    best = std::move(weekly);
  std::string compressed(ZSTD_compressBound(best.size()) + 1, '\0');
  compressed[0] = 'z';
  const size_t n = ZSTD_compress(compressed.data() + 1, compressed.size() - 1, best.data(),
                                 best.size(), kZstdLevel);
  if (!ZSTD_isError(n) && n < best.size()) {
    compressed.resize(n + 1);
    return compressed;
  }
  return "r" + best;
}

Status decode_downloads_block(int year, std::string_view block, Day from, Day to,
                              std::vector<DailyDownloads>& out) {
  auto corrupt = [&](const char* why) {
    return Status::storage("downloads block " + std::to_string(year) + ": " + why);
  };
  if (block.empty()) return corrupt("empty");
  std::string inflated;
  std::string_view payload = block.substr(1);
  if (block[0] == 'z') {
    const unsigned long long size = ZSTD_getFrameContentSize(payload.data(), payload.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN ||
        size > kMaxDecodedBytes)
      return corrupt("bad zstd frame");
    inflated.resize(size);
    const size_t n =
        ZSTD_decompress(inflated.data(), inflated.size(), payload.data(), payload.size());
    if (ZSTD_isError(n) || n != size) return corrupt("bad zstd frame");
    payload = inflated;
  } else if (block[0] != 'r') {
    return corrupt("unknown format");
  }
  const Day first = first_day_of_year(year), end = first_day_of_year(year + 1);
  Reader r{payload};
  const uint64_t predictor = r.next();
  const uint64_t run_count = r.next();
  if (r.failed || predictor > 1 || run_count > 366) return corrupt("bad header");
  std::vector<Day> day_of;
  day_of.reserve(366);
  Day next = first;
  for (uint64_t k = 0; k < run_count; ++k) {
    const uint64_t gap = r.next(), length = r.next();
    if (r.failed || gap > 366 || length == 0 || length > 366) return corrupt("bad run");
    next += static_cast<Day>(gap);
    if (next + static_cast<Day>(length) > end) return corrupt("a run leaves the year");
    for (uint64_t d = 0; d < length; ++d) day_of.push_back(next++);
  }
  std::vector<int64_t> values(day_of.size());
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t prediction = i > 0 ? values[i - 1] : 0;
    if (predictor == 1 && i >= 7) prediction = values[i - 7];
    const int64_t residual = unzigzag(r.next());
    if (r.failed) return corrupt("truncated");
    if ((residual > 0 && prediction > std::numeric_limits<int64_t>::max() - residual))
      return corrupt("count overflows");
    values[i] = prediction + residual;
    if (values[i] < 0) return corrupt("negative count");
  }
  if (r.pos != payload.size()) return corrupt("trailing bytes");
  for (size_t i = 0; i < values.size(); ++i) {
    if (day_of[i] >= from && day_of[i] <= to) out.push_back({day_of[i], values[i]});
  }
  return Status::success();
}

}  // namespace pkgstats::store
