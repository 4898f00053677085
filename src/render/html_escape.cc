#include "render/html_escape.h"

namespace pkgstats::render {
namespace {

bool is_control_or_space(unsigned char c) { return c <= 0x20 || c == 0x7F; }

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string percent_encode(std::string_view text, std::string_view also_keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (is_unreserved(c) || also_keep.find(static_cast<char>(c)) != std::string_view::npos) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view lower_prefix) {
  if (text.size() < lower_prefix.size()) return false;
  for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower_prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::string url_encode_component(std::string_view text) { return percent_encode(text, ""); }

std::string url_encode_path(std::string_view text) { return percent_encode(text, "/@"); }

std::string_view trim_url(std::string_view url) {
  while (!url.empty() && is_control_or_space(static_cast<unsigned char>(url.front()))) {
    url.remove_prefix(1);
  }
  while (!url.empty() && is_control_or_space(static_cast<unsigned char>(url.back()))) {
    url.remove_suffix(1);
  }
  return url;
}

bool is_safe_http_url(std::string_view url) {
  url = trim_url(url);
  for (unsigned char c : url) {
    if (c < 0x20 || c == 0x7F || c == '\\') return false;
  }
  std::size_t rest;
  if (starts_with_ignoring_case(url, "https://")) {
    rest = 8;
  } else if (starts_with_ignoring_case(url, "http://")) {
    rest = 7;
  } else {
    return false;
  }
  // A host must follow: "https://" alone or "https:///x" is not a usable link.
  return rest < url.size() && url.find_first_of("/?# ", rest) != rest;
}

}  // namespace pkgstats::render
