// SPDX-License-Identifier: GPL-2.0-or-later
// The tracking rule: how the health of what an instance tracks becomes a
// FAULT flag and a priority delta (keepalived's weighted tracking). Pure.
//
// Each tracked object (an interface, a vrrp_script check, a track_file;
// processes or BFD sessions are further kinds of the same input) is one
// TrackInput: whether it is healthy now (or not known yet), its weight and
// `reverse`. A file carries its value instead: policy::file_effect() (see
// policy/track_file.hpp). The rule is core::check_effect() for the others:
//  - weight 0: the instance is in FAULT while the object is unhealthy
//    (with reverse: while it is healthy), and while its health is unknown
//    (a check before its first result).
//  - weight > 0: +weight while healthy (reverse: -weight while healthy).
//  - weight < 0: +weight (a decrease) while unhealthy (reverse: -weight,
//    an increase, while unhealthy).
//  - a weighted object whose health is unknown changes nothing.
// The VRRP interface itself is always tracked with weight 0.
// The cause of a FAULT matters to a MASTER (core::FaultCause): when the VRRP
// interface, or a tracked interface that carries a VIP (the VRRP interface
// itself or a VIP's `dev`), is what faults, nothing can be served and the
// VIPs go at once; any other cause (a check, a file, a process, BFD, an
// interface without a VIP) lets the MASTER hand over make-before-break.
// The core clamps base + delta to 1..254 and never changes an owner (255).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/script_check.hpp"

namespace xvrrp::policy {

enum class TrackKind { Interface, Script, File, Bfd, Process };

/// "interface", "script", "file", "bfd", "process".
const char* track_kind_name(TrackKind kind);

struct TrackInput {
  TrackKind kind = TrackKind::Interface;
  std::string name;
  int weight = 0;
  bool reverse = false;
  bool healthy = false;
  /// false while the health is not known yet (a check without init_fail
  /// before its first result); `healthy` is then ignored.
  bool known = true;
  /// TrackKind::File: the file's value (policy::parse_track_file_value).
  std::int64_t value = 0;
  /// TrackKind::Interface: the VRRP interface, or the `dev` of a VIP (interface_inputs()).
  bool carries_vip = false;
};

/// What one input does to the instance now.
core::CheckEffect effect_of(const TrackInput& in);

struct TrackingResult {
  bool fault = false;
  int delta = 0;
  /// With fault: the VRRP interface, or a faulting interface input with carries_vip, is
  /// among the causes (core::FaultCause::LinkDown); false when only other inputs fault.
  bool link_down = false;
  friend bool operator==(const TrackingResult&, const TrackingResult&) = default;
};

/// Applies the rule above to every input. `interface_up`: the VRRP interface.
/// TrackingResult::link_down as described at the top of this file.
TrackingResult evaluate_tracking(bool interface_up, std::span<const TrackInput> inputs);

/// Health of the VRRP interface as the rule sees it: an interface the daemon
/// could not bind to (missing, no receive path) is always down; a bound one
/// that is down counts only with track_primary (keepalived's
/// dont_track_primary turns it off).
constexpr bool primary_healthy(bool track_primary, bool bound, bool up) {
  return bound && (up || !track_primary);
}

/// `weight N reverse` of a track line (weight_reverse, as config::TrackedScript
/// has it), false for config structs without it.
template <class Tracked>
bool reverse_of(const Tracked& t) {
  if constexpr (requires { t.weight_reverse; })
    return static_cast<bool>(t.weight_reverse);
  else if constexpr (requires { t.reverse; })
    return static_cast<bool>(t.reverse);
  else
    return false;
}

/// The input of a track_script line whose check is in `state`.
TrackInput script_input(const config::TrackedScript& t, core::CheckState state);

/// The input of a track_file line whose file holds `value`.
TrackInput file_input(const config::TrackedFile& t, std::int64_t value);

/// The input of a track_bfd line whose session is Up (`up`) or not. A session is always known
/// (keepalived starts every tracked session as down).
TrackInput bfd_input(const config::TrackedBfd& t, bool up);

/// The input of a track_process line whose tracker has its quorum (`quorum`) or not. The
/// count is always known: the daemon scans /proc before the instances start.
TrackInput process_input(const config::TrackedProcess& t, bool quorum);
/// Whether interface `name` carries an address of `cfg`: its own interface, or
/// the `dev` of one of its VIPs (advertised or excluded).
bool carries_vip(const config::Instance& cfg, const std::string& name);

/// The inputs of an instance's track_interface lines, with `is_up(name)`
/// giving each interface's health.
template <class IsUp>
std::vector<TrackInput> interface_inputs(const config::Instance& cfg, IsUp&& is_up) {
  std::vector<TrackInput> out;
  out.reserve(cfg.tracked.size());
  for (const auto& t : cfg.tracked) {
    TrackInput in;
    in.name = t.name;
    in.weight = t.weight;
    in.reverse = reverse_of(t);
    in.healthy = is_up(t.name);
    in.carries_vip = carries_vip(cfg, t.name);
    out.push_back(std::move(in));
  }
  return out;
}

}  // namespace xvrrp::policy
