// SPDX-License-Identifier: GPL-2.0-or-later
// The daemon's side of `status`: a snapshot of the running state for
// render_status_json().
#include <unistd.h>

#include <algorithm>
#include <string>
#include <utility>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "daemon/bfd_runtime.hpp"
#include "daemon/check_runtime.hpp"
#include "daemon/daemon.hpp"
#include "daemon/file_runtime.hpp"
#include "daemon/instance_runtime.hpp"
#include "daemon/notify_fifo.hpp"
#include "daemon/process_runtime.hpp"
#include "daemon/status.hpp"
#include "net/link_monitor.hpp"
#include "policy/tracking.hpp"

namespace xvrrp::daemon {

using core::Nanos;

namespace {

// What every tracker shows, from the input the tracking rule reads; `state`
// is the tracker's own word for its health.
TrackerStatus tracker_status(const policy::TrackInput& t, std::string state) {
  const core::CheckEffect e = policy::effect_of(t);
  TrackerStatus ts;
  ts.name = t.name;
  ts.kind = policy::track_kind_name(t.kind);
  ts.state = std::move(state);
  ts.weight = t.weight;
  ts.reverse = t.reverse;
  ts.fault = e.fault;
  ts.delta = e.delta;
  return ts;
}

}  // namespace

DaemonStatus Daemon::snapshot() const {
  const Nanos now = clock::monotonic_ns();
  DaemonStatus s;
  s.router_id = config_.global.router_id;
  s.pid = getpid();
  s.abi_version = XVRRP_ABI_VERSION;
  s.rx = rx_->mode();
  s.rx_detail = rx_->describe();
  s.uptime_s = static_cast<double>(now - started_ns_) / 1e9;
  const auto rejects = rx_->userspace_rejects();
  s.socket_rejects.assign(rejects.begin(), rejects.end());
  s.reloads = reloads_;
  s.reload_failures = reload_failures_;
  s.maintenance = maintenance_;
  // From LinkMonitor's cache, indexed once: a status request must cost neither a netlink
  // round trip nor a walk of every address of the host per VIP (1020 VIPs on one dummy0
  // made that a million comparisons on the event loop).
  const auto addresses = links_->address_index();
  for (const auto& rt : instances_) {
    if (!rt->sm) continue;
    const core::Instance& sm = *rt->sm;
    InstanceStatus in;
    in.name = rt->cfg.name;
    in.interface = rt->cfg.interface;
    in.vrid = rt->cfg.vrid;
    in.version = rt->cfg.version;
    in.accept = rt->cfg.accept;
    in.strict_mode = rt->cfg.strict_mode;
    in.state = core::state_name(sm.state());
    in.base_priority = sm.params().base_priority;
    in.effective_priority = sm.effective_priority();
    if (sm.master_ip()) in.master = sm.master_ip()->to_string();
    in.master_priority = sm.master_priority();
    // Suppressed duplicates only refresh the last-seen record.
    std::optional<Nanos> last_rx = sm.last_advert_rx_ns();
    if (rt->rx_programmed && sm.state() != core::State::Master)
      if (auto seen = rx_->last_seen(rt->key))
        last_rx = std::max(last_rx.value_or(0), static_cast<Nanos>(seen->ts_ns));
    if (last_rx) in.last_advert_age_ms = static_cast<double>(now - *last_rx) / 1e6;
    in.advert_int_ms = unsigned{sm.advert_int_cs()} * 10U;
    in.master_adver_int_ms = unsigned{sm.master_adver_int_cs()} * 10U;
    in.transitions = sm.transitions();
    for (const auto& v : rt->vips) {
      const bool present =
          v.vip.ifindex != 0 && std::binary_search(addresses.begin(), addresses.end(),
                                                   std::make_pair(v.vip.ifindex, v.vip.addr));
      in.vips.push_back(
          {v.vip.addr.to_string() + "/" + std::to_string(v.vip.prefix_len), v.cfg.dev, present});
    }
    for (const auto& r : rt->cfg.virtual_routes) {
      bool on = false;
      for (const auto& [spec, ifindex] : rt->routes_installed) on |= spec == r;
      in.routes.emplace_back(config::to_string(r), on);
    }
    for (const auto& r : rt->cfg.virtual_rules) {
      bool on = false;
      for (const auto& spec : rt->rules_installed) on |= spec == r;
      in.rules.emplace_back(config::to_string(r), on);
    }
    for (const auto& t : rt->cfg.tracked) {
      const auto link = links_->find(t.name);
      in.tracked.push_back({t.name, link && link->up(), t.weight});
    }
    auto is_up = [&](const std::string& name) {
      const auto link = links_->find(name);
      return link && link->up();
    };
    for (const policy::TrackInput& t : policy::interface_inputs(rt->cfg, is_up))
      in.trackers.push_back(tracker_status(t, t.healthy ? "UP" : "DOWN"));
    for (const auto& t : rt->cfg.track_scripts) {
      const CheckRuntime* c = find_check(t.script.name);
      const core::CheckState state = c ? c->check.state() : core::CheckState::Init;
      TrackerStatus ts =
          tracker_status(policy::script_input(t, state), core::check_state_name(state));
      if (c && c->check.last_outcome() != core::RunOutcome::None) {
        ts.last_result = core::run_outcome_name(c->check.last_outcome());
        ts.last_result_age_s = static_cast<double>(now - c->check.last_outcome_at()) / 1e9;
        if (c->last_exit_code >= 0) ts.last_exit_code = c->last_exit_code;
      }
      if (c) {
        ts.runs = c->check.runs();
        ts.skipped = c->check.skipped();
      }
      in.trackers.push_back(std::move(ts));
    }
    for (const auto& t : rt->cfg.track_files) {
      const FileTracker* f = find_file(t.file.name);
      const policy::TrackInput fi = policy::file_input(t, f ? f->value : 0);
      TrackerStatus ts = tracker_status(fi, policy::effect_of(fi).fault ? "KO" : "OK");
      ts.value = fi.value;
      ts.path = t.file.path;
      if (f) {
        ts.runs = f->reads;
        ts.last_result_age_s = static_cast<double>(now - f->read_at) / 1e9;
      }
      in.trackers.push_back(std::move(ts));
    }
    for (const auto& t : rt->cfg.track_processes) {
      const ProcessTracker* p = find_process(t.process.name);
      const bool up = p != nullptr && p->quorum.up();
      TrackerStatus ts = tracker_status(policy::process_input(t, up), up ? "UP" : "DOWN");
      if (p) {
        ts.value = static_cast<std::int64_t>(p->quorum.count());
        if (p->changed_at != 0)
          ts.last_result_age_s = static_cast<double>(now - p->changed_at) / 1e9;
      }
      in.trackers.push_back(std::move(ts));
    }
    if (!rt->cfg.sync_group.empty()) in.sync_group = rt->cfg.sync_group;
    in.priority_delta = sm.priority_delta();
    in.tracking_fault = sm.faulted();
    in.adverts_sent = rt->adverts_sent;
    in.adverts_received = rt->adverts_received;
    in.priority_zero_sent = rt->priority_zero_sent;
    in.garps_sent = rt->garps_sent;
    if (rt->near_miss.max_gap_ns > 0)
      in.max_advert_gap_ms = static_cast<double>(rt->near_miss.max_gap_ns) / 1e6;
    in.max_gap_share_pct = rt->near_miss.max_gap_share_pct();
    in.near_misses = rt->near_miss.near_misses;
    in.max_send_late_ms = static_cast<double>(rt->near_miss.max_send_late_ns) / 1e6;
    in.max_wake_late_ms = static_cast<double>(rt->near_miss.max_wake_late_ns) / 1e6;
    in.down_timer_extensions = rt->down_guard.extensions();
    in.master_down_interval_ms = static_cast<double>(sm.master_down_interval()) / 1e6;
    in.master_bfd = rt->cfg.master_bfd;
    in.bfd_takeovers = rt->bfd_takeovers;
    in.bfd_contradictions = rt->bfd_contradictions;
    if (rt->hmac) {
      const auto& hs = rt->hmac->settings();
      HmacStatus h;
      h.mode = core::auth_hmac::mode_name(hs.mode);
      h.active_key = hs.active_key;
      for (const auto& k : hs.keys) h.key_ids.push_back(k.id);
      h.time_window_s = rt->hmac->time_window();
      for (std::size_t r = 0; r < core::auth_hmac::kResultCount; ++r)
        h.results.emplace_back(
            core::auth_hmac::result_name(static_cast<core::auth_hmac::Result>(r)),
            rt->hmac_counts[r]);
      in.auth_hmac = std::move(h);
    }
    in.maintenance = sm.maintenance();
    in.preempt_held = sm.preempt_held();
    in.start = rt->start_verdict;
    in.keeps_found_vips = rt->keeps_found_vips;
    if (rt->handover) {
      const HandoverRecord& h = *rt->handover;
      in.last_handover = HandoverStatus{h.id, h.result, static_cast<double>(now - h.began_ns) / 1e6,
                                        h.gap_ms, h.new_master};
    }
    for (const auto& t : rt->cfg.track_bfds) {
      const policy::TrackInput input = policy::bfd_input(t, bfd_ && bfd_->up(t.name));
      in.trackers.push_back(tracker_status(input, input.healthy ? "UP" : "DOWN"));
    }
    s.instances.push_back(std::move(in));
  }
  for (const auto& g : config_.sync_groups) {
    SyncGroupStatus gs;
    gs.name = g.name;
    gs.members = g.members;
    gs.tracking_weight = g.tracking_weight;
    const auto it = group_states_.find(g.name);
    gs.state = it != group_states_.end() && it->second ? core::state_name(*it->second) : "INIT";
    s.sync_groups.push_back(std::move(gs));
  }
  if (bfd_) {
    s.bfd_sessions = bfd_->status(now);
    s.bfd_drops = bfd_->counters();
  }
  s.notify_fifo_dropped = fifos_ ? fifos_->dropped() : 0;
  s.log_lines_dropped = log::dropped_lines();
  s.send_lateness.count = send_lateness_.count();
  s.send_lateness.sum_ms = static_cast<double>(send_lateness_.sum_ns()) / 1e6;
  for (std::size_t b = 0; b < policy::LatenessHistogram::kUpperNs.size(); ++b) {
    s.send_lateness.buckets.push_back(
        {static_cast<double>(policy::LatenessHistogram::kUpperNs[b]) / 1e6,
         send_lateness_.cumulative(b)});
  }
  return s;
}

}  // namespace xvrrp::daemon
