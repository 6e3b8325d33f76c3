// SPDX-License-Identifier: GPL-2.0-or-later
// InstancePlan: what one vrrp_instance of the configuration means for the
// running daemon, computed once from config::Instance and nothing else: the
// state machine's parameters, the GARP schedule, the receive filter's
// per-VRID config and peers, where adverts go and with which TTL, and the VIP
// set. Pure: no sockets, no libbpf, no clock.
//
// Receive TTL rule (what the XDP program and the socket validator check):
//  - multicast: TTL / hop limit must be 255 (RFC 3768 §7.1, RFC 5798 §7.1);
//  - unicast: any TTL is accepted, as keepalived does (it checks the TTL of
//    multicast adverts only; its IPv6 unicast adverts leave with a hop limit
//    below 255), unless a unicast_peer gives min_ttl/max_ttl: then adverts
//    from that peer must arrive with a TTL inside the range (checked per
//    peer, xvrrp_peer_value; the VRID's own range is the hull of its peers').
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/ip_address.hpp"
#include "config/config.hpp"
#include "core/garp_schedule.hpp"
#include "core/vrrp_instance.hpp"
#include "xvrrp/abi.h"

namespace xvrrp::policy {

/// One unicast peer with the TTL range its adverts must arrive with.
struct PeerPlan {
  IpAddress addr;
  std::uint8_t min_ttl = 0;
  std::uint8_t max_ttl = 255;
  friend bool operator==(const PeerPlan&, const PeerPlan&) = default;
};

/// A VIP as configured; `dev` is the device name (resolved to an ifindex by
/// the daemon, which may find it missing).
struct VipPlan {
  IpAddress addr;
  std::uint8_t prefix_len = 0;
  std::string dev;
  bool advertised = true;
  friend bool operator==(const VipPlan&, const VipPlan&) = default;
};

struct InstancePlan {
  /// primary_ip is left empty: it comes from the interface at run time.
  core::InstanceParams params;
  core::GarpParams garp;
  /// AF_INET or AF_INET6.
  int family = AF_INET;
  /// xvrrp_vrid_config for this instance. XVRRP_CFG_SUPPRESS_DUPS is not set
  /// here: it belongs to the receive path (only XDP keeps a last-seen record).
  xvrrp_vrid_config vrid_config{};
  /// Empty for a multicast instance.
  std::vector<PeerPlan> peers;
  /// The multicast group (224.0.0.18 / ff02::12), or every unicast peer.
  std::vector<IpAddress> destinations;
  /// TTL / hop limit of the adverts we send: 255 for multicast, unicast_ttl
  /// for unicast.
  std::uint8_t send_ttl = XVRRP_TTL;
  /// Addresses carried in adverts (virtual_ipaddress, not _excluded).
  std::vector<IpAddress> advertised;
  /// Every VIP, advertised first, in config order.
  std::vector<VipPlan> vips;
  /// no_accept below the address owner (RFC 5798 §6.1: Accept_Mode false, priority < 255):
  /// while MASTER its VIPs are in the no_accept filter (net/vip_filter.hpp).
  bool filter_vips = false;

  [[nodiscard]] bool multicast() const { return peers.empty(); }
};

/// Builds the plan. Never fails on a config that config::load() accepted.
InstancePlan plan_instance(const config::Instance& cfg);

/// The VRID-wide TTL range (xvrrp_vrid_config.min_ttl/max_ttl): 255..255 for
/// multicast; for unicast the hull of the peers' ranges (0..255 as soon as
/// one peer gives none). Each peer's own range is enforced per peer.
void fill_ttl_range(const std::vector<PeerPlan>& peers, xvrrp_vrid_config& out);

/// The addresses the no_accept filter must hold: every VIP of each plan that filters its
/// VIPs and whose runtime wants them (MASTER, or a handover's linger), once each.
std::vector<IpAddress> filtered_addresses(
    const std::vector<std::pair<const InstancePlan*, bool>>& plans_wanting);

/// Whether `addr` is one of the plan's VIPs (never an advert source).
bool is_vip(const InstancePlan& plan, const IpAddress& addr);

/// The xvrrp_vips keys of the plan's VIPs on the instance's interface `ifindex`
/// (abi.h, "Neighbour fence"): every VIP, advertised or excluded, once, each with
/// its own address family.
std::vector<xvrrp_vip_key> fence_keys(const InstancePlan& plan, std::uint32_t ifindex);

/// The daemon silence after which the fence may withhold the host's answers for
/// the plan's VIPs, ns: XVRRP_FENCE_PEER_ADVERTS of its own advert intervals, the
/// soonest a peer that stopped hearing it can take over (RFC 5798 §6.1:
/// Master_Down_Interval = 3 x Master_Adver_Interval + Skew_Time).
std::uint64_t fence_after_ns(const InstancePlan& plan);

}  // namespace xvrrp::policy
