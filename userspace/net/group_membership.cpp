// SPDX-License-Identifier: GPL-2.0-or-later
#include "net/group_membership.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace xvrrp::net {

GroupMembership::GroupMembership(int ifindex, int family)
    : ifindex_(ifindex), family_(family), fd_(::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
  const char* group = family == AF_INET6 ? "ff02::12" : "224.0.0.18";
  auto fail = [&](const char* what) {
    throw std::system_error(
        errno, std::generic_category(),
        std::string(what) + " " + group + " on ifindex " + std::to_string(ifindex));
  };
  if (!fd_) fail("socket for");
  if (family == AF_INET6) {
    ipv6_mreq mreq{};
    inet_pton(AF_INET6, group, &mreq.ipv6mr_multiaddr);
    mreq.ipv6mr_interface = static_cast<unsigned>(ifindex);
    if (setsockopt(fd_.get(), IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq, sizeof mreq) != 0)
      fail("IPV6_JOIN_GROUP");
  } else {
    ip_mreqn mreq{};
    inet_pton(AF_INET, group, &mreq.imr_multiaddr);
    mreq.imr_ifindex = ifindex;
    if (setsockopt(fd_.get(), IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof mreq) != 0)
      fail("IP_ADD_MEMBERSHIP");
  }
}

}  // namespace xvrrp::net
