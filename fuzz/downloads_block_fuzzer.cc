// libFuzzer target: arbitrary bytes as a downloads archive block (store/downloads_block_codec.h)
// of a year. Must never crash; a block that decodes yields ascending days inside the year with
// counts >= 0, and re-encoding them decodes to the same days.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "store/downloads_block_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pkgstats::store;
  if (size < 1) return 0;
  const int year = 2015 + data[0] % 16;
  std::string_view block(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<DailyDownloads> days;
  if (!decode_downloads_block(year, block, first_day_of_year(year), first_day_of_year(year + 1),
                              days)
           .ok())
    return 0;
  for (size_t i = 0; i < days.size(); ++i) {
    if (days[i].day < first_day_of_year(year) || days[i].day >= first_day_of_year(year + 1) ||
        days[i].downloads < 0 || (i > 0 && days[i].day <= days[i - 1].day))
      __builtin_trap();
  }
  auto again = encode_downloads_block(year, days);
  if (!again.ok()) __builtin_trap();
  std::vector<DailyDownloads> round;
  if (!decode_downloads_block(year, *again, first_day_of_year(year), first_day_of_year(year + 1),
                              round)
           .ok() ||
      round != days)
    __builtin_trap();
  return 0;
}
