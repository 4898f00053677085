#include "http/url.h"

namespace pkgstats::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c != '%') {
      out.push_back(c);
    } else {
      int high = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
      int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (high < 0 || low < 0) return Status::invalid("malformed percent escape in URL");
      char decoded = static_cast<char>(high * 16 + low);
      if (decoded == '\0') return Status::invalid("NUL byte in URL");
      out.push_back(decoded);
      i += 2;
    }
  }
  if (!is_valid_utf8(out)) return Status::invalid("URL is not valid UTF-8");
  return out;
}

Result<QueryParams> parse_query(std::string_view query) {
  QueryParams params;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    std::size_t eq = piece.find('=');
    ASSIGN_OR_RETURN(auto key, percent_decode(piece.substr(0, eq), true));
    std::string value;
    if (eq != std::string_view::npos) {
      ASSIGN_OR_RETURN(auto decoded, percent_decode(piece.substr(eq + 1), true));
      value = std::move(decoded);
    }
    params.emplace(std::move(key), std::move(value));  // first value wins
  }
  return params;
}

Status parse_target(std::string_view target, Request& request) {
  if (target.empty() || target.front() != '/')
    return Status::invalid("request target must be an absolute path");
  std::size_t question = target.find('?');
  ASSIGN_OR_RETURN(auto path, percent_decode(target.substr(0, question), false));
  request.path = std::move(path);
  request.query.clear();
  if (question != std::string_view::npos) {
    ASSIGN_OR_RETURN(auto query, parse_query(target.substr(question + 1)));
    request.query = std::move(query);
  }
  return Status::success();
}

}  // namespace pkgstats::http
