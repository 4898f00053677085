// A streaming JSON writer for the bodies the server writes most or largest: RapidJSON's
// Writer straight into one buffer, no tree of values first (api/search_json.cc: a search
// answer costs a quarter of the instructions an nlohmann tree did; api/downloads_api.cc: a
// bulk downloads range is 46,720 entries). Text from the store is not trusted to be UTF-8:
// body_of() replaces invalid bytes with U+FFFD, so the body is valid JSON.
//
// Include only from api/*.cc: RapidJSON stays out of the other subsystems' headers.
#pragma once

// Not RAPIDJSON_SSE2: Debian 12's RapidJSON 1.1 then scans for bytes to escape with
// max(byte, 0x19) == 0x19, so it writes 0x1A-0x1F raw, which is invalid JSON
// (SearchJson.EveryByteThatNeedsEscapingIsEscapedAtAnyPosition). Strings that need no
// escaping skip its byte loop anyway (StringCopyingWriter).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/time_util.h"

namespace pkgstats::api {

// Whether JSON needs any byte of `s` escaped: a control character, a quote or a backslash.
// Inline, as it runs on every string of a search answer. Eight bytes at a time (has-less-than and
// has-zero-byte word tests); a string of eight bytes or more ends with one overlapping word instead
// of a byte loop.
inline bool needs_json_escape(std::string_view s) {
  constexpr uint64_t kOnes = ~0ULL / 255, kHighs = kOnes * 0x80;
  auto flagged = [&](uint64_t x) {
    auto zero_byte = [&](uint64_t v) { return (v - kOnes) & ~v & kHighs; };
    return ((x - kOnes * 0x20) & ~x & kHighs) | zero_byte(x ^ (kOnes * '"')) |
           zero_byte(x ^ (kOnes * '\\'));
  };
  auto word_at = [&](size_t i) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    return word;
  };
  if (s.size() < 8) {
    for (const char ch : s) {
      const unsigned char c = static_cast<unsigned char>(ch);
      if (c < 0x20 || c == '"' || c == '\\') return true;
    }
    return false;
  }
  for (size_t i = 0; i + 8 < s.size(); i += 8)
    if (flagged(word_at(i))) return true;
  return flagged(word_at(s.size() - 8)) != 0;
}

// RapidJSON's Writer with one shortcut, through its protected interface (as its PrettyWriter
// extends it): a string that needs no escaping (every key, nearly every value) is copied
// whole; the Writer escapes the rest. The Writer copies a byte at a time (SSE2 only for the
// 16-byte-aligned middle of long strings): strings were a sixth of a search request. UTF-8
// validity is checked once for the whole body (body_of).
class StringCopyingWriter : public rapidjson::Writer<rapidjson::StringBuffer> {
 public:
  using Writer::Writer;
  void string(std::string_view s) {
    if (needs_json_escape(s)) {
      String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
      return;
    }
    unescaped(s);
  }
  // REQUIRES: !needs_json_escape(s).
  void unescaped(std::string_view s) {
    Prefix(rapidjson::kStringType);
    char* out = os_->Push(s.size() + 2);
    out[0] = '"';
    if (!s.empty()) std::memcpy(out + 1, s.data(), s.size());  // data() may be null
    out[s.size() + 1] = '"';
    EndValue(true);
  }
};

// A Writer with the calls these bodies make, taking the types they hold.
class JsonWriter {
 public:
  // Appends to `buffer` (REQUIRES: empty).
  explicit JsonWriter(rapidjson::StringBuffer& buffer) : buffer_(buffer), writer_(buffer_) {}
  std::string_view text() const { return {buffer_.GetString(), buffer_.GetSize()}; }

  // Keys are this file's literals, none of which needs escaping: no check per key.
  template <size_t N>
  JsonWriter& key(const char (&k)[N]) {
    assert(!needs_json_escape({k, N - 1}));
    writer_.unescaped({k, N - 1});  // written as a string; the Writer tracks that it is a key
    return *this;
  }
  // A key made of data (a package name): escaped like any string.
  JsonWriter& key_string(std::string_view k) {
    writer_.string(k);
    return *this;
  }
  void string(std::string_view s) { writer_.string(s); }
  template <typename Strings>  // a range of strings or string_views
  void strings(const Strings& list) {
    writer_.StartArray();
    for (std::string_view s : list) string(s);
    writer_.EndArray();
  }
  void integer(int64_t n) { writer_.Int64(n); }
  void boolean(bool b) { writer_.Bool(b); }
  void null() { writer_.Null(); }
  void number(double d) {  // JSON has no NaN or infinity
    if (std::isfinite(d))
      writer_.Double(d);
    else
      writer_.Null();
  }
  // A search score: the engines rank by floats, so it is written as the shortest text that
  // reads back as the same float ("13.2844", not the double's "13.284399986267090").
  void score(double d) {
    const auto f = static_cast<float>(d);
    if (!std::isfinite(f)) {
      writer_.Null();
      return;
    }
    char text[32];
    const auto written = std::to_chars(text, text + sizeof text, f);
    writer_.RawValue(text, static_cast<size_t>(written.ptr - text), rapidjson::kNumberType);
  }
  // An ISO 8601 string always; 0 is the Unix epoch "1970-01-01T00:00:00.000Z".
  void time(TimestampMs ms) {
    char text[kIso8601Bytes];
    writer_.unescaped(format_iso8601(ms, text));
  }
  void time_or_null(TimestampMs ms) {
    char text[kIso8601Bytes];
    ms ? writer_.unescaped(format_iso8601(ms, text)) : null();
  }
  void count_or_null(int64_t n) { n >= 0 ? integer(n) : null(); }
  void start_object() { writer_.StartObject(); }
  void end_object() { writer_.EndObject(); }
  void start_array() { writer_.StartArray(); }
  void end_array() { writer_.EndArray(); }

 private:
  rapidjson::StringBuffer& buffer_;
  StringCopyingWriter writer_;
};

// The calling thread's writer buffer, emptied, with room for `expected_bytes`. Reused: a
// body is written without growing one from scratch each time (its large allocations took
// malloc's slow path).
rapidjson::StringBuffer& thread_json_buffer(size_t expected_bytes);
// `text` (what the buffer holds) as a body, invalid UTF-8 replaced; gives back the memory of
// a buffer grown past 1 MB (a rare huge body is not kept per thread).
std::string finish_json_body(rapidjson::StringBuffer& buffer, std::string_view text);

// Writes a body with `write(JsonWriter&)`.
template <typename Write>
std::string body_of(size_t expected_bytes, Write write) {
  rapidjson::StringBuffer& buffer = thread_json_buffer(expected_bytes);
  JsonWriter w(buffer);
  write(w);
  return finish_json_body(buffer, w.text());
}

}  // namespace pkgstats::api
