// SPDX-License-Identifier: GPL-2.0-or-later
// An interface's received-packet counter (IFLA_STATS64 rx_packets, RTM_GETLINK), read on
// demand over its own NETLINK_ROUTE socket. The kernel answers a single-link RTM_GETLINK
// from the calling context without sleeping on the network, so a read costs one round trip
// of a few microseconds and may run on the event loop.
#pragma once

#include <cstdint>
#include <optional>

#include "net/netlink_util.hpp"

namespace xvrrp::net {

class LinkStats {
 public:
  /// Connects the socket; throws std::system_error (start-up only).
  LinkStats();

  /// rx_packets of `ifindex` in the daemon's network namespace; nullopt when the link is
  /// gone or the request failed (the caller then has no evidence either way).
  [[nodiscard]] std::optional<std::uint64_t> rx_packets(int ifindex);

 private:
  NlSockPtr sock_;
};

}  // namespace xvrrp::net
