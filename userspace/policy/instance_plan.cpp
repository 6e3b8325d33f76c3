// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/instance_plan.hpp"

#include <algorithm>
#include <cstring>

#include "common/abi_convert.hpp"
#include "core/packet.hpp"

namespace xvrrp::policy {

void fill_ttl_range(const std::vector<PeerPlan>& peers, xvrrp_vrid_config& out) {
  if (peers.empty()) {
    out.min_ttl = XVRRP_TTL;
    out.max_ttl = XVRRP_TTL;
    return;
  }
  // The hull of the peers' ranges; each peer's own range is checked per peer.
  out.min_ttl = 255;
  out.max_ttl = 0;
  for (const PeerPlan& p : peers) {
    out.min_ttl = std::min(out.min_ttl, p.min_ttl);
    out.max_ttl = std::max(out.max_ttl, p.max_ttl);
  }
}

InstancePlan plan_instance(const config::Instance& cfg) {
  InstancePlan plan;
  core::InstanceParams& p = plan.params;
  p.name = cfg.name;
  p.vrid = cfg.vrid;
  p.version = cfg.version;
  p.base_priority = cfg.priority;
  p.advert_int_cs = cfg.advert_int_cs;
  p.preempt = cfg.preempt;
  p.preempt_delay = cfg.preempt_delay_ns;
  p.instant_takeover = cfg.instant_takeover;
  p.down_timer_adverts = cfg.down_timer_adverts;
  p.lower_prio_no_advert = cfg.lower_prio_no_advert;
  p.higher_prio_send_advert = cfg.higher_prio_send_advert;
  plan.filter_vips = !cfg.accept && cfg.priority != 255;

  plan.garp.repeat = static_cast<int>(cfg.garp_master_repeat);
  plan.garp.delay = static_cast<core::Nanos>(cfg.garp_master_delay_ms) * 1'000'000;
  plan.garp.refresh = static_cast<core::Nanos>(cfg.garp_master_refresh_ms) * 1'000'000;
  plan.garp.refresh_repeat = static_cast<int>(cfg.garp_master_refresh_repeat);
  plan.garp.interval = static_cast<core::Nanos>(cfg.garp_interval_ms) * 1'000'000;

  plan.family = cfg.family();

  xvrrp_vrid_config& vc = plan.vrid_config;
  vc.version = cfg.version;
  vc.auth_type = cfg.version == 2 ? cfg.auth_type : XVRRP_AUTH_NONE;
  vc.advert_int_cs = cfg.advert_int_cs;
  std::memcpy(vc.auth_pass, cfg.auth_pass.data(), sizeof vc.auth_pass);

  for (const auto& peer : cfg.unicast_peers)
    plan.peers.push_back(PeerPlan{peer.addr, peer.min_ttl, peer.max_ttl});
  if (!plan.peers.empty()) vc.flags |= XVRRP_CFG_UNICAST | XVRRP_CFG_CHECK_PEER;
  fill_ttl_range(plan.peers, vc);
  if (cfg.auth_hmac) {
    vc.flags |= XVRRP_CFG_AUTH_HMAC;
    if (cfg.auth_hmac->mode == core::auth_hmac::Mode::Enforce) vc.flags |= XVRRP_CFG_HMAC_REQUIRED;
  }

  if (plan.peers.empty()) {
    plan.destinations.push_back(plan.family == AF_INET6 ? packet::vrrp_multicast_v6()
                                                        : packet::vrrp_multicast_v4());
    plan.send_ttl = XVRRP_TTL;
  } else {
    for (const PeerPlan& peer : plan.peers) plan.destinations.push_back(peer.addr);
    plan.send_ttl = cfg.unicast_ttl;
  }

  for (const auto& vip : cfg.vips) {
    if (vip.advertised) plan.advertised.push_back(vip.addr);
    plan.vips.push_back(VipPlan{vip.addr, vip.prefix_len, vip.dev, vip.advertised});
  }
  return plan;
}

bool is_vip(const InstancePlan& plan, const IpAddress& addr) {
  return std::any_of(plan.vips.begin(), plan.vips.end(),
                     [&](const VipPlan& v) { return v.addr == addr; });
}

std::vector<xvrrp_vip_key> fence_keys(const InstancePlan& plan, std::uint32_t ifindex) {
  std::vector<xvrrp_vip_key> out;
  out.reserve(plan.vips.size());
  for (const VipPlan& v : plan.vips) {
    xvrrp_vip_key key{};
    key.ifindex = ifindex;
    key.family = to_abi_family(v.addr.family);
    to_abi(v.addr, key.addr);
    const bool seen = std::any_of(out.begin(), out.end(), [&](const xvrrp_vip_key& k) {
      return std::memcmp(&k, &key, sizeof key) == 0;
    });
    if (!seen) out.push_back(key);
  }
  return out;
}

std::uint64_t fence_after_ns(const InstancePlan& plan) {
  return std::uint64_t{plan.params.advert_int_cs} * 10'000'000ULL * XVRRP_FENCE_PEER_ADVERTS;
}

std::vector<IpAddress> filtered_addresses(
    const std::vector<std::pair<const InstancePlan*, bool>>& plans_wanting) {
  std::vector<IpAddress> out;
  for (const auto& [plan, wanting] : plans_wanting) {
    if (!wanting || !plan->filter_vips) continue;
    for (const auto& v : plan->vips)
      if (std::find(out.begin(), out.end(), v.addr) == out.end()) out.push_back(v.addr);
  }
  return out;
}

}  // namespace xvrrp::policy
