// JSON for the bot's requests and answers: RapidJSON's writer for bodies, simdjson's DOM for
// answers. Internal to src/bot/*.cc.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace pkgstats::bot {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

inline void write_string(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
inline void write_key(JsonWriter& w, std::string_view s) {
  w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// A parsed answer; the element refers into `parser`.
struct ParsedJson {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
};

// Parses `body` (any size the HTTP client accepted). kInvalidInput when it is not JSON.
inline Status parse_json(const std::string& body, ParsedJson& out, std::string_view what) {
  auto err = out.parser.parse(body).get(out.root);
  if (err)
    return Status::invalid(std::string(what) + ": the answer is not JSON (" +
                           simdjson::error_message(err) + ")");
  return Status::success();
}

// The string member `key` of an object, nullopt when absent or not a string.
inline std::optional<std::string> string_member(simdjson::dom::element object,
                                                std::string_view key) {
  std::string_view value;
  if (object[key].get_string().get(value)) return std::nullopt;
  return std::string(value);
}

}  // namespace pkgstats::bot
