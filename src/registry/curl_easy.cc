#include "registry/curl_easy.h"

#include <mutex>

#include "core/ascii.h"

namespace pkgstats::registry {

void ensure_curl_initialised() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t CappedBody::write(char* data, size_t size, size_t count, void* sink) {
  auto* self = static_cast<CappedBody*>(sink);
  const size_t n = size * count;
  if (self->body->size() + n > self->cap) {
    self->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  self->body->append(data, n);
  return n;
}

std::map<std::string, std::string> response_headers(CURL* curl) {
  std::map<std::string, std::string> out;
  curl_header* prev = nullptr;
  while (curl_header* h = curl_easy_nextheader(curl, CURLH_HEADER, -1, prev)) {
    out[ascii_lowercase(h->name)] = h->value;
    prev = h;
  }
  return out;
}

Status status_from_curl(CURLcode code, const char* error_buffer, const std::string& what) {
  const std::string detail =
      what + ": " + (error_buffer[0] ? error_buffer : curl_easy_strerror(code));
  switch (code) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Status::invalid(detail);
    case CURLE_FILESIZE_EXCEEDED:
      return Status::too_large(detail);
    default:
      return Status::unavailable(detail);
  }
}

}  // namespace pkgstats::registry
