#include "http/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace pkgstats::http {
namespace {

constexpr std::array<uint8_t, 12> kV4MappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Whether the first `bits` bits of `a` and `b` agree.
bool same_prefix(const IpAddress& a, const IpAddress& b, int bits) {
  const int whole = bits / 8;
  if (std::memcmp(a.bytes.data(), b.bytes.data(), static_cast<size_t>(whole)) != 0) return false;
  if (bits % 8 == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - bits % 8));
  return (a.bytes[whole] & mask) == (b.bytes[whole] & mask);
}

}  // namespace

bool IpAddress::is_v4() const {
  return std::memcmp(bytes.data(), kV4MappedPrefix.data(), kV4MappedPrefix.size()) == 0;
}

bool IpAddress::is_loopback() const {
  for (const auto& n : loopback_networks())
    if (n.contains(*this)) return true;
  return false;
}

std::optional<IpAddress> parse_ip_address(std::string_view text) {
  text = trim(text);
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string z(text);  // inet_pton wants a terminated string
  IpAddress out;
  in_addr v4{};
  if (inet_pton(AF_INET, z.c_str(), &v4) == 1) {
    std::memcpy(out.bytes.data(), kV4MappedPrefix.data(), kV4MappedPrefix.size());
    std::memcpy(out.bytes.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, z.c_str(), &v6) == 1) {
    std::memcpy(out.bytes.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

bool IpNetwork::contains(const IpAddress& address) const {
  return same_prefix(base, address, prefix_bits);
}

Result<IpNetwork> parse_ip_network(std::string_view text) {
  text = trim(text);
  const size_t slash = text.find('/');
  auto address = parse_ip_address(text.substr(0, slash));
  if (!address) return Status::invalid("not an IP address or network: " + std::string(text));
  IpNetwork net{*address, 128};
  if (slash != std::string_view::npos) {
    std::string_view bits_text = text.substr(slash + 1);
    int bits = -1;
    auto [end, ec] = std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), bits);
    const int max_bits = address->is_v4() ? 32 : 128;
    if (ec != std::errc() || end != bits_text.data() + bits_text.size() || bits < 0 ||
        bits > max_bits)
      return Status::invalid("bad prefix length in " + std::string(text) + " (0 to " +
                             std::to_string(max_bits) + ")");
    net.prefix_bits = address->is_v4() ? 96 + bits : bits;
  }
  IpAddress cleared{};  // the base with its host bits cleared must be the base
  for (int i = 0; i < 16; ++i) {
    const int keep = std::min(8, std::max(0, net.prefix_bits - 8 * i));
    cleared.bytes[i] = static_cast<uint8_t>(address->bytes[i] & (keep ? 0xff << (8 - keep) : 0));
  }
  if (!(cleared == *address))
    return Status::invalid("host bits set in " + std::string(text) + " (did you mean a network?)");
  return net;
}

bool any_contains(std::span<const IpNetwork> networks, const IpAddress& address) {
  for (const auto& n : networks)
    if (n.contains(address)) return true;
  return false;
}

std::vector<IpNetwork> loopback_networks() {
  return {*parse_ip_network("127.0.0.0/8"), *parse_ip_network("::1")};
}

std::optional<IpAddress> resolve_client(std::string_view peer, std::string_view forwarded_for,
                                        std::span<const IpNetwork> trusted_proxies) {
  auto client = parse_ip_address(peer);
  if (!client || !any_contains(trusted_proxies, *client)) return client;
  while (!forwarded_for.empty()) {  // right to left
    const size_t comma = forwarded_for.rfind(',');
    const std::string_view hop =
        comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1);
    forwarded_for =
        comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
    if (trim(hop).empty()) continue;
    auto address = parse_ip_address(hop);
    if (!address) break;
    client = address;
    if (!any_contains(trusted_proxies, *address)) break;
  }
  return client;
}

std::string client_key(const IpAddress& address) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (address.is_v4()) {
    inet_ntop(AF_INET, address.bytes.data() + 12, text, sizeof text);
    return text;
  }
  IpAddress prefix = address;  // the /64
  std::memset(prefix.bytes.data() + 8, 0, 8);
  inet_ntop(AF_INET6, prefix.bytes.data(), text, sizeof text);
  return std::string(text) + "/64";
}

}  // namespace pkgstats::http
