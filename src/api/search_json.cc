#include "api/search_json.h"

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

#include "api/package_json.h"
#include "core/utf8.h"

namespace pkgstats::api {
namespace {

// Whether JSON needs any byte of `s` escaped: a control character, a quote or a backslash.
// Eight bytes at a time (has-less-than and has-zero-byte word tests); a string of eight bytes
// or more ends with one overlapping word instead of a byte loop.
bool needs_json_escape(std::string_view s) {
  constexpr uint64_t kOnes = ~0ULL / 255, kHighs = kOnes * 0x80;
  auto flagged = [&](uint64_t x) {
    auto zero_byte = [&](uint64_t v) { return (v - kOnes) & ~v & kHighs; };
    return ((x - kOnes * 0x20) & ~x & kHighs) | zero_byte(x ^ (kOnes * '"')) | zero_byte(x ^ (kOnes * '\\'));
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

// "unscoped", or the scope without its '@'.
std::string_view scope_of(std::string_view name) {
  if (name.size() < 2 || name[0] != '@') return "unscoped";
  auto slash = name.find('/');
  return slash == std::string_view::npos ? "unscoped" : name.substr(1, slash - 1);
}

// Writes a body with `write(JsonWriter&)`; repairs invalid UTF-8 the store's text carried.
// The writer's buffer is the thread's, reused: a body is written without growing one from
// scratch each time (its large allocations took malloc's slow path).
constexpr size_t kMaxKeptBufferBytes = 1 << 20;

template <typename Write>
std::string body_of(size_t expected_bytes, Write write) {
  thread_local rapidjson::StringBuffer buffer;
  buffer.Clear();
  buffer.Reserve(expected_bytes);
  JsonWriter w(buffer);
  write(w);
  std::string_view text = w.text();
  std::string body = is_valid_utf8(text) ? std::string(text) : with_invalid_utf8_replaced(text);
  if (buffer.GetSize() > kMaxKeptBufferBytes) {  // a rare huge page: its memory is not kept
    buffer.Clear();
    buffer.ShrinkToFit();
  }
  return body;
}

}  // namespace

std::string search_response_json(const search::SearchResponse& r, const SearchEcho& echo) {
  return body_of(1024 + 600 * r.hits.size(), [&](JsonWriter& w) {
    w.start_object();
    w.key("query").string(echo.query);
    w.key("from").integer(static_cast<int64_t>(echo.from));
    w.key("size").integer(static_cast<int64_t>(echo.size));
    w.key("total").integer(static_cast<int64_t>(r.total));
    w.key("took_us").number(r.took_us);
    w.key("hits").start_array();
    for (const auto& h : r.hits) {
      const auto& d = h.doc;
      w.start_object();
      w.key("name").string(d.name);
      w.key("version").string(d.version);
      w.key("description").string(d.description);
      w.key("keywords").strings(d.keywords);
      w.key("license").string(d.license);
      w.key("author").string(d.author);
      w.key("maintainers").strings(d.maintainers);
      w.key("downloads").start_object();
      w.key("monthly").count_or_null(d.monthly_downloads);
      w.end_object();
      w.key("published").time_or_null(d.published);
      w.key("modified").time_or_null(d.modified);
      w.key("deprecated").boolean(d.deprecated);
      w.key("types").boolean(d.has_types);
      w.key("module").string(module_kind_name(d.module));
      w.key("dependents").integer(d.dependents);
      w.key("exact").boolean(h.exact);
      w.key("score").score(h.score);
      if (!h.explain.empty()) w.key("explain").strings(h.explain);
      w.end_object();
    }
    w.end_array();
    w.key("warnings").strings(r.warnings);
    if (!r.pkg.empty()) w.key("pkg").string(r.pkg);
    if (!r.corrected.empty()) w.key("did_you_mean").string(r.corrected);
    w.end_object();
  });
}

std::string npm_search_response_json(const search::SearchResponse& r, TimestampMs now) {
  thread_local std::string url;  // npm_url() of each hit, built without an allocation each
  return body_of(1024 + 900 * r.hits.size(), [&](JsonWriter& w) {
    w.start_object();
    w.key("objects").start_array();
    for (const auto& h : r.hits) {
      const auto& d = h.doc;
      w.start_object();
      w.key("package").start_object();
      w.key("name").string(d.name);
      w.key("scope").string(scope_of(d.name));
      w.key("version").string(d.version);
      w.key("description").string(d.description);
      w.key("keywords").strings(d.keywords);
      w.key("date").time_or_null(d.published);
      w.key("links").start_object();
      w.key("npm").string(url.assign(kNpmPackageUrlPrefix).append(d.name));
      w.end_object();
      if (!d.author.empty()) {
        w.key("author").start_object();
        w.key("name").string(d.author);
        w.end_object();
      }
      w.key("publisher").start_object();
      w.key("username").string(d.maintainers.empty() ? std::string_view() : d.maintainers.front());
      w.end_object();
      w.key("maintainers").start_array();
      for (const auto& m : d.maintainers) {
        w.start_object();
        w.key("username").string(m);
        w.end_object();
      }
      w.end_array();
      w.key("license").string(d.license);
      w.key("sanitized_name").string(d.name);
      w.end_object();
      // npm's own weights are not computed here: every package gets 1.
      w.key("score").start_object();
      w.key("final").integer(1);
      w.key("detail").start_object();
      w.key("quality").integer(1);
      w.key("popularity").integer(1);
      w.key("maintenance").integer(1);
      w.end_object();
      w.end_object();
      w.key("searchScore").score(h.score);
      w.key("flags").start_object();
      if (d.deprecated) w.key("deprecated").boolean(true);
      w.end_object();
      w.key("downloads").start_object();
      w.key("monthly").count_or_null(d.monthly_downloads);
      w.end_object();
      w.key("dependents").integer(d.dependents);
      w.key("updated").time_or_null(d.modified ? d.modified : d.published);
      w.end_object();
    }
    w.end_array();
    w.key("total").integer(static_cast<int64_t>(r.total));
    w.key("time").string(format_iso8601(now));
    w.end_object();
  });
}

std::string suggestions_json(const std::string& query, const search::SearchResponse& r) {
  return body_of(256 + 200 * r.hits.size(), [&](JsonWriter& w) {
    w.start_object();
    w.key("query").string(query);
    w.key("suggestions").start_array();
    for (const auto& h : r.hits) {
      w.start_object();
      w.key("name").string(h.doc.name);
      w.key("version").string(h.doc.version);
      w.key("description").string(h.doc.description);
      w.key("downloads").count_or_null(h.doc.monthly_downloads);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  });
}

}  // namespace pkgstats::api
