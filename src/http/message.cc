#include "http/message.h"

#include <strings.h>

namespace pkgstats::http {

const std::string& Request::param(const std::string& key) const {
  static const std::string kEmpty;
  auto it = query.find(key);
  return it == query.end() ? kEmpty : it->second;
}

std::string Response::header(const std::string& name) const {
  for (const auto& [key, value] : headers)
    if (strcasecmp(key.c_str(), name.c_str()) == 0) return value;
  return {};
}

Response redirect(int status, std::string location) {
  Response response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::string(status_reason(status)) + "\n";
  response.headers.emplace_back("Location", std::move(location));
  return response;
}

Response plain_error(int status, const std::string& why) {
  Response response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.cache_control = "no-store";
  response.body = std::to_string(status) + " " + status_reason(status) + ": " + why + "\n";
  return response;
}

const char* status_reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
  }
  return "";
}

}  // namespace pkgstats::http
