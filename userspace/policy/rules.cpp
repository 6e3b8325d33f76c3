// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/rules.hpp"

#include <algorithm>

namespace xvrrp::policy {

std::optional<IpAddress> choose_source(std::span<const AddressCandidate> addrs, int family,
                                       std::span<const IpAddress> vips) {
  auto is_vip = [&](const IpAddress& a) {
    return std::find(vips.begin(), vips.end(), a) != vips.end();
  };
  if (family == AF_INET6) {
    for (const auto& c : addrs) {
      if (!c.addr.is_v6() || c.tentative || is_vip(c.addr)) continue;
      if (c.addr.bytes[0] == 0xfe && (c.addr.bytes[1] & 0xc0) == 0x80) return c.addr;
    }
    return std::nullopt;
  }
  std::optional<IpAddress> fallback;
  for (const auto& c : addrs) {
    if (!c.addr.is_v4() || is_vip(c.addr)) continue;
    if (!c.secondary) return c.addr;
    if (!fallback) fallback = c.addr;
  }
  return fallback;
}

}  // namespace xvrrp::policy
