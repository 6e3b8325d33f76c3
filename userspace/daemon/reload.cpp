// SPDX-License-Identifier: GPL-2.0-or-later
// SIGHUP: apply policy::plan_reload() to the running daemon.
#include <algorithm>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "core/packet.hpp"
#include "daemon/daemon.hpp"
#include "daemon/instance_runtime.hpp"
#include "daemon/system.hpp"
#include "net/link_monitor.hpp"
#include "policy/reload_plan.hpp"

namespace xvrrp::daemon {

using core::Nanos;

// Everything that can fail is done here, before anything running changes:
// the receive tables' capacity is checked, each instance's parameters are
// validated by constructing its state machine, and the senders and receive
// attachments of interfaces no instance uses yet are opened. On failure what
// was opened is released.
bool Daemon::bind_reload_resources(const std::vector<config::Instance>& next, std::string& error) {
  // The receive tables are written after this point; they must have room
  // for everything (stopped instances are removed before new ones are added).
  std::size_t peers = 0;
  for (const config::Instance& cfg : next) peers += cfg.unicast_peers.size();
  if (next.size() > XVRRP_MAX_INSTANCES || peers > XVRRP_MAX_PEERS) {
    error = std::to_string(next.size()) + " instances with " + std::to_string(peers) +
            " unicast peers (at most " + std::to_string(XVRRP_MAX_INSTANCES) + " and " +
            std::to_string(XVRRP_MAX_PEERS) + ")";
    return false;
  }
  std::vector<int> opened;
  try {
    for (const config::Instance& cfg : next) {
      const policy::InstancePlan plan = policy::plan_instance(cfg);
      core::Instance probe(plan.params);
      const auto link = links_->find(cfg.interface);
      if (!link) continue;
      const int ifindex = link->ifindex;
      const bool in_use = std::any_of(instances_.begin(), instances_.end(),
                                      [&](const auto& rt) { return rt->ifindex == ifindex; });
      if (in_use || std::find(opened.begin(), opened.end(), ifindex) != opened.end()) continue;
      opened.push_back(ifindex);
      if (!senders_.count(ifindex))
        senders_[ifindex] = std::make_unique<net::AdvertSender>(ifindex, cfg.interface);
      rx_->attach(ifindex, cfg.interface);
    }
  } catch (const std::exception& e) {
    error = e.what();
    for (int ifindex : opened) release_if_unused(ifindex);
    return false;
  }
  return true;
}

// Applies a config change that keeps the instance's identity (interface,
// VRID, version, family) to the running state machine: it keeps its state,
// so nothing moves unless the new values make the election move.
void Daemon::live_update(InstanceRuntime& rt, const config::Instance& cfg) {
  const Nanos now = clock::monotonic_ns();
  policy::InstancePlan old_plan = std::move(rt.plan);
  rt.plan = policy::plan_instance(cfg);
  if (rt.ifindex != 0) {
    try {
      program_rx(rt);
    } catch (...) {
      rt.plan = std::move(old_plan);
      throw;
    }
  }
  // VIPs that left the config leave the device.
  for (auto& v : rt.vips) {
    const bool kept = std::any_of(cfg.vips.begin(), cfg.vips.end(),
                                  [&](const config::Vip& n) { return n == v.cfg; });
    if (!kept && v.installed && v.vip.ifindex != 0) addresses_->remove(v.vip);
    if (!kept) v.installed = false;
  }
  const bool garp_changed = old_plan.garp.repeat != rt.plan.garp.repeat ||
                            old_plan.garp.delay != rt.plan.garp.delay ||
                            old_plan.garp.refresh != rt.plan.garp.refresh ||
                            old_plan.garp.refresh_repeat != rt.plan.garp.refresh_repeat ||
                            old_plan.garp.interval != rt.plan.garp.interval;
  rt.cfg = cfg;
  rt.adverts.set_content(cfg, rt.plan);
  resolve_vips(rt);
  install_missing_vips(rt);
  if (garp_changed) {
    const bool active = rt.garp.active();
    rt.garp = core::GarpSchedule(rt.plan.garp);
    // A MASTER announces with the new settings from now on.
    if (active) {
      rt.garp.start(now);
      send_garps(rt, rt.garp.due(now));
    }
  }
  refresh_source(rt);
  core::InstanceParams params = rt.plan.params;
  params.primary_ip = rt.sm->params().primary_ip;
  apply(rt, rt.sm->reconfigure(params, now), now);
  update_tracking(rt, now);
  sync_timers(rt);
}

void Daemon::reload() {
  notify_reloading();
  ++reloads_;
  XLOG_INFO("Reloading configuration from %s", options_.config_path.c_str());
  auto fail = [&](const std::string& why) {
    ++reload_failures_;
    XLOG_ERROR("Reload failed, nothing changed: %s", why.c_str());
    notify_ready("reload failed; running the previous configuration");
  };
  config::Config next;
  try {
    next = config::load(options_.config_path, config_.global.router_id);
  } catch (const std::exception& e) {
    fail(e.what());
    return;
  }
  for (const auto& w : next.warnings) XLOG_WARN("%s", w.c_str());
  if (next.global.router_id != config_.global.router_id)
    XLOG_WARN("router_id changed (%s -> %s): takes effect only on restart",
              config_.global.router_id.c_str(), next.global.router_id.c_str());
  next.global.router_id = config_.global.router_id;

  std::string error;
  if (!prepare_check_runners(next.scripts, error) ||
      !bind_reload_resources(next.instances, error)) {
    fail(error);
    return;
  }
  // Before the instances: their tracking reads the new checks.
  reload_checks(next.scripts);

  std::vector<config::Instance> running;
  for (const auto& rt : instances_) running.push_back(rt->cfg);
  const auto plan = policy::plan_reload(running, next.instances);

  std::vector<std::unique_ptr<InstanceRuntime>> kept;
  std::vector<std::unique_ptr<InstanceRuntime>> stopped;
  std::vector<const config::Instance*> to_start;
  std::size_t live = 0, rebuilt = 0, added = 0, removed = 0;
  for (const policy::ReloadItem& item : plan) {
    using Op = policy::ReloadItem::Op;
    const config::Instance* cfg = item.new_index >= 0 ? &next.instances[item.new_index] : nullptr;
    if (item.op != Op::Keep)
      XLOG_INFO("(%s) %s%s%s", item.name.c_str(), policy::op_name(item.op),
                item.changes.empty() ? "" : ": ", policy::describe_changes(item.changes).c_str());
    switch (item.op) {
      case Op::Keep:
        kept.push_back(std::move(instances_[item.old_index]));
        break;
      case Op::LiveUpdate: {
        auto& rt = instances_[item.old_index];
        try {
          live_update(*rt, *cfg);
          ++live;
        } catch (const std::exception& e) {
          ++reload_failures_;
          XLOG_ERROR("(%s) live update failed, keeping its previous settings: %s",
                     item.name.c_str(), e.what());
        }
        kept.push_back(std::move(rt));
        break;
      }
      case Op::Rebuild:
        stopped.push_back(std::move(instances_[item.old_index]));
        to_start.push_back(cfg);
        ++rebuilt;
        break;
      case Op::Remove:
        stopped.push_back(std::move(instances_[item.old_index]));
        ++removed;
        break;
      case Op::Add:
        to_start.push_back(cfg);
        ++added;
        break;
    }
  }
  // Stopped runtimes leave instances_ first, so the interfaces only they
  // used are released (and re-bound by a new instance right after).
  instances_ = std::move(kept);
  for (auto& rt : stopped) stop_instance(*rt);
  stopped.clear();
  for (const config::Instance* cfg : to_start) {
    instances_.push_back(make_runtime(*cfg));
    InstanceRuntime& rt = *instances_.back();
    try {
      bind_interface(rt);
    } catch (const std::exception& e) {
      // Unbound, the instance runs in FAULT; the next link event of its
      // interface binds it again.
      ++reload_failures_;
      XLOG_ERROR("(%s) cannot bind to %s: %s", rt.cfg.name.c_str(), rt.cfg.interface.c_str(),
                 e.what());
      unbind_interface(rt);
    }
    start_instance(rt);
  }
  // Interfaces opened for the reload that no instance ended up using.
  for (auto it = senders_.begin(); it != senders_.end();) {
    const int ifindex = it->first;
    ++it;
    release_if_unused(ifindex);
  }
  config_ = std::move(next);
  XLOG_INFO("Reload done: %zu instance(s): %zu live-updated, %zu rebuilt, %zu added, %zu removed",
            instances_.size(), live, rebuilt, added, removed);
  notify_ready("running " + std::to_string(instances_.size()) + " instance(s), rx " +
               rx_->describe());
}

}  // namespace xvrrp::daemon
