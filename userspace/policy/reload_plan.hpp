// SPDX-License-Identifier: GPL-2.0-or-later
// The reload plan: what a SIGHUP does to each running instance, from the
// config's field-by-field comparison (config::diff_instances, whose table
// gives every field of config::Instance a reload class). Pure.
//
// Instances are matched by name. For a matched pair:
//  - Rebuild when any changed field is config::ReloadClass::Rebuild (the
//    instance's identity on the wire: interface, VRID, VRRP version, address
//    family): it is stopped and started again;
//  - LiveUpdate otherwise (priority, timers, authentication, peers, TTL,
//    VIPs, tracking, preemption, GARP settings, notify scripts, the initial
//    state hint): applied to the running state machine, which keeps its
//    state, so a reload moves no VIP the new config does not ask to move;
//  - Keep when nothing differs (`where`, the file position, never counts).
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"

namespace xvrrp::policy {

using config::FieldChange;
using config::ReloadClass;

struct ReloadItem {
  enum class Op {
    Keep,        ///< identical config: nothing to do
    LiveUpdate,  ///< only Live fields differ
    Rebuild,     ///< some Rebuild field differs
    Add,         ///< only in the new config
    Remove,      ///< only in the running config
  };
  Op op = Op::Keep;
  std::string name;
  /// Index into the running list (-1 for Add) and into the new list (-1 for Remove).
  int old_index = -1;
  int new_index = -1;
  std::vector<FieldChange> changes;
};

/// One item per running instance (in running order: Keep, LiveUpdate,
/// Rebuild or Remove), then one Add per new instance (in new order).
std::vector<ReloadItem> plan_reload(const std::vector<config::Instance>& running,
                                    const std::vector<config::Instance>& next);

const char* op_name(ReloadItem::Op op);

/// The changes' descriptions joined with ", ", each Rebuild one marked
/// "(rebuild)", e.g. "priority 100 -> 110, virtual_router_id 100 -> 7 (rebuild)".
std::string describe_changes(const std::vector<FieldChange>& changes);

}  // namespace xvrrp::policy
