#include "bot/post_target.h"

#include <random>

#include "bot/json_util.h"
#include "core/utf8.h"

namespace pkgstats::bot {
namespace {

// The longest network error message repeated in ours.
constexpr size_t kMaxErrorMessageBytes = 200;

bool is_permanent(int status) {
  return status >= 400 && status < 500 && status != 408 && status != 429;
}

}  // namespace

std::string redact(std::string message, const std::string& secret) {
  if (secret.empty()) return message;
  for (size_t at = message.find(secret); at != std::string::npos; at = message.find(secret, at))
    message.replace(at, secret.size(), "[redacted]");
  return message;
}

Status failure_of(const std::string& target, const HttpResponse& response,
                  const std::string& secret) {
  std::string detail;
  ParsedJson json;
  if (parse_json(response.body, json, target).ok()) {
    // Mastodon: {"error": "..."}; XRPC: {"error": "InvalidToken", "message": "..."}.
    auto error = string_member(json.root, "error");
    auto message = string_member(json.root, "message");
    if (error) detail = *error;
    if (message) detail += (detail.empty() ? "" : ": ") + *message;
  }
  std::string line = target + ": HTTP " + std::to_string(response.status);
  if (!detail.empty()) {
    for (char& c : detail)
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    line +=
        ": " + std::string(utf8_prefix(with_invalid_utf8_replaced(detail), kMaxErrorMessageBytes));
  }
  line = redact(std::move(line), secret);
  if (is_permanent(response.status)) return Status::invalid(line);
  return Status::unavailable(line);
}

uint64_t draw(const std::function<uint64_t()>& random) {
  if (random) return random();
  static thread_local std::mt19937_64 rng{std::random_device{}() ^
                                          (uint64_t{std::random_device{}()} << 32)};
  return rng();
}

std::string random_key(const std::function<uint64_t()>& random) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int part = 0; part < 2; ++part) {
    uint64_t v = draw(random);
    for (int i = 0; i < 16; ++i, v >>= 4) out += kHex[v & 15];
  }
  return out;
}

}  // namespace pkgstats::bot
