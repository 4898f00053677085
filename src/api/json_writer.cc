#include "api/json_writer.h"

#include "core/utf8.h"

namespace pkgstats::api {

namespace {
constexpr size_t kMaxKeptBufferBytes = 1 << 20;
}  // namespace

rapidjson::StringBuffer& thread_json_buffer(size_t expected_bytes) {
  thread_local rapidjson::StringBuffer buffer;
  buffer.Clear();
  buffer.Reserve(expected_bytes);
  return buffer;
}

std::string finish_json_body(rapidjson::StringBuffer& buffer, std::string_view text) {
  std::string body = is_valid_utf8(text) ? std::string(text) : with_invalid_utf8_replaced(text);
  if (buffer.GetSize() > kMaxKeptBufferBytes) {
    buffer.Clear();
    buffer.ShrinkToFit();
  }
  return body;
}

}  // namespace pkgstats::api
