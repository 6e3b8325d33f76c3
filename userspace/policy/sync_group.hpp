// SPDX-License-Identifier: GPL-2.0-or-later
// The vrrp_sync_group rule: how one member's state moves the other members.
// Pure: the daemon describes each member and applies the commands returned.
//
// keepalived's semantics (2.2.7: vrrp_sync.c, vrrp_track.c down_instance,
// vrrp_scheduler.c try_up_instance and the TSM table):
//  - FAULT: the group is in FAULT while any member's own tracking says FAULT;
//    every member is then held in FAULT (a MASTER resigns with priority 0;
//    core::FaultCause says whether it keeps its VIPs until the new master).
//    When the last member's own fault clears, all leave FAULT together
//    (to BACKUP, with a fresh down timer).
//  - MASTER: a BACKUP member whose down timer expires does not take over
//    alone. It "wants MASTER" and waits (its timer re-armed) until every
//    member wants MASTER or already is MASTER; then all become MASTER at once
//    (vrrp_sync_can_goto_master, vrrp_sync_master). An advert that a
//    waiting member accepts ends its wish (a live master exists).
//  - BACKUP: when a MASTER member falls back to BACKUP (a higher-priority
//    advert), every other MASTER member follows to BACKUP, without a
//    priority 0 advert (vrrp_sync_backup).
// The group's own state, for notify_* and status: FAULT while any member is
// FAULT; MASTER once all are MASTER; BACKUP once all are BACKUP; otherwise
// it keeps its last value (members are moving).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "core/vrrp_instance.hpp"

namespace xvrrp::policy {

/// One member as the rule sees it.
struct SyncMember {
  /// Its state machine's state (core::Instance::state()).
  core::State state = core::State::Initialize;
  /// Its own tracking (policy::evaluate_tracking) says FAULT.
  bool own_fault = false;
  /// The fault flag its state machine holds now (core::Instance::faulted()).
  bool held_fault = false;
  /// Held in BACKUP by the group after its down timer expired
  /// (core::Instance::wants_master()).
  bool wants_master = false;
  /// It has just gone from MASTER to BACKUP by itself (not by this rule).
  bool left_master = false;
  /// Not running (stopping, or stopped): ignored by the rule.
  bool stopped = false;
};

enum class SyncCommand {
  None,
  /// core::Instance::set_fault(true).
  HoldFault,
  /// core::Instance::set_fault(false).
  ReleaseFault,
  /// core::Instance::force_master(): BACKUP -> MASTER now.
  ForceMaster,
  /// core::Instance::force_backup(): MASTER -> BACKUP now, no priority 0.
  ForceBackup,
};

/// "none", "hold-fault", "release-fault", "force-master", "force-backup".
const char* sync_command_name(SyncCommand c);

/// The command for each member (same order), None where nothing is to be
/// done. Applying them and calling again reaches a fixed point (all None).
std::vector<SyncCommand> decide_sync(std::span<const SyncMember> members);

/// The group's state from its members' states and the previous value
/// (nullopt before the first): see the file comment. Stopped members are
/// ignored; with none running the previous value stays.
std::optional<core::State> sync_group_state(std::span<const SyncMember> members,
                                            std::optional<core::State> previous);

}  // namespace xvrrp::policy
