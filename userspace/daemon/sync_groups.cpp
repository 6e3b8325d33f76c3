// SPDX-License-Identifier: GPL-2.0-or-later
// vrrp_sync_group: policy/sync_group.hpp decides, this applies its commands
// to the members' state machines and runs the group's notify scripts.
#include <algorithm>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "daemon/daemon.hpp"
#include "daemon/instance_runtime.hpp"
#include "daemon/notify_fifo.hpp"
#include "notify/script_runner.hpp"
#include "policy/notify_fifo.hpp"
#include "policy/sync_group.hpp"

namespace xvrrp::daemon {

using core::Nanos;

namespace {

const config::SyncGroup* find_group(const config::Config& cfg, const std::string& name) {
  for (const auto& g : cfg.sync_groups)
    if (g.name == name) return &g;
  return nullptr;
}

}  // namespace

// Commands may cause transitions that call back here (through apply()):
// those only ask for another round, so one loop settles the whole group.
void Daemon::settle_sync_group(const std::string& group, Nanos now) {
  if (settling_) {
    resettle_ = true;
    return;
  }
  settling_ = true;
  std::vector<InstanceRuntime*> members;
  for (auto& rt : instances_)
    if (rt->cfg.sync_group == group) members.push_back(rt.get());
  std::vector<policy::SyncMember> view(members.size());
  auto describe = [&] {
    for (std::size_t i = 0; i < members.size(); ++i) {
      const InstanceRuntime& rt = *members[i];
      policy::SyncMember& m = view[i];
      m.stopped = !rt.sm || stopping_;
      if (m.stopped) continue;
      m.state = rt.sm->state();
      m.own_fault = rt.own_fault;
      m.held_fault = rt.sm->faulted();
      m.wants_master = rt.sm->wants_master();
      m.left_master = rt.left_master;
    }
  };
  for (int round = 0; round < 8; ++round) {
    resettle_ = false;
    describe();
    const auto commands = policy::decide_sync(view);
    for (auto* rt : members) rt->left_master = false;
    bool any = false;
    for (std::size_t i = 0; i < members.size(); ++i) {
      InstanceRuntime& rt = *members[i];
      using C = policy::SyncCommand;
      const C c = commands[i];
      if (c == C::None) continue;
      if (!any) {
        const char* to = c == C::ForceMaster   ? "MASTER"
                         : c == C::ForceBackup ? "BACKUP"
                         : c == C::HoldFault   ? "FAULT"
                                               : "leave FAULT";
        XLOG_INFO("VRRP_Group(%s) Syncing instances to %s state", group.c_str(), to);
      }
      any = true;
      switch (c) {
        case C::HoldFault:
        case C::ReleaseFault:
          // Held for a sibling, a member whose own link is up can still serve meanwhile.
          apply(rt,
                rt.sm->set_fault(
                    c == C::HoldFault, now,
                    rt.own_link_down ? core::FaultCause::LinkDown : core::FaultCause::Service),
                now);
          break;
        case C::ForceMaster:
          apply(rt, rt.sm->force_master(now), now);
          break;
        case C::ForceBackup:
          apply(rt, rt.sm->force_backup(now), now);
          break;
        case C::None:
          break;
      }
    }
    if (!any && !resettle_) break;
  }
  describe();
  auto& last = group_states_[group];
  const auto state = policy::sync_group_state(view, last);
  settling_ = false;
  if (state == last || !state) return;
  last = state;
  XLOG_INFO("VRRP_Group(%s) Entering %s STATE", group.c_str(), core::state_name(*state));
  if (const auto word = policy::fifo_state_word(*state); word && fifos_)
    fifos_->group(group, *word);
  const config::SyncGroup* g = find_group(config_, group);
  if (g == nullptr) return;
  const std::string* script = *state == core::State::Master   ? &g->notify_master
                              : *state == core::State::Backup ? &g->notify_backup
                              : *state == core::State::Fault  ? &g->notify_fault
                                                              : nullptr;
  if (script != nullptr && !script->empty()) scripts_->run(*script);
  // keepalived: "GROUP" NAME STATE, and 0 as the priority of a group.
  if (!g->notify.empty()) scripts_->run(g->notify, {"GROUP", group, core::state_name(*state), "0"});
  rearm_scripts_timer();
}

void Daemon::stop_sync_groups() {
  for (const auto& g : config_.sync_groups) {
    if (!g.notify_stop.empty()) scripts_->run(g.notify_stop);
    if (!g.notify.empty()) scripts_->run(g.notify, {"GROUP", g.name, "STOP", "0"});
    if (fifos_) fifos_->group(g.name, policy::kFifoStop);
  }
}

}  // namespace xvrrp::daemon
