// SPDX-License-Identifier: GPL-2.0-or-later
// IpAddress: an IPv4 or IPv6 address held in network byte order.
#pragma once

#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace xvrrp {

struct IpAddress {
  /// AF_INET or AF_INET6 (AF_UNSPEC for a default-constructed address).
  int family = AF_UNSPEC;
  /// IPv4 uses bytes[0..3]; the rest stays zero. Network byte order.
  std::array<std::uint8_t, 16> bytes{};

  static IpAddress v4(std::uint32_t be_addr) {
    IpAddress a;
    a.family = AF_INET;
    std::memcpy(a.bytes.data(), &be_addr, 4);
    return a;
  }
  static IpAddress v6(const std::uint8_t (&b)[16]) {
    IpAddress a;
    a.family = AF_INET6;
    std::memcpy(a.bytes.data(), b, 16);
    return a;
  }
  /// Parses dotted quad or RFC 4291 text; nullopt when invalid.
  static std::optional<IpAddress> parse(std::string_view text);

  [[nodiscard]] bool is_v4() const { return family == AF_INET; }
  [[nodiscard]] bool is_v6() const { return family == AF_INET6; }
  [[nodiscard]] std::size_t size() const { return is_v6() ? 16 : (is_v4() ? 4 : 0); }
  /// IPv4 address in network byte order (valid when is_v4()).
  [[nodiscard]] std::uint32_t v4_be() const {
    std::uint32_t v;
    std::memcpy(&v, bytes.data(), 4);
    return v;
  }
  [[nodiscard]] std::string to_string() const;

  friend bool operator==(const IpAddress& a, const IpAddress& b) {
    return a.family == b.family && a.bytes == b.bytes;
  }
  friend bool operator!=(const IpAddress& a, const IpAddress& b) { return !(a == b); }
  /// Numeric order within a family (RFC 5798 §6.4.3 "higher primary IP").
  friend bool operator<(const IpAddress& a, const IpAddress& b) {
    if (a.family != b.family) return a.family < b.family;
    return std::memcmp(a.bytes.data(), b.bytes.data(), 16) < 0;
  }
};

}  // namespace xvrrp
