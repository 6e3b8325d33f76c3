// SPDX-License-Identifier: GPL-2.0-or-later
#include "net/netlink_util.hpp"

#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>

#include <cstring>
#include <system_error>

namespace xvrrp::net {

NlSockPtr connect_route_socket(const char* what) {
  NlSockPtr sock(nl_socket_alloc());
  if (!sock) throw std::system_error(ENOMEM, std::generic_category(), what);
  int err = nl_connect(sock.get(), NETLINK_ROUTE);
  if (err < 0) {
    throw std::system_error(EIO, std::generic_category(),
                            std::string(what) + ": nl_connect: " + nl_geterror(err));
  }
  return sock;
}

std::optional<IpAddress> to_ip_address(const nl_addr* addr) {
  if (!addr) return std::nullopt;
  int family = nl_addr_get_family(addr);
  unsigned len = nl_addr_get_len(addr);
  const void* bin = nl_addr_get_binary_addr(addr);
  IpAddress ip;
  if (family == AF_INET && len == 4) {
    ip.family = AF_INET;
  } else if (family == AF_INET6 && len == 16) {
    ip.family = AF_INET6;
  } else {
    return std::nullopt;
  }
  std::memcpy(ip.bytes.data(), bin, len);
  return ip;
}

NlAddrPtr to_nl_addr(const IpAddress& ip, int prefix_len) {
  NlAddrPtr a(nl_addr_build(ip.family, ip.bytes.data(), ip.size()));
  if (a) nl_addr_set_prefixlen(a.get(), prefix_len);
  return a;
}

std::string ifname_or_index(int ifindex) {
  char name[IF_NAMESIZE] = {};
  if (if_indextoname(static_cast<unsigned>(ifindex), name)) return name;
  return "if" + std::to_string(ifindex);
}

}  // namespace xvrrp::net
