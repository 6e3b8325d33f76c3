// SPDX-License-Identifier: GPL-2.0-or-later
#include "net/vmac.hpp"

#include <linux/if_link.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/route/link.h>
#include <netlink/route/link/macvlan.h>

#include <cstring>
#include <fstream>
#include <map>
#include <stdexcept>
#include <utility>

#include "common/log.hpp"
#include "net/netlink_util.hpp"
#include "net/sysctl.hpp"

namespace xvrrp::net {

namespace {

std::string conf(const char* family, const std::string& ifname, const char* key) {
  return std::string("/proc/sys/net/") + family + "/conf/" + ifname + "/" + key;
}

// The parent's arp_ignore and arp_filter as found before the first macvlan on it.
struct ParentHold {
  int refs = 0;
  std::string arp_ignore, arp_filter, arp_announce;
};
std::map<std::string, ParentHold>& parents() {
  static std::map<std::string, ParentHold> p;
  return p;
}

std::string nl_error(int err) { return nl_geterror(err); }

}  // namespace

std::array<std::uint8_t, 6> virtual_router_mac(std::uint8_t vrid, bool ipv6) {
  return {0x00, 0x00, 0x5e, 0x00, static_cast<std::uint8_t>(ipv6 ? 0x02 : 0x01), vrid};
}

Vmac::Vmac(std::string name, int parent_ifindex, std::string parent, std::uint8_t vrid)
    : name_(std::move(name)),
      parent_(std::move(parent)),
      parent_ifindex_(parent_ifindex),
      mac_(virtual_router_mac(vrid, false)) {
  NlSockPtr sock = connect_route_socket("use_vmac");
  rtnl_link* found = nullptr;
  if (rtnl_link_get_kernel(sock.get(), 0, name_.c_str(), &found) == 0) {
    RtnlLinkPtr old(found);
    const char* type = rtnl_link_get_type(old.get());
    if (type == nullptr || std::strcmp(type, "macvlan") != 0 ||
        rtnl_link_get_link(old.get()) != parent_ifindex_) {
      throw std::runtime_error("use_vmac: interface " + name_ + " exists and is not a macvlan of " +
                               parent_);
    }
    // A killed run's: made again, so that its settings are ours.
    if (const int err = rtnl_link_delete(sock.get(), old.get()); err < 0)
      throw std::runtime_error("use_vmac: cannot delete the stale " + name_ + ": " + nl_error(err));
    XLOG_WARN("use_vmac: %s left by an earlier run, made again", name_.c_str());
  }
  RtnlLinkPtr link(rtnl_link_macvlan_alloc());
  if (!link) throw std::runtime_error("use_vmac: out of memory");
  rtnl_link_set_name(link.get(), name_.c_str());
  rtnl_link_set_link(link.get(), parent_ifindex_);
  NlAddrPtr addr(nl_addr_build(AF_LLC, mac_.data(), mac_.size()));
  rtnl_link_set_addr(link.get(), addr.get());
  rtnl_link_macvlan_set_mode(link.get(), MACVLAN_MODE_PRIVATE);
  if (const int err = rtnl_link_add(sock.get(), link.get(), NLM_F_CREATE | NLM_F_EXCL); err < 0)
    throw std::runtime_error("use_vmac: cannot create " + name_ + " on " + parent_ + ": " +
                             nl_error(err));
  ifindex_ = static_cast<int>(if_nametoindex(name_.c_str()));
  if (ifindex_ == 0) throw std::runtime_error("use_vmac: " + name_ + " vanished after creation");
  // Before the link is up: no IPv6 link-local address, no MLD or router solicitation.
  write_sysctl(conf("ipv6", name_, "disable_ipv6"), "1", "use_vmac");
  write_sysctl(conf("ipv4", name_, "arp_ignore"), "1", "use_vmac");
  write_sysctl(conf("ipv4", name_, "accept_local"), "1", "use_vmac");
  write_sysctl(conf("ipv4", name_, "rp_filter"), "0", "use_vmac");
  write_sysctl(conf("ipv4", name_, "promote_secondaries"), "1", "use_vmac");
  ParentHold& hold = parents()[parent_];
  if (hold.refs++ == 0) {
    hold.arp_ignore = read_sysctl(conf("ipv4", parent_, "arp_ignore"));
    hold.arp_filter = read_sysctl(conf("ipv4", parent_, "arp_filter"));
    hold.arp_announce = read_sysctl(conf("ipv4", parent_, "arp_announce"));
  }
  write_sysctl(conf("ipv4", parent_, "arp_ignore"), "1", "use_vmac");
  write_sysctl(conf("ipv4", parent_, "arp_filter"), "1", "use_vmac");
  // A reply from a VIP routed out of the parent makes the kernel ask for the client's MAC
  // with the VIP as sender address and the parent's MAC, and the client then sends to the
  // parent: with 2 the request names the parent's own address.
  write_sysctl(conf("ipv4", parent_, "arp_announce"), "2", "use_vmac");
  RtnlLinkPtr change(rtnl_link_alloc());
  rtnl_link_set_flags(change.get(), IFF_UP);
  RtnlLinkPtr current;
  if (rtnl_link_get_kernel(sock.get(), ifindex_, nullptr, &found) == 0) current.reset(found);
  const int err = current ? rtnl_link_change(sock.get(), current.get(), change.get(), 0) : -1;
  if (err < 0) {
    rtnl_link_delete(sock.get(), link.get());
    throw std::runtime_error("use_vmac: cannot bring " + name_ +
                             " up: " + (current ? nl_error(err) : std::string("not found")));
  }
  XLOG_INFO("use_vmac: %s on %s with MAC 00:00:5e:00:01:%02x", name_.c_str(), parent_.c_str(),
            static_cast<unsigned>(vrid));
}

Vmac::~Vmac() {
  try {
    NlSockPtr sock = connect_route_socket("use_vmac");
    rtnl_link* found = nullptr;
    if (rtnl_link_get_kernel(sock.get(), ifindex_, nullptr, &found) == 0) {
      RtnlLinkPtr link(found);
      rtnl_link_delete(sock.get(), link.get());
    }
  } catch (const std::exception& e) {
    XLOG_WARN("use_vmac: cannot delete %s: %s", name_.c_str(), e.what());
  }
  auto it = parents().find(parent_);
  if (it != parents().end() && --it->second.refs == 0) {
    if (!it->second.arp_ignore.empty())
      write_sysctl(conf("ipv4", parent_, "arp_ignore"), it->second.arp_ignore, "use_vmac");
    if (!it->second.arp_filter.empty())
      write_sysctl(conf("ipv4", parent_, "arp_filter"), it->second.arp_filter, "use_vmac");
    if (!it->second.arp_announce.empty())
      write_sysctl(conf("ipv4", parent_, "arp_announce"), it->second.arp_announce, "use_vmac");
    parents().erase(it);
  }
}

}  // namespace xvrrp::net
