// SPDX-License-Identifier: GPL-2.0-or-later
#include "net/address_manager.hpp"

#include <linux/if_addr.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>

#include <string>

#include "common/log.hpp"

namespace xvrrp::net {

Vip vip_from_config(const config::Vip& v, int ifindex) {
  Vip nv;
  nv.ifindex = ifindex;
  nv.addr = v.addr;
  nv.prefix_len = v.prefix_len;
  nv.broadcast = v.broadcast;
  nv.scope = v.scope;
  nv.label = v.label;
  return nv;
}
namespace {

std::string describe(const Vip& vip) {
  return vip.addr.to_string() + "/" + std::to_string(vip.prefix_len) + " dev " +
         ifname_or_index(vip.ifindex);
}

// The object that names the address: device, family, local address and prefix length.
RtnlAddrPtr make_rtnl_addr(const Vip& vip) {
  RtnlAddrPtr addr(rtnl_addr_alloc());
  if (!addr) return addr;
  NlAddrPtr local = to_nl_addr(vip.addr, vip.prefix_len);
  if (!local) return nullptr;
  rtnl_addr_set_ifindex(addr.get(), vip.ifindex);
  rtnl_addr_set_family(addr.get(), vip.addr.family);
  if (rtnl_addr_set_local(addr.get(), local.get()) < 0) return nullptr;
  rtnl_addr_set_prefixlen(addr.get(), vip.prefix_len);
  return addr;
}

}  // namespace

AddressManager::AddressManager() : sock_(connect_route_socket("netlink address socket")) {}

AddressManager::~AddressManager() = default;

bool AddressManager::add(const Vip& vip) {
  if (!vip.addr.is_v4() && !vip.addr.is_v6()) {
    XLOG_ERROR("cannot add VIP on %s: no address family", ifname_or_index(vip.ifindex).c_str());
    return false;
  }
  RtnlAddrPtr addr = make_rtnl_addr(vip);
  if (!addr) {
    XLOG_ERROR("cannot add VIP %s: out of memory", describe(vip).c_str());
    return false;
  }
  if (vip.broadcast && vip.broadcast->family == vip.addr.family) {
    NlAddrPtr brd = to_nl_addr(*vip.broadcast, vip.addr.is_v4() ? 32 : 128);
    if (!brd || rtnl_addr_set_broadcast(addr.get(), brd.get()) < 0) {
      XLOG_ERROR("cannot add VIP %s: bad broadcast %s", describe(vip).c_str(),
                 vip.broadcast->to_string().c_str());
      return false;
    }
  }
  rtnl_addr_set_scope(addr.get(), vip.scope);
  if (!vip.label.empty() && rtnl_addr_set_label(addr.get(), vip.label.c_str()) < 0) {
    XLOG_ERROR("cannot add VIP %s: label \"%s\" longer than %d characters", describe(vip).c_str(),
               vip.label.c_str(), IFNAMSIZ - 1);
    return false;
  }
  // A VIP must answer at once; duplicate address detection would hold it tentative (keepalived
  // sets IFA_F_NODAD too).
  if (vip.addr.is_v6()) rtnl_addr_set_flags(addr.get(), IFA_F_NODAD);

  int err = rtnl_addr_add(sock_.get(), addr.get(), NLM_F_EXCL);
  if (err == -NLE_EXIST) return true;
  if (err < 0) {
    XLOG_ERROR("cannot add VIP %s: %s", describe(vip).c_str(), nl_geterror(err));
    return false;
  }
  return true;
}

bool AddressManager::remove(const Vip& vip) {
  RtnlAddrPtr addr = make_rtnl_addr(vip);
  if (!addr) {
    XLOG_ERROR("cannot remove VIP %s: out of memory", describe(vip).c_str());
    return false;
  }
  int err = rtnl_addr_delete(sock_.get(), addr.get(), 0);
  // Already gone (EADDRNOTAVAIL), or its device is gone (ENODEV): nothing left to remove.
  if (err == -NLE_NOADDR || err == -NLE_NODEV || err == -NLE_OBJ_NOTFOUND) return true;
  if (err < 0) {
    XLOG_ERROR("cannot remove VIP %s: %s", describe(vip).c_str(), nl_geterror(err));
    return false;
  }
  return true;
}

bool AddressManager::present(const Vip& vip) {
  nl_cache* raw = nullptr;
  int err = rtnl_addr_alloc_cache(sock_.get(), &raw);
  NlCachePtr cache(raw);
  if (err < 0) {
    XLOG_ERROR("cannot check VIP %s: address dump failed: %s", describe(vip).c_str(),
               nl_geterror(err));
    return false;
  }
  for (nl_object* o = nl_cache_get_first(cache.get()); o; o = nl_cache_get_next(o)) {
    auto* a = reinterpret_cast<rtnl_addr*>(o);
    if (rtnl_addr_get_ifindex(a) != vip.ifindex) continue;
    auto local = to_ip_address(rtnl_addr_get_local(a));
    if (local && *local == vip.addr) return true;
  }
  return false;
}

void AddressManager::remove_stale(const std::vector<Vip>& vips) {
  nl_cache* raw = nullptr;
  int err = rtnl_addr_alloc_cache(sock_.get(), &raw);
  NlCachePtr cache(raw);
  if (err < 0) {
    XLOG_ERROR("cannot look for stale VIPs: address dump failed: %s", nl_geterror(err));
    return;
  }
  for (const Vip& vip : vips) {
    for (nl_object* o = nl_cache_get_first(cache.get()); o; o = nl_cache_get_next(o)) {
      auto* a = reinterpret_cast<rtnl_addr*>(o);
      if (rtnl_addr_get_ifindex(a) != vip.ifindex) continue;
      auto local = to_ip_address(rtnl_addr_get_local(a));
      if (!local || *local != vip.addr) continue;
      // Delete it with the prefix it actually has, which may differ from the config's.
      Vip found = vip;
      found.prefix_len = static_cast<uint8_t>(rtnl_addr_get_prefixlen(a));
      XLOG_INFO("removing stale VIP %s left by a previous run", describe(found).c_str());
      remove(found);
      break;
    }
  }
}

}  // namespace xvrrp::net
