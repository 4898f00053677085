// Who a request comes from: IP addresses and networks (CIDR), the client behind trusted
// reverse proxies (X-Forwarded-For), and the key a client is counted under (an IPv4 address,
// or an IPv6 /64: one subscriber's usual allocation, so one host cannot rotate through its
// 2^64 addresses). Pure functions over text; safe for concurrent use.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace pkgstats::http {

// An IPv4 or IPv6 address, IPv4 held as its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so that
// "1.2.3.4" and "::ffff:1.2.3.4" are the same address.
struct IpAddress {
  std::array<uint8_t, 16> bytes{};
  bool is_v4() const;
  bool is_loopback() const;  // 127.0.0.0/8 or ::1
  bool operator==(const IpAddress&) const = default;
};

// "1.2.3.4", "2001:db8::1", "::ffff:1.2.3.4", "[2001:db8::1]" (brackets and surrounding
// spaces allowed); nullopt otherwise (ports and zone ids are not addresses).
std::optional<IpAddress> parse_ip_address(std::string_view text);

// An address range: "10.0.0.0/8", "2001:db8::/32", or one address ("127.0.0.1" is /32,
// "::1" is /128).
struct IpNetwork {
  IpAddress base;         // host bits cleared
  int prefix_bits = 128;  // of the 128-bit (mapped) form
  bool contains(const IpAddress& address) const;
};
// kInvalidInput with the reason for anything else (a prefix too long, host bits set).
Result<IpNetwork> parse_ip_network(std::string_view text);
bool any_contains(std::span<const IpNetwork> networks, const IpAddress& address);

// The networks of 127.0.0.0/8 and ::1.
std::vector<IpNetwork> loopback_networks();

// The client of a request whose TCP peer is `peer`: the peer itself, unless the peer is in
// `trusted_proxies`; then X-Forwarded-For (`forwarded_for`, comma-separated, each proxy
// appending the address it received from) is read from the right, skipping trusted proxies,
// and the first untrusted hop is the client. When every hop is trusted the left-most one is;
// an unparseable hop ends the walk at the last trusted one (only an untrusted party writes
// garbage). nullopt when `peer` is not an address (an unknown peer).
std::optional<IpAddress> resolve_client(std::string_view peer, std::string_view forwarded_for,
                                        std::span<const IpNetwork> trusted_proxies);

// The rate-limiting key of `address`: "203.0.113.9", or "2001:db8:1:2::/64".
std::string client_key(const IpAddress& address);

}  // namespace pkgstats::http
