// SPDX-License-Identifier: GPL-2.0-or-later
// Asks the kernel (rtnetlink RTM_GETROUTE, as `ip route get` does) how it would reach an
// IPv4 address: which interface, and whether the address is on-link (no gateway).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace xvrrp::probe {

struct RouteInfo {
  int ifindex = 0;
  std::string ifname;
  bool on_link = false;         // no RTA_GATEWAY: the target answers ARP itself
  std::uint32_t source_be = 0;  // RTA_PREFSRC, network byte order; 0 when absent
};

/// nullopt with error set ("no route to 192.0.2.9: Network is unreachable") on failure.
/// oif_hint (0 = none) constrains the lookup to one interface, like `ip route get ... oif`.
std::optional<RouteInfo> lookup_route(std::uint32_t destination_be, int oif_hint,
                                      std::string& error);

}  // namespace xvrrp::probe
