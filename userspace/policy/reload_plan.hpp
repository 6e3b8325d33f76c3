// SPDX-License-Identifier: GPL-2.0-or-later
// The reload plan: what a SIGHUP does to each running instance, from a
// field-by-field comparison of its old and new config::Instance. Pure.
//
// Instances are matched by name. For a matched pair every field of
// config::Instance is classified (kFields in reload_plan.cpp, one row per
// field):
//  - Rebuild: the instance's identity on the wire changes (interface, VRID,
//    VRRP version, address family): it is stopped and started again;
//  - Live: everything else (priority, timers, authentication, peers, TTL,
//    VIPs, tracking, preemption, GARP settings, notify scripts, the initial
//    state hint): applied to the running state machine, which keeps its
//    state, so a reload moves no VIP the new config does not ask to move.
// `where` (file:line) is never a change.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"

namespace xvrrp::policy {

enum class ReloadClass { Live, Rebuild };

/// One field that differs between two configs of the same instance.
struct FieldChange {
  const char* field;  ///< keepalived keyword or config::Instance member name
  ReloadClass klass;
};

/// Every field that differs, in config::Instance order. Empty when a == b.
std::vector<FieldChange> diff_instance(const config::Instance& a, const config::Instance& b);

/// Names of all classified fields, in table order (tests check the table
/// covers config::Instance).
std::vector<const char*> classified_fields();

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

/// "priority, notify_master (live)" style summary of the changes.
std::string describe_changes(const std::vector<FieldChange>& changes);

}  // namespace xvrrp::policy
