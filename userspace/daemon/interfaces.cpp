// SPDX-License-Identifier: GPL-2.0-or-later
// The instance's interface: binding to its current ifindex (sender, receive
// path and config), releasing what a deleted or recreated interface held,
// the advert source address, and link events.
#include <linux/if_addr.h>

#include "common/abi_convert.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"
#include "core/packet.hpp"
#include "daemon/daemon.hpp"
#include "daemon/instance_runtime.hpp"
#include "net/link_monitor.hpp"
#include "policy/rules.hpp"

namespace xvrrp::daemon {

using core::Nanos;

std::vector<policy::AddressCandidate> Daemon::source_candidates(int ifindex) const {
  std::vector<policy::AddressCandidate> cands;
  if (ifindex == 0) return cands;
  for (const auto& a : links_->addresses(ifindex))
    cands.push_back({a.addr, (a.flags & IFA_F_SECONDARY) != 0, (a.flags & IFA_F_TENTATIVE) != 0});
  return cands;
}

void Daemon::refresh_source(InstanceRuntime& rt) {
  const auto cands = rt.cfg.unicast_src_ip ? std::vector<policy::AddressCandidate>{}
                                           : source_candidates(rt.ifindex);
  refresh_source(rt, cands);
}

// The advert source is also the tie-break address: it follows the
// interface's current addresses and is never one of our VIPs.
void Daemon::refresh_source(InstanceRuntime& rt, std::span<const policy::AddressCandidate> cands) {
  std::optional<IpAddress> src = rt.cfg.unicast_src_ip;
  if (!src && rt.ifindex != 0) {
    std::vector<IpAddress> vips;
    for (const auto& v : rt.plan.vips) vips.push_back(v.addr);
    src = policy::choose_source(cands, rt.plan.family, vips);
  }
  if (src == rt.src_ip) return;
  rt.src_ip = src;
  if (rt.sm && src) rt.sm->set_primary_ip(*src);
}

void Daemon::program_rx(InstanceRuntime& rt) {
  std::vector<PeerEntry> peers;
  for (const auto& p : rt.plan.peers)
    peers.push_back(PeerEntry{packet::make_peer_key(rt.key, p.addr), p.min_ttl, p.max_ttl});
  rx_->set_instance(rt.key, rt.plan.vrid_config, peers);
  rt.rx_programmed = true;
  try {
    rx_->set_vips(rt.key, policy::fence_keys(rt.plan, rt.key.ifindex),
                  policy::fence_after_ns(rt.plan));
  } catch (const std::exception& e) {
    // Adverts are received either way; only a dead daemon's fence is lost.
    XLOG_WARN("%s: VIPs not fenced: %s", rt.cfg.name.c_str(), e.what());
  }
}

// Releases what the instance holds for its current ifindex (the receive
// config; sender and attachment when nobody else uses the interface).
void Daemon::unbind_interface(InstanceRuntime& rt) {
  if (rt.vmac) {
    senders_.erase(rt.vmac->ifindex());
    rt.vmac.reset();
  }
  if (rt.rx_programmed) rx_->remove_instance(rt.key);
  rt.rx_programmed = false;
  if (auto it = by_key_.find(pack_vrid_key(rt.key)); it != by_key_.end() && it->second == &rt)
    by_key_.erase(it);
  const int old = rt.ifindex;
  rt.ifindex = 0;
  rt.key = xvrrp_vrid_key{};
  if (old != 0) release_if_unused(old);
}

// A retiring runtime still sends its priority 0 and hears the new master through
// the interface's sender and receive attachment.
void Daemon::release_if_unused(int ifindex) {
  std::vector<int> bound;
  for (const auto* list : {&instances_, &retiring_})
    for (const auto& other : *list) bound.push_back(other->ifindex);
  if (policy::interface_in_use(ifindex, bound)) return;
  senders_.erase(ifindex);
  rx_->release(ifindex);
}

// Resolves the instance's interface and VIP devices, and (re)creates what
// depends on the ifindex: the sender, the receive path and its config.
void Daemon::bind_interface(InstanceRuntime& rt) {
  const auto link = links_->find(rt.cfg.interface);
  const int ifindex = link ? link->ifindex : 0;
  if (ifindex != rt.ifindex || !rt.rx_programmed) unbind_interface(rt);
  rt.ifindex = ifindex;
  if (link) rt.mac = link->mac;
  rt.key = packet::make_vrid_key(static_cast<std::uint32_t>(ifindex), rt.cfg.vrid, rt.plan.family);
  refresh_source(rt);
  resolve_vips(rt);
  if (ifindex == 0) return;
  if (!senders_.count(ifindex))
    senders_[ifindex] = std::make_unique<net::AdvertSender>(ifindex, rt.cfg.interface);
  if (!rt.cfg.vmac.empty() && !rt.vmac) {
    rt.vmac = std::make_unique<net::Vmac>(rt.cfg.vmac, ifindex, rt.cfg.interface, rt.cfg.vrid);
    if (!rt.cfg.vmac_xmit_base)
      senders_[rt.vmac->ifindex()] =
          std::make_unique<net::AdvertSender>(rt.vmac->ifindex(), rt.vmac->name());
  }
  rx_->attach(ifindex, rt.cfg.interface);
  program_rx(rt);
  by_key_[pack_vrid_key(rt.key)] = &rt;
  rt.bind_retry.succeeded();
}

// The instance stays in FAULT without a receive path rather than taking the
// whole daemon down. What refused it (an XDP hook another program holds) can
// go away without a link event, so the maintenance tick tries again.
void Daemon::bind_failed(InstanceRuntime& rt, const std::string& why, Nanos now) {
  unbind_interface(rt);
  const Nanos wait = rt.bind_retry.failed(now);
  XLOG_ERROR("(%s) cannot bind to %s: %s; retrying in %lld s", rt.cfg.name.c_str(),
             rt.cfg.interface.c_str(), why.c_str(),
             static_cast<long long>(wait / core::kNanosPerSecond));
}

void Daemon::retry_binds(Nanos now) {
  for (auto& rt : instances_) {
    if (!rt->sm || !rt->bind_retry.pending() || !rt->bind_retry.due(now)) continue;
    if (!links_->find(rt->cfg.interface)) {
      // Gone: its reappearance is a link event, which binds it.
      rt->bind_retry.cancel();
      continue;
    }
    try {
      bind_interface(*rt);
    } catch (const std::exception& e) {
      bind_failed(*rt, e.what(), now);
      continue;
    }
    XLOG_INFO("(%s) bound to %s (ifindex %d)", rt->cfg.name.c_str(), rt->cfg.interface.c_str(),
              rt->ifindex);
    update_tracking(*rt, now);
    if (rt->sm->state() == core::State::Master) install_missing_vips(*rt);
  }
}

void Daemon::on_link(const net::LinkState& link) {
  const Nanos now = clock::monotonic_ns();
  if (static_device(link.name)) sync_statics(true);
  for (auto& rt : instances_) {
    if (!rt->sm) continue;
    const bool own = link.name == rt->cfg.interface;
    bool relevant = own;
    for (const auto& t : rt->cfg.tracked) relevant |= (t.name == link.name);
    for (const auto& v : rt->vips) relevant |= (v.cfg.dev == link.name);
    if (!relevant) continue;
    if (own && !link.exists && rt->ifindex != 0) {
      XLOG_INFO("(%s) interface %s deleted", rt->cfg.name.c_str(), link.name.c_str());
      unbind_interface(*rt);
    } else if (own && link.exists && link.ifindex != rt->ifindex) {
      // A (re)created interface gets a new ifindex: rebind sockets and XDP.
      XLOG_INFO("(%s) interface %s appeared (ifindex %d)", rt->cfg.name.c_str(), link.name.c_str(),
                link.ifindex);
      try {
        bind_interface(*rt);
      } catch (const std::exception& e) {
        bind_failed(*rt, e.what(), now);
      }
    } else if (own && link.exists) {
      rt->mac = link.mac;
    }
    for (auto& v : rt->vips) {
      if (v.cfg.dev != link.name) continue;
      const int ifindex = link.exists ? link.ifindex : 0;
      if (ifindex != v.vip.ifindex) v.installed = false;  // the kernel dropped it with the device
      v.vip.ifindex = ifindex;
    }
    update_tracking(*rt, now);
    if (rt->sm->state() == core::State::Master) install_missing_vips(*rt);
  }
}

}  // namespace xvrrp::daemon
