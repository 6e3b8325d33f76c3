// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/rules.hpp"

#include <algorithm>

#include "config/config.hpp"

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

int realtime_priority(const config::Config& cfg, int requested) {
  if (requested != 0) return requested > 0 ? requested : -1;
  constexpr std::uint32_t kSecondUs = 1000000;
  const bool fast_vrrp =
      std::any_of(cfg.instances.begin(), cfg.instances.end(),
                  [](const config::Instance& c) { return c.advert_int_cs < 100; });
  const bool fast_bfd = std::any_of(cfg.bfd_instances.begin(), cfg.bfd_instances.end(),
                                    [](const config::BfdInstance& b) {
                                      return b.min_tx_us < kSecondUs || b.min_rx_us < kSecondUs;
                                    });
  return fast_vrrp || fast_bfd ? kDefaultRealtimePriority : -1;
}

}  // namespace xvrrp::policy
