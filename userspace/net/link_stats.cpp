// SPDX-License-Identifier: GPL-2.0-or-later
#include "net/link_stats.hpp"

#include <netlink/route/link.h>

namespace xvrrp::net {

LinkStats::LinkStats() : sock_(connect_route_socket("netlink statistics socket")) {}

std::optional<std::uint64_t> LinkStats::rx_packets(int ifindex) {
  if (ifindex <= 0) return std::nullopt;
  rtnl_link* raw = nullptr;
  if (rtnl_link_get_kernel(sock_.get(), ifindex, nullptr, &raw) < 0 || raw == nullptr)
    return std::nullopt;
  const RtnlLinkPtr link(raw);
  return rtnl_link_get_stat(link.get(), RTNL_LINK_RX_PACKETS);
}

}  // namespace xvrrp::net
