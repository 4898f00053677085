// sanitize_url: which URLs may appear in sanitized HTML attributes.
#include <string>

#include "core/ascii.h"
#include "render/html_escape.h"
#include "render/html_sanitizer.h"

namespace pkgstats::render {
namespace {

constexpr std::string_view kIdPrefix = "user-content-";

// What the browser would see: control characters are removed everywhere (browsers drop tab,
// CR and LF inside URLs, which is how "java\tscript:" works), the ends are trimmed, and
// spaces and backslashes (which browsers read as '/') are percent-encoded.
std::string normalize_url(std::string_view url) {
  url = trim_url(url);
  std::string out;
  out.reserve(url.size());
  for (char ch : url) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) continue;
    if (c == ' ') {
      out += "%20";
    } else if (c == '\\') {
      out += "%5C";
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

std::optional<std::string> http_url_or_nothing(std::string url) {
  if (!is_safe_http_url(url)) return std::nullopt;
  return url;
}

std::optional<std::string> sanitize_absolute(std::string url, std::size_t colon, UrlUse use) {
  std::string scheme = ascii_lowercase(std::string_view(url).substr(0, colon));
  if (scheme == "http" || scheme == "https") return http_url_or_nothing(std::move(url));
  if (scheme == "mailto" && use == UrlUse::kLink && url.size() > colon + 1) return url;
  return std::nullopt;  // javascript:, data:, vbscript:, file:, and everything unknown
}

std::string rewrite_fragment(std::string url) {
  std::string_view fragment = std::string_view(url).substr(1);
  if (fragment.starts_with(kIdPrefix)) return url;
  std::string rewritten = "#";
  rewritten += kIdPrefix;
  rewritten += fragment;
  return rewritten;
}

}  // namespace

std::optional<std::string> sanitize_url(std::string_view raw, UrlUse use,
                                        const SanitizeOptions& options) {
  std::string url = normalize_url(raw);
  if (url.empty()) return std::nullopt;
  if (url.front() == '#') {
    if (use == UrlUse::kImage || url.size() == 1) return std::nullopt;
    return rewrite_fragment(std::move(url));
  }
  // A ':' before any '/', '?' or '#' ends a scheme (or makes the URL one a browser rejects).
  std::size_t first_delimiter = url.find_first_of(":/?#");
  if (first_delimiter != std::string::npos && url[first_delimiter] == ':') {
    return sanitize_absolute(std::move(url), first_delimiter, use);
  }
  if (url.starts_with("//")) return http_url_or_nothing("https:" + url);
  if (!options.resolve_relative) return std::nullopt;
  std::optional<std::string> resolved = options.resolve_relative(url, use);
  if (!resolved) return std::nullopt;
  return http_url_or_nothing(normalize_url(*resolved));
}

}  // namespace pkgstats::render
