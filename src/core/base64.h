// Base64 (RFC 4648 §4, the standard alphabet with '=' padding), for HTTP Basic credentials.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pkgstats {

std::string base64_encode(std::string_view bytes);
// The bytes `text` encodes, or nullopt when it is not base64 (a character outside the
// alphabet, or a length or padding that no encoding produces). Missing final padding is
// accepted, as Node's Buffer.from(s, "base64") accepts it.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace pkgstats
