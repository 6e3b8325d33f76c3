// SPDX-License-Identifier: GPL-2.0-or-later
// RAII owners for libnl-3 objects and small conversions between libnl and xvrrp types.
// Every libnl allocation in xvrrp_net is held by one of these unique_ptrs.
#pragma once

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include <memory>
#include <optional>
#include <string>

#include "common/ip_address.hpp"

namespace xvrrp::net {

struct NlSockDeleter {
  void operator()(nl_sock* p) const noexcept { nl_socket_free(p); }
};
struct NlCacheDeleter {
  void operator()(nl_cache* p) const noexcept { nl_cache_free(p); }
};
struct RtnlLinkDeleter {
  void operator()(rtnl_link* p) const noexcept { rtnl_link_put(p); }
};
struct RtnlAddrDeleter {
  void operator()(rtnl_addr* p) const noexcept { rtnl_addr_put(p); }
};
struct NlAddrDeleter {
  void operator()(nl_addr* p) const noexcept { nl_addr_put(p); }
};

using NlSockPtr = std::unique_ptr<nl_sock, NlSockDeleter>;
using NlCachePtr = std::unique_ptr<nl_cache, NlCacheDeleter>;
using RtnlLinkPtr = std::unique_ptr<rtnl_link, RtnlLinkDeleter>;
using RtnlAddrPtr = std::unique_ptr<rtnl_addr, RtnlAddrDeleter>;
using NlAddrPtr = std::unique_ptr<nl_addr, NlAddrDeleter>;

/// Allocates a NETLINK_ROUTE socket and connects it. Throws std::system_error naming `what`
/// on failure (start-up only).
NlSockPtr connect_route_socket(const char* what);

/// nl_addr (AF_INET/AF_INET6, 4/16 bytes) -> IpAddress; nullopt for any other family or length.
std::optional<IpAddress> to_ip_address(const nl_addr* addr);
/// IpAddress -> newly allocated nl_addr with the given prefix length.
NlAddrPtr to_nl_addr(const IpAddress& ip, int prefix_len);

/// Interface name for an ifindex in the current network namespace ("if<N>" when unknown).
std::string ifname_or_index(int ifindex);

}  // namespace xvrrp::net
