// SPDX-License-Identifier: GPL-2.0-or-later
// VIPs: installing, restoring and announcing them (GARP / unsolicited NA).
#include <exception>
#include <memory>
#include <string>

#include "common/log.hpp"
#include "daemon/daemon.hpp"
#include "daemon/instance_runtime.hpp"
#include "net/garp_sender.hpp"
#include "net/link_monitor.hpp"
#include "net/proxy_ndp.hpp"

namespace xvrrp::daemon {

namespace {

net::Vip resolve_vip(const config::Vip& v, const net::LinkMonitor& links) {
  const auto dev = links.find(v.dev);
  return net::vip_from_config(v, dev ? dev->ifindex : 0);
}

// Linux answers neighbour solicitations only for addresses on the receiving
// interface, so a v6 VIP on dummy0 needs a proxy entry on the VRRP interface.
void ensure_proxy_ndp(const std::string& instance, int vrrp_ifindex, bool installed,
                      const net::Vip& vip, std::unique_ptr<net::ProxyNdpEntry>& proxy) {
  if (!installed || !vip.addr.is_v6() || vrrp_ifindex == 0 || vip.ifindex == vrrp_ifindex) {
    proxy.reset();
    return;
  }
  if (proxy && proxy->ifindex() == vrrp_ifindex) return;
  proxy.reset();
  try {
    proxy = std::make_unique<net::ProxyNdpEntry>(vrrp_ifindex, vip.addr);
  } catch (const std::exception& e) {
    XLOG_ERROR("(%s) %s", instance.c_str(), e.what());
  }
}

}  // namespace

// Keeps the `installed` mark of every VIP that stays on the same device.
void Daemon::resolve_vips(InstanceRuntime& rt) {
  std::vector<InstanceRuntime::VipRuntime> vips;
  for (const auto& v : rt.cfg.vips) {
    InstanceRuntime::VipRuntime vr{v, resolve_vip(v, *links_), false, nullptr};
    for (auto& old : rt.vips)
      if (old.cfg == v && old.vip.ifindex == vr.vip.ifindex) {
        vr.installed = old.installed;
        if (old.proxy && old.proxy->ifindex() == rt.ifindex) vr.proxy = std::move(old.proxy);
      }
    vips.push_back(std::move(vr));
  }
  rt.vips = std::move(vips);
}

void Daemon::send_garps(InstanceRuntime& rt, int count) {
  if (count <= 0 || rt.ifindex == 0) return;
  for (int i = 0; i < count; ++i) {
    for (const auto& v : rt.vips) {
      const net::Vip& vip = v.vip;
      // Announce on the VRRP interface, where the clients are, with its MAC,
      // wherever the VIP lives: a NOARP dummy0 would swallow the GARP.
      if (vip.addr.is_v4()) {
        if (garp_->send_garp(rt.ifindex, rt.announce_mac(), vip.addr)) ++rt.garps_sent;
        const bool on_vmac = rt.vmac && vip.ifindex == rt.vmac->ifindex();
        if (vip.ifindex != 0 && vip.ifindex != rt.ifindex && !on_vmac) {
          auto dev = links_->find(vip.ifindex);
          if (dev && dev->up() && !dev->noarp) garp_->send_garp(vip.ifindex, dev->mac, vip.addr);
        }
      } else if (vip.addr.is_v6()) {
        auto ll = links_->primary_address(rt.ifindex, AF_INET6);
        if (ll && garp_->send_unsolicited_na(rt.ifindex, rt.mac, *ll, vip.addr)) ++rt.garps_sent;
      }
    }
  }
}

// `wanted`: MASTER. A VIP whose device is missing now is added when the
// device appears (install_missing_vips from on_link).
void Daemon::set_vips(InstanceRuntime& rt, bool wanted) {
  rt.want_vips = wanted;
  if (wanted) {
    // no_accept: filtered before the addresses exist, so no packet reaches them unfiltered.
    sync_vip_filter();
    install_missing_vips(rt);
    return;
  }
  sync_routes(rt);
  // An address another runtime still serves (a rebuilt instance's successor, or a
  // retiring runtime with the same VIP) stays on its device.
  std::vector<policy::HeldAddress> mine;
  for (const auto& v : rt.vips) mine.push_back({v.vip.ifindex, v.vip.addr, v.vip.prefix_len});
  const std::vector<bool> remove = policy::addresses_to_remove(mine, serving_addresses(rt));
  for (std::size_t i = 0; i < rt.vips.size(); ++i) {
    auto& v = rt.vips[i];
    v.proxy.reset();
    if (v.installed && v.vip.ifindex != 0 && remove[i]) addresses_->remove(v.vip);
    v.installed = false;
  }
  sync_vip_filter();
}

void Daemon::sync_vip_filter(bool strict) {
  std::vector<std::pair<const policy::InstancePlan*, bool>> plans;
  bool needed = false;
  for (const auto* list : {&instances_, &retiring_})
    for (const auto& rt : *list) {
      plans.emplace_back(&rt->plan, rt->want_vips);
      needed |= rt->plan.filter_vips;
    }
  // Never made again once shutdown() deleted it.
  if (!vip_filter_ && (!needed || stopping_)) return;
  try {
    if (!vip_filter_) {
      vip_filter_ =
          std::make_unique<net::VipFilter>(net::vip_filter_table(config_.global.router_id));
      XLOG_INFO("no_accept: nftables tables ip/ip6 %s made", vip_filter_->table().c_str());
    }
    vip_filter_->assign(policy::filtered_addresses(plans));
  } catch (const std::exception& e) {
    if (strict) throw std::runtime_error(std::string("no_accept filter: ") + e.what());
    XLOG_ERROR("no_accept filter: %s", e.what());
  }
}

std::vector<policy::HeldAddress> Daemon::serving_addresses(const InstanceRuntime& except) const {
  std::vector<policy::HeldAddress> out;
  for (const auto* list : {&instances_, &retiring_})
    for (const auto& other : *list) {
      if (other.get() == &except || !other->want_vips) continue;
      for (const auto& v : other->vips)
        if (v.installed) out.push_back({v.vip.ifindex, v.vip.addr, v.vip.prefix_len});
    }
  return out;
}

std::unique_ptr<net::ProxyNdpEntry> Daemon::take_proxy(int ifindex, const IpAddress& addr,
                                                       const InstanceRuntime& except) {
  for (auto* list : {&instances_, &retiring_})
    for (auto& other : *list) {
      if (other.get() == &except) continue;
      for (auto& v : other->vips)
        if (v.proxy && v.proxy->ifindex() == ifindex && v.proxy->address() == addr)
          return std::move(v.proxy);
    }
  return nullptr;
}

void Daemon::install_missing_vips(InstanceRuntime& rt) {
  if (!rt.want_vips) return;
  for (auto& v : rt.vips) {
    // The kernel has one proxy entry per address and interface: its object moves here
    // rather than being created twice and removed by the first owner to go.
    if (!v.proxy && v.vip.addr.is_v6() && rt.ifindex != 0 && v.vip.ifindex != rt.ifindex)
      v.proxy = take_proxy(rt.ifindex, v.vip.addr, rt);
    if (v.installed) {
      ensure_proxy_ndp(rt.cfg.name, rt.ifindex, v.installed, v.vip, v.proxy);
      continue;
    }
    if (v.vip.ifindex == 0) {
      XLOG_WARN("(%s) cannot add %s yet: device %s does not exist", rt.cfg.name.c_str(),
                v.vip.addr.to_string().c_str(), v.cfg.dev.c_str());
      continue;
    }
    v.installed = addresses_->add(v.vip);
    ensure_proxy_ndp(rt.cfg.name, rt.ifindex, v.installed, v.vip, v.proxy);
  }
  sync_routes(rt);
}

void Daemon::on_address(int ifindex, const IpAddress& addr, std::uint8_t prefix_len, bool added) {
  (void)prefix_len;
  // One read of the interface's addresses serves every instance on it: with hundreds of
  // instances on one link, a mass transition's address events stay linear.
  std::optional<std::vector<policy::AddressCandidate>> cands;
  for (auto& rt : instances_) {
    if (!rt->sm) continue;
    if (ifindex == rt->ifindex) {
      if (!cands) cands = source_candidates(ifindex);
      refresh_source(*rt, *cands);
    }
    if (added || !rt->want_vips) continue;
    for (auto& v : rt->vips) {
      if (v.vip.ifindex == ifindex && v.vip.addr == addr && v.installed) {
        XLOG_WARN("(%s) VIP %s was removed from %s while MASTER, restoring it",
                  rt->cfg.name.c_str(), addr.to_string().c_str(), v.cfg.dev.c_str());
        v.installed = addresses_->add(v.vip);
        send_garps(*rt, 1);
      }
    }
  }
}

}  // namespace xvrrp::daemon
