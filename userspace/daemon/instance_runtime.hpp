// SPDX-License-Identifier: GPL-2.0-or-later
// The daemon's per-instance state (private to daemon.cpp and reload.cpp):
// the config and its plan, the state machine, timers, the bound interface,
// VIPs and counters. Owned by Daemon::instances_.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/garp_schedule.hpp"
#include "core/timer_heap.hpp"
#include "core/vrrp_instance.hpp"
#include "daemon/daemon.hpp"
#include "net/address_manager.hpp"
#include "net/advert_sender.hpp"
#include "net/proxy_ndp.hpp"
#include "net/vmac.hpp"
#include "policy/advert_cache.hpp"
#include "policy/down_guard.hpp"
#include "policy/hmac_advert.hpp"
#include "policy/instance_plan.hpp"
#include "policy/resume.hpp"
#include "policy/rules.hpp"

namespace xvrrp::daemon {

static_assert(policy::AdvertCache::kMaxMessage == net::AdvertSender::kMaxMessage);

/// The last on-demand handover of an instance (`xvrrpctl handover`, maintenance on).
struct HandoverRecord {
  std::uint64_t id = 0;  ///< Daemon-wide sequence number, returned by the command.
  core::Nanos began_ns = 0;
  /// "pending", "done" (Backup, a new master heard), "abandoned" (the bound expired, still
  /// MASTER), "interrupted" (left MASTER another way: fault, stop).
  std::string result;
  std::optional<double> gap_ms;  ///< priority 0 sent -> the new master's advert received
  std::optional<std::string> new_master;
};

struct Daemon::InstanceRuntime {
  struct VipRuntime {
    config::Vip cfg;
    net::Vip vip;
    bool installed = false;  // added by us and not seen removed since
    // IPv6 VIP on another device while MASTER: answers NS on the VRRP interface.
    std::unique_ptr<net::ProxyNdpEntry> proxy;
  };
  std::uint64_t id = 0;
  config::Instance cfg;
  policy::InstancePlan plan;
  std::unique_ptr<core::Instance> sm;
  /// use_vmac: the macvlan on cfg.interface (made by bind_interface, deleted by unbind).
  std::unique_ptr<net::Vmac> vmac;
  core::GarpSchedule garp;
  core::TimerId sm_timer = 0;
  core::TimerId garp_timer = 0;
  int ifindex = 0;  // of cfg.interface; 0 while it does not exist
  std::array<std::uint8_t, 6> mac{};
  xvrrp_vrid_key key{};
  std::optional<IpAddress> src_ip;
  std::vector<VipRuntime> vips;
  bool want_vips = false;  // MASTER: every VIP belongs on its device
  // virtual_routes / virtual_rules added by us (with the ifindex of their dev), in the
  // order added: removed in reverse, and on a reload those no longer configured.
  std::vector<std::pair<config::RouteSpec, int>> routes_installed;
  std::vector<config::RuleSpec> rules_installed;
  bool rx_programmed = false;
  /// Where adverts leave: the macvlan, unless vmac_xmit_base or none.
  [[nodiscard]] int send_ifindex() const {
    return vmac && !cfg.vmac_xmit_base ? vmac->ifindex() : ifindex;
  }
  /// The MAC gratuitous ARPs announce the VIPs with: the virtual router MAC with use_vmac.
  [[nodiscard]] const std::array<std::uint8_t, 6>& announce_mac() const {
    return vmac ? vmac->mac() : mac;
  }
  /// Its own tracking says FAULT (before its sync group holds the others).
  bool own_fault = false;
  /// own_fault with its interface, or a tracked one carrying a VIP, among the causes: a
  /// MASTER then cannot hand over make-before-break (core::FaultCause::LinkDown).
  bool own_link_down = false;
  /// Went MASTER -> BACKUP by itself; its sync group follows (policy/sync_group.hpp).
  bool left_master = false;
  policy::AdvertCache adverts;
  /// auth_hmac (hmac.cpp): signs what it sends, verifies what it receives.
  std::unique_ptr<core::auth_hmac::Authenticator> hmac;
  policy::HmacCounts hmac_counts{};
  policy::RateLimit hmac_log{10 * core::kNanosPerSecond};
  policy::AdvertSummary last_accepted;
  std::uint64_t adverts_sent = 0, adverts_received = 0, garps_sent = 0, priority_zero_sent = 0;
  /// master_bfd: takeovers done, and Downs refused because adverts still arrived.
  std::uint64_t bfd_takeovers = 0, bfd_contradictions = 0;
  policy::RateLimit reclaim{core::kNanosPerSecond};
  policy::RateLimit no_source_log{10 * core::kNanosPerSecond};
  /// A failed bind of its interface, tried again from the maintenance tick (1 s, doubling to 32 s).
  policy::RetryBackoff bind_retry{core::kNanosPerSecond, 32 * core::kNanosPerSecond};
  // Reload make-before-break (policy/reload_plan.hpp). A retiring runtime lives in
  // Daemon::retiring_ and keeps its VIPs until retire_verdict() releases it; a deferred one
  // is in instances_ without a state machine until the retiring holder of its key is gone.
  bool retiring = false;
  bool deferred = false;
  core::Nanos retire_began = 0;
  core::Nanos retire_deadline = core::kNever;
  std::uint64_t successor_id = 0;  // the Rebuild's new runtime (by_id_), 0 for a Remove
  // Crash resume (policy/resume.hpp): its record in Daemon::resume_, the start-up verdict, and
  // whether VIPs a killed predecessor left stay until a master is heard.
  std::uint32_t resume_slot = UINT32_MAX;
  policy::ResumeAction resume_action = policy::ResumeAction::Clean;
  bool keeps_found_vips = false;
  const char* start_verdict = "clean";  // policy::resume_action_name() at start-up
  std::optional<HandoverRecord> handover;
  // A busy host (near_miss.cpp): the quiet-path rule at down-timer expiry, the near-miss
  // record, and the schedule of the periodic advert queued this loop turn (send lateness).
  policy::DownGuard down_guard;
  policy::NearMiss near_miss;
  policy::RateLimit near_miss_log{10 * core::kNanosPerSecond};
  policy::RateLimit late_log{10 * core::kNanosPerSecond};
  core::Nanos advert_scheduled_ns = 0;
  core::Nanos prev_reported_rx_ns = 0;  // the previous reported advert, for gaps
};

}  // namespace xvrrp::daemon
