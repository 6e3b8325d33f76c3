// SPDX-License-Identifier: GPL-2.0-or-later
#include "net/proxy_ndp.hpp"

#include <linux/neighbour.h>
#include <netlink/errno.h>
#include <netlink/route/neighbour.h>

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <system_error>

#include "common/log.hpp"
#include "net/netlink_util.hpp"
#include "net/sysctl.hpp"

namespace xvrrp::net {

namespace {

struct RtnlNeighDeleter {
  void operator()(rtnl_neigh* p) const noexcept { rtnl_neigh_put(p); }
};
using RtnlNeighPtr = std::unique_ptr<rtnl_neigh, RtnlNeighDeleter>;

// The two sysctls the kernel's proxy answer depends on, with the values found before we set
// them, per interface with at least one entry.
struct SysctlHold {
  std::string ifname;
  int refs = 0;
  std::string old_proxy_ndp, old_forwarding;
};

std::map<int, SysctlHold>& holds() {
  static std::map<int, SysctlHold> h;
  return h;
}

std::string conf_path(const std::string& ifname, const char* key) {
  return "/proc/sys/net/ipv6/conf/" + ifname + "/" + key;
}

void hold_sysctls(int ifindex) {
  auto& h = holds()[ifindex];
  if (h.refs++ > 0) return;
  h.ifname = ifname_or_index(ifindex);
  h.old_proxy_ndp = read_sysctl(conf_path(h.ifname, "proxy_ndp"));
  h.old_forwarding = read_sysctl(conf_path(h.ifname, "forwarding"));
  if (h.old_proxy_ndp != "1") write_sysctl(conf_path(h.ifname, "proxy_ndp"), "1", "proxy NDP");
  if (h.old_forwarding != "1") write_sysctl(conf_path(h.ifname, "forwarding"), "1", "proxy NDP");
}

void release_sysctls(int ifindex) {
  auto it = holds().find(ifindex);
  if (it == holds().end() || --it->second.refs > 0) return;
  const SysctlHold& h = it->second;
  // An interface that went away took its sysctls with it: nothing to restore.
  if (!h.old_proxy_ndp.empty() && h.old_proxy_ndp != "1")
    write_sysctl(conf_path(h.ifname, "proxy_ndp"), h.old_proxy_ndp, "proxy NDP");
  if (!h.old_forwarding.empty() && h.old_forwarding != "1")
    write_sysctl(conf_path(h.ifname, "forwarding"), h.old_forwarding, "proxy NDP");
  holds().erase(it);
}

RtnlNeighPtr make_proxy(int ifindex, const IpAddress& addr) {
  RtnlNeighPtr n(rtnl_neigh_alloc());
  NlAddrPtr dst = to_nl_addr(addr, 128);
  if (!n || !dst) throw std::system_error(ENOMEM, std::generic_category(), "proxy NDP entry");
  rtnl_neigh_set_ifindex(n.get(), ifindex);
  rtnl_neigh_set_family(n.get(), AF_INET6);
  rtnl_neigh_set_dst(n.get(), dst.get());
  rtnl_neigh_set_flags(n.get(), NTF_PROXY);
  rtnl_neigh_set_state(n.get(), NUD_PERMANENT);
  return n;
}

}  // namespace

ProxyNdpEntry::ProxyNdpEntry(int ifindex, const IpAddress& addr) : ifindex_(ifindex), addr_(addr) {
  const std::string what =
      "proxy NDP entry " + addr.to_string() + " on " + ifname_or_index(ifindex);
  if (!addr.is_v6()) throw std::system_error(EINVAL, std::generic_category(), what);
  NlSockPtr sock = connect_route_socket(what.c_str());
  RtnlNeighPtr n = make_proxy(ifindex, addr);
  const int err = rtnl_neigh_add(sock.get(), n.get(), NLM_F_CREATE | NLM_F_REPLACE);
  if (err < 0)
    throw std::system_error(EIO, std::generic_category(), what + ": " + nl_geterror(err));
  hold_sysctls(ifindex);
  XLOG_INFO("%s added", what.c_str());
}

ProxyNdpEntry::~ProxyNdpEntry() {
  const std::string what =
      "proxy NDP entry " + addr_.to_string() + " on " + ifname_or_index(ifindex_);
  try {
    NlSockPtr sock = connect_route_socket(what.c_str());
    RtnlNeighPtr n = make_proxy(ifindex_, addr_);
    const int err = rtnl_neigh_delete(sock.get(), n.get(), 0);
    // Already gone (the interface was deleted) is what we wanted.
    if (err < 0 && err != -NLE_OBJ_NOTFOUND && err != -NLE_NODEV)
      XLOG_WARN("%s: remove failed: %s", what.c_str(), nl_geterror(err));
    else
      XLOG_INFO("%s removed", what.c_str());
  } catch (const std::exception& e) {
    XLOG_WARN("%s: remove failed: %s", what.c_str(), e.what());
  }
  release_sysctls(ifindex_);
}

}  // namespace xvrrp::net
