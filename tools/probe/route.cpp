// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe/route.hpp"

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "common/unique_fd.hpp"

namespace xvrrp::probe {

std::optional<RouteInfo> lookup_route(std::uint32_t destination_be, int oif_hint,
                                      std::string& error) {
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &destination_be, text, sizeof text);
  auto fail = [&](const std::string& why) {
    error = "no route to " + std::string(text) + ": " + why;
    return std::nullopt;
  };

  UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (!fd) return fail(std::string("netlink socket: ") + std::strerror(errno));

  struct {
    nlmsghdr header;
    rtmsg route;
    char attrs[64];
  } request{};
  request.header.nlmsg_len = NLMSG_LENGTH(sizeof(rtmsg));
  request.header.nlmsg_type = RTM_GETROUTE;
  request.header.nlmsg_flags = NLM_F_REQUEST;
  request.header.nlmsg_seq = 1;
  request.route.rtm_family = AF_INET;
  request.route.rtm_dst_len = 32;
  auto add_u32 = [&request](unsigned short type, std::uint32_t value) {
    auto* attr = reinterpret_cast<rtattr*>(reinterpret_cast<char*>(&request) +
                                           NLMSG_ALIGN(request.header.nlmsg_len));
    attr->rta_type = type;
    attr->rta_len = RTA_LENGTH(sizeof value);
    std::memcpy(RTA_DATA(attr), &value, sizeof value);
    request.header.nlmsg_len = NLMSG_ALIGN(request.header.nlmsg_len) + RTA_ALIGN(attr->rta_len);
  };
  add_u32(RTA_DST, destination_be);
  if (oif_hint > 0) add_u32(RTA_OIF, static_cast<std::uint32_t>(oif_hint));

  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd.get(), &request, request.header.nlmsg_len, 0,
               reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
    return fail(std::string("netlink send: ") + std::strerror(errno));
  }
  alignas(nlmsghdr) char buffer[8192];
  ssize_t len = ::recv(fd.get(), buffer, sizeof buffer, 0);
  if (len < 0) return fail(std::string("netlink recv: ") + std::strerror(errno));

  for (auto* h = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(h, static_cast<unsigned>(len));
       h = NLMSG_NEXT(h, len)) {
    if (h->nlmsg_type == NLMSG_ERROR) {
      auto* err = static_cast<nlmsgerr*>(NLMSG_DATA(h));
      return fail(err->error ? std::strerror(-err->error) : "empty netlink answer");
    }
    if (h->nlmsg_type != RTM_NEWROUTE) continue;
    auto* route = static_cast<rtmsg*>(NLMSG_DATA(h));
    if (route->rtm_type == RTN_LOCAL) return fail("it is an address of this host");
    if (route->rtm_type != RTN_UNICAST) return fail("the route is not unicast");
    RouteInfo info;
    info.on_link = true;
    int attr_len = static_cast<int>(RTM_PAYLOAD(h));
    for (auto* a = RTM_RTA(route); RTA_OK(a, attr_len); a = RTA_NEXT(a, attr_len)) {
      switch (a->rta_type) {
        case RTA_OIF:
          std::memcpy(&info.ifindex, RTA_DATA(a), sizeof(int));
          break;
        case RTA_GATEWAY:
          info.on_link = false;
          break;
        case RTA_PREFSRC:
          std::memcpy(&info.source_be, RTA_DATA(a), 4);
          break;
        default:
          break;
      }
    }
    if (info.ifindex <= 0) return fail("the route names no interface");
    char name[IF_NAMESIZE] = {};
    if (!if_indextoname(static_cast<unsigned>(info.ifindex), name)) {
      return fail("interface " + std::to_string(info.ifindex) + " vanished");
    }
    info.ifname = name;
    return info;
  }
  return fail("no RTM_NEWROUTE in the kernel's answer");
}

}  // namespace xvrrp::probe
