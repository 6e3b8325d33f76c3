// SPDX-License-Identifier: GPL-2.0-or-later
// SIGHUP: apply policy::plan_reload() to the running daemon.
#include <algorithm>

#include "common/abi_convert.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"
#include "core/packet.hpp"
#include "daemon/bfd_runtime.hpp"
#include "daemon/config_loader.hpp"
#include "daemon/daemon.hpp"
#include "daemon/instance_runtime.hpp"
#include "daemon/notify_fifo.hpp"
#include "daemon/system.hpp"
#include "net/link_monitor.hpp"
#include "policy/notify_fifo.hpp"
#include "policy/reload_plan.hpp"

namespace xvrrp::daemon {

using core::Nanos;

// Everything that can fail is done here, before anything running changes:
// the receive tables' capacity is checked, each instance's parameters are
// validated by constructing its state machine, and the senders and receive
// attachments of interfaces no instance uses yet are opened. On failure what
// was opened is released.
bool Daemon::bind_reload_resources(const std::vector<config::Instance>& next,
                                   std::size_t retiring_instances, std::size_t retiring_peers,
                                   std::string& error) {
  // The receive tables are written after this point; they must have room
  // for everything (stopped instances are removed before new ones are added,
  // retiring ones keep their entries until they are released).
  std::size_t peers = 0;
  for (const config::Instance& cfg : next) peers += cfg.unicast_peers.size();
  if (auto problem =
          policy::capacity_problem(next.size(), peers, retiring_instances, retiring_peers,
                                   map_sizes_.instances, map_sizes_.peers)) {
    error = *problem + ": the receive tables were sized at start; restart xvrrpd to grow them";
    return false;
  }
  if (auto problem = policy::ring_burst_problem(map_sizes_, next.size()))
    XLOG_WARN("%s; it was sized at start: restart xvrrpd to size it for this configuration",
              problem->c_str());
  std::vector<int> opened;
  try {
    for (const config::Instance& cfg : next) {
      const policy::InstancePlan plan = policy::plan_instance(cfg);
      core::Instance probe(plan.params);
      const auto link = links_->find(cfg.interface);
      if (!link) continue;
      const int ifindex = link->ifindex;
      std::vector<int> bound;
      for (const auto* list : {&instances_, &retiring_})
        for (const auto& rt : *list) bound.push_back(rt->ifindex);
      const bool in_use = policy::interface_in_use(ifindex, bound);
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
  // VIPs that left the config leave the device, unless another runtime serves them.
  const std::vector<policy::HeldAddress> serving = serving_addresses(rt);
  for (auto& v : rt.vips) {
    const bool kept = std::any_of(cfg.vips.begin(), cfg.vips.end(),
                                  [&](const config::Vip& n) { return n == v.cfg; });
    const bool shared =
        !policy::addresses_to_remove({{v.vip.ifindex, v.vip.addr, v.vip.prefix_len}}, serving)[0];
    if (!kept && v.installed && v.vip.ifindex != 0 && !shared) addresses_->remove(v.vip);
    if (!kept) v.installed = false;
  }
  const bool garp_changed = old_plan.garp.repeat != rt.plan.garp.repeat ||
                            old_plan.garp.delay != rt.plan.garp.delay ||
                            old_plan.garp.refresh != rt.plan.garp.refresh ||
                            old_plan.garp.refresh_repeat != rt.plan.garp.refresh_repeat ||
                            old_plan.garp.interval != rt.plan.garp.interval;
  rt.cfg = cfg;
  rt.adverts.set_content(cfg, rt.plan);
  set_hmac(rt);
  resolve_vips(rt);
  // New VIPs or a changed accept mode: filtered before they are added.
  sync_vip_filter();
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
  const std::uint8_t before = rt.sm->effective_priority();
  apply(rt, rt.sm->reconfigure(params, now), now);
  note_priority_change(rt, before);
  update_tracking(rt, now);
  sync_timers(rt);
}

void Daemon::request_reload() {
  try {
    if (!loader_->request(options_.config_path, config_.global.router_id, config_.global)) {
      XLOG_DEBUG("SIGHUP during a reload: the configuration is read again after it");
      return;
    }
  } catch (const std::exception& e) {
    ++reloads_;
    fail_reload(e.what());
    return;
  }
  notify_reloading();
  XLOG_INFO("Reloading configuration from %s", options_.config_path.c_str());
}

void Daemon::on_config_loaded() {
  std::optional<ConfigLoader::Result> done = loader_->take();
  if (!done) return;
  if (stopping_) {
    XLOG_INFO("Reload not applied: shutting down");
    return;
  }
  ++reloads_;
  // Kept across reloads: a runner made for a user stays for the daemon's life.
  for (auto& entry : done->script_users) script_users_.insert_or_assign(entry.first, entry.second);
  if (done->config)
    apply_reload(std::move(*done->config), done->seconds);
  else
    fail_reload(done->error);
  // Signalled while it ran: the files may have changed after they were read.
  if (done->again && !stopping_) request_reload();
}

void Daemon::fail_reload(const std::string& why) {
  ++reload_failures_;
  XLOG_ERROR("Reload failed, nothing changed: %s", why.c_str());
  notify_ready("reload failed; running the previous configuration");
}

void Daemon::apply_reload(config::Config next, double parse_seconds) {
  for (const auto& w : next.warnings) XLOG_WARN("%s", w.c_str());
  if (next.global.router_id != config_.global.router_id)
    XLOG_WARN("router_id changed (%s -> %s): takes effect only on restart",
              config_.global.router_id.c_str(), next.global.router_id.c_str());
  next.global.router_id = config_.global.router_id;
  // Created, chowned and opened before the capability drop (notify_fifo.hpp).
  if (next.global.notify_fifo != config_.global.notify_fifo ||
      next.global.vrrp_notify_fifo != config_.global.vrrp_notify_fifo)
    XLOG_WARN("notify_fifo / vrrp_notify_fifo changed: takes effect only on restart");
  next.global.notify_fifo = config_.global.notify_fifo;
  next.global.vrrp_notify_fifo = config_.global.vrrp_notify_fifo;

  std::vector<config::Instance> running;
  for (const auto& rt : instances_) running.push_back(rt->cfg);
  const auto plan = policy::plan_reload(running, next.instances);
  using Op = policy::ReloadItem::Op;
  auto departure = [&](const InstanceRuntime& rt) {
    return rt.sm ? policy::departure_for(rt.sm->state(), rt.sm->handing_over())
                 : policy::Departure::Stop;
  };

  // Room in the receive tables for the runtimes that will still hold their
  // keys: those retiring now or from an earlier reload, unless a new instance
  // reuses the key (it then waits for the release).
  std::vector<std::uint64_t> next_keys;
  for (const config::Instance& cfg : next.instances) next_keys.push_back(receive_key_of(cfg));
  std::size_t retiring_instances = 0, retiring_peers = 0;
  auto count_retiring = [&](const InstanceRuntime& rt) {
    if (!rt.rx_programmed || policy::defer_start(pack_vrid_key(rt.key), next_keys)) return;
    ++retiring_instances;
    retiring_peers += rt.cfg.unicast_peers.size();
  };
  for (const auto& rt : retiring_) count_retiring(*rt);
  for (const policy::ReloadItem& item : plan)
    if ((item.op == Op::Remove || item.op == Op::Rebuild) &&
        departure(*instances_[item.old_index]) == policy::Departure::Retire)
      count_retiring(*instances_[item.old_index]);

  std::string error;
  BfdRuntime::PlanPtr bfd_plan;
  try {
    bfd_plan = bfd_->prepare(next.bfd_instances);
  } catch (const std::exception& e) {
    fail_reload(e.what());
    return;
  }
  if (!prepare_check_runners(next.scripts, error) ||
      !bind_reload_resources(next.instances, retiring_instances, retiring_peers, error)) {
    fail_reload(error);
    return;
  }
  // Before the instances: their tracking reads the new checks and BFD sessions.
  bfd_->commit(std::move(bfd_plan), clock::monotonic_ns());
  reload_checks(next.scripts);
  if (fifos_) fifos_->begin_reload();

  struct Start {
    const config::Instance* cfg;
    InstanceRuntime* retiring;  // the runtime this one succeeds (Rebuild of a MASTER)
  };
  std::vector<std::unique_ptr<InstanceRuntime>> kept;
  std::vector<std::unique_ptr<InstanceRuntime>> stopped;
  std::vector<std::unique_ptr<InstanceRuntime>> retiring;
  std::vector<Start> to_start;
  std::size_t live = 0, rebuilt = 0, added = 0, removed = 0;
  for (const policy::ReloadItem& item : plan)
    if (item.op != Op::Keep)
      XLOG_INFO("(%s) %s%s%s", item.name.c_str(), policy::op_name(item.op),
                item.changes.empty() ? "" : ": ", policy::describe_changes(item.changes).c_str());
  // Live updates first, while instances_ is whole: an update reads the other
  // runtimes (shared addresses, proxy entries, sync groups, tracking).
  for (const policy::ReloadItem& item : plan) {
    if (item.op != Op::LiveUpdate) continue;
    InstanceRuntime& rt = *instances_[item.old_index];
    if (rt.deferred) continue;
    try {
      live_update(rt, next.instances[item.new_index]);
      ++live;
    } catch (const std::exception& e) {
      ++reload_failures_;
      XLOG_ERROR("(%s) live update failed, keeping its previous settings: %s", item.name.c_str(),
                 e.what());
    }
  }
  for (const policy::ReloadItem& item : plan) {
    const config::Instance* cfg = item.new_index >= 0 ? &next.instances[item.new_index] : nullptr;
    std::unique_ptr<InstanceRuntime> none;
    auto& rt = item.old_index >= 0 ? instances_[item.old_index] : none;
    switch (item.op) {
      case Op::Keep:
      case Op::LiveUpdate:
        // Not started yet (waiting for a retiring key): started from the new config.
        if (rt->deferred) {
          stopped.push_back(std::move(rt));
          to_start.push_back({cfg, nullptr});
          break;
        }
        kept.push_back(std::move(rt));
        break;
      case Op::Rebuild:
      case Op::Remove: {
        InstanceRuntime* successor_of = nullptr;
        if (departure(*rt) == policy::Departure::Retire) {
          successor_of = rt.get();
          retiring.push_back(std::move(rt));
        } else {
          stopped.push_back(std::move(rt));
        }
        if (item.op == Op::Rebuild) {
          to_start.push_back({cfg, successor_of});
          ++rebuilt;
        } else {
          ++removed;
        }
        break;
      }
      case Op::Add:
        to_start.push_back({cfg, nullptr});
        ++added;
        break;
    }
  }
  const Nanos now = clock::monotonic_ns();
  // Retiring runtimes resign first and keep their interface, key and VIPs;
  // stopped ones leave instances_ so the interfaces only they used are
  // released (and re-bound by a new instance right after).
  instances_ = std::move(kept);
  for (auto& rt : retiring) retire(std::move(rt), now);
  for (auto& rt : stopped) stop_instance(*rt);
  stopped.clear();
  const std::vector<std::uint64_t> held = retiring_keys();
  for (const Start& s : to_start) {
    instances_.push_back(make_runtime(*s.cfg));
    InstanceRuntime& rt = *instances_.back();
    if (policy::defer_start(receive_key_of(*s.cfg), held)) {
      rt.deferred = true;
      XLOG_INFO("(%s) starts once the retiring instance on the same VRID is released",
                rt.cfg.name.c_str());
    } else {
      bind_and_start(rt);
    }
    if (s.retiring == nullptr) continue;
    s.retiring->successor_id = rt.id;
    const std::optional<Nanos> successor_mdi =
        rt.sm ? std::optional<Nanos>(rt.sm->master_down_interval()) : std::nullopt;
    s.retiring->retire_deadline = policy::retire_hard_deadline(
        s.retiring->retire_began, s.retiring->sm->master_down_interval(), successor_mdi);
  }
  // Interfaces opened for the reload that no instance ended up using.
  for (auto it = senders_.begin(); it != senders_.end();) {
    const int ifindex = it->first;
    ++it;
    release_if_unused(ifindex);
  }
  config_ = std::move(next);
  enable_realtime();  // a reload may add or remove the last sub-second interval
  sync_statics(true);
  if (fifos_) {
    std::vector<policy::FifoStateEntry> states;
    for (const auto& rt : instances_) {
      const auto word = rt->sm ? policy::fifo_state_word(rt->sm->state()) : std::nullopt;
      states.push_back({false, rt->cfg.name, word.value_or(std::string_view()),
                        rt->sm ? rt->sm->effective_priority() : 0});
    }
    for (const auto& g : config_.sync_groups) {
      const auto it = group_states_.find(g.name);
      const auto word = it != group_states_.end() && it->second
                            ? policy::fifo_state_word(*it->second)
                            : std::nullopt;
      states.push_back({true, g.name, word.value_or(std::string_view()), 0});
    }
    fifos_->end_reload(states, config_.global.fifo_write_vrrp_states_on_reload);
  }
  XLOG_INFO(
      "Reload done: %zu instance(s): %zu live-updated, %zu rebuilt, %zu added, %zu removed, %zu "
      "handing over (configuration read in %.3f s off the loop)",
      instances_.size(), live, rebuilt, added, removed, retiring_.size(), parse_seconds);
  release_free_heap();
  notify_ready("running " + std::to_string(instances_.size()) + " instance(s), rx " +
               rx_->describe());
}

std::uint64_t Daemon::receive_key_of(const config::Instance& cfg) const {
  const auto link = links_->find(cfg.interface);
  if (!link) return 0;
  return pack_vrid_key(packet::make_vrid_key(static_cast<std::uint32_t>(link->ifindex), cfg.vrid,
                                             policy::plan_instance(cfg).family));
}

std::vector<std::uint64_t> Daemon::retiring_keys() const {
  std::vector<std::uint64_t> keys;
  for (const auto& rt : retiring_)
    if (rt->rx_programmed) keys.push_back(pack_vrid_key(rt->key));
  return keys;
}

void Daemon::bind_and_start(InstanceRuntime& rt) {
  try {
    bind_interface(rt);
  } catch (const std::exception& e) {
    ++reload_failures_;
    bind_failed(rt, e.what(), clock::monotonic_ns());
  }
  start_instance(rt);
}

// Make-before-break: the runtime stays bound (sender, receive slot, VIPs)
// and resigns; the idle handler releases it when the policy says so.
void Daemon::retire(std::unique_ptr<InstanceRuntime> owned, Nanos now) {
  InstanceRuntime& rt = *owned;
  rt.retiring = true;
  rt.retire_began = now;
  rt.retire_deadline =
      policy::retire_hard_deadline(now, rt.sm->master_down_interval(), std::nullopt);
  retiring_.push_back(std::move(owned));
  apply(rt, rt.sm->begin_handover(now), now);
  XLOG_INFO(
      "(%s) handing over VRID %u on %s: priority 0 sent, keeping the VIPs until a new master "
      "is heard (at most %.0f ms)",
      rt.cfg.name.c_str(), unsigned{rt.cfg.vrid}, rt.cfg.interface.c_str(),
      static_cast<double>(rt.sm->master_down_interval()) / 1e6);
}

void Daemon::reap_retiring() {
  const Nanos now = clock::monotonic_ns();
  bool released = false;
  for (std::size_t i = 0; i < retiring_.size();) {
    InstanceRuntime& rt = *retiring_[i];
    policy::RetiringView v;
    // The release linger keeps the VIPs (and so the runtime) a little longer.
    v.handing_over = rt.sm && (rt.sm->handing_over() || rt.sm->vips_release_at() != core::kNever);
    const auto& master = rt.sm ? rt.sm->master_ip() : std::nullopt;
    v.new_master_heard = master && rt.src_ip && *master != *rt.src_ip;
    v.interface_present = rt.ifindex != 0 && links_->find(rt.ifindex).has_value();
    v.now = now;
    v.hard_deadline = rt.retire_deadline;
    if (auto it = by_id_.find(rt.successor_id); rt.successor_id != 0 && it != by_id_.end()) {
      const InstanceRuntime& s = *it->second;
      if (s.sm)
        v.successor = policy::SuccessorView{
            s.sm->state(), s.sm->master_ip().has_value() && s.sm->master_priority() > 0};
    }
    if (policy::retire_verdict(v) == policy::RetireVerdict::Wait) {
      ++i;
      continue;
    }
    XLOG_INFO("(%s) VRID %u released after %.3f ms (%s)", rt.cfg.name.c_str(),
              unsigned{rt.cfg.vrid}, static_cast<double>(now - rt.retire_began) / 1e6,
              !v.interface_present     ? "interface gone"
              : now >= v.hard_deadline ? "bound reached"
              : v.successor && v.successor->state == core::State::Master
                  ? "the new instance is MASTER"
              : v.successor && v.successor->master_known ? "the new instance heard a master"
              : v.new_master_heard                       ? "new master heard"
                                                         : "nobody took over");
    release_retired(rt);
    retiring_.erase(retiring_.begin() + static_cast<std::ptrdiff_t>(i));
    released = true;
  }
  if (released && !stopping_) start_deferred();
}

void Daemon::release_retired(InstanceRuntime& rt) {
  rt.retiring = false;
  stop_instance(rt);
}

void Daemon::start_deferred() {
  const std::vector<std::uint64_t> held = retiring_keys();
  for (auto& rt : instances_) {
    if (!rt->deferred || policy::defer_start(receive_key_of(rt->cfg), held)) continue;
    rt->deferred = false;
    XLOG_INFO("(%s) starting: the VRID was released", rt->cfg.name.c_str());
    bind_and_start(*rt);
  }
}

}  // namespace xvrrp::daemon
