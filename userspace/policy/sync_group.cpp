// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/sync_group.hpp"

#include <algorithm>

namespace xvrrp::policy {

const char* sync_command_name(SyncCommand c) {
  switch (c) {
    case SyncCommand::None:
      return "none";
    case SyncCommand::HoldFault:
      return "hold-fault";
    case SyncCommand::ReleaseFault:
      return "release-fault";
    case SyncCommand::ForceMaster:
      return "force-master";
    case SyncCommand::ForceBackup:
      return "force-backup";
  }
  return "?";
}

std::vector<SyncCommand> decide_sync(std::span<const SyncMember> members) {
  std::vector<SyncCommand> out(members.size(), SyncCommand::None);
  auto running = [](const SyncMember& m) { return !m.stopped; };
  const bool group_fault = std::any_of(members.begin(), members.end(), [&](const SyncMember& m) {
    return running(m) && m.own_fault;
  });
  // Faults first: the other rules only apply to a group that is not in FAULT.
  bool changed = false;
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (!running(members[i]) || members[i].held_fault == group_fault) continue;
    out[i] = group_fault ? SyncCommand::HoldFault : SyncCommand::ReleaseFault;
    changed = true;
  }
  if (changed || group_fault) return out;

  const bool demoted = std::any_of(members.begin(), members.end(), [&](const SyncMember& m) {
    return running(m) && m.left_master;
  });
  if (demoted) {
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (running(members[i]) && members[i].state == core::State::Master)
        out[i] = SyncCommand::ForceBackup;
    }
    return out;
  }

  const bool someone_waits = std::any_of(members.begin(), members.end(), [&](const SyncMember& m) {
    return running(m) && m.state == core::State::Backup && m.wants_master;
  });
  const bool all_ready = std::all_of(members.begin(), members.end(), [&](const SyncMember& m) {
    return !running(m) || m.state == core::State::Master ||
           (m.state == core::State::Backup && m.wants_master);
  });
  if (someone_waits && all_ready) {
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (running(members[i]) && members[i].state == core::State::Backup)
        out[i] = SyncCommand::ForceMaster;
    }
  }
  return out;
}

std::optional<core::State> sync_group_state(std::span<const SyncMember> members,
                                            std::optional<core::State> previous) {
  bool any = false, fault = false, all_master = true, all_backup = true;
  for (const SyncMember& m : members) {
    if (m.stopped) continue;
    any = true;
    fault |= m.state == core::State::Fault;
    all_master &= m.state == core::State::Master;
    all_backup &= m.state == core::State::Backup;
  }
  if (!any) return previous;
  if (fault) return core::State::Fault;
  if (all_master) return core::State::Master;
  if (all_backup) return core::State::Backup;
  return previous;
}

}  // namespace xvrrp::policy
