// SPDX-License-Identifier: GPL-2.0-or-later
// vrrp_track_process (keepalived.conf(5)): whether enough matching processes run. Pure, with
// an injected clock: the daemon says which process ids match (a /proc scan, the proc
// connector's events, pidfds for exits) and when; this decides the tracker's state.
//
// The state is "up" while quorum <= count <= quorum_max (keepalived's have_quorum). A change
// caused by a fork waits fork_delay, one caused by an exit waits terminate_delay (a restart
// inside the delay is not seen); any other (a scan, an exec, a name change) counts at once.
// A pending change that the count undoes before its deadline is dropped.
#pragma once

#include <cstdint>
#include <set>

#include "core/vrrp_instance.hpp"

namespace xvrrp::core {

struct ProcessQuorumParams {
  std::uint32_t quorum = 1;               ///< >= 1 (0 only together with quorum_max 0).
  std::uint32_t quorum_max = UINT32_MAX;  ///< >= quorum; UINT32_MAX = unbounded.
  Nanos fork_delay = 0;                   ///< >= 0
  Nanos terminate_delay = 0;              ///< >= 0
};

/// Why a process joined or left the matching set.
enum class ProcessCause { Scan, Fork, Exit };

class ProcessQuorum {
 public:
  /// Throws std::invalid_argument naming the field when the params are inconsistent.
  explicit ProcessQuorum(ProcessQuorumParams params = {});

  /// Process `pid` matches (again: no effect). Returns true when up() changed now.
  bool add(std::int32_t pid, ProcessCause cause, Nanos now);
  /// Process `pid` no longer matches or is gone (unknown pid: no effect). Returns true when
  /// up() changed now.
  bool remove(std::int32_t pid, ProcessCause cause, Nanos now);
  /// Replaces the whole set from a scan: pids not in `pids` leave as exits (terminate_delay
  /// applies), new ones join at once. Returns true when up() changed now.
  bool replace(const std::set<std::int32_t>& pids, Nanos now);
  /// A pending change whose deadline is <= now takes effect. Returns true when up() changed.
  bool on_timer(Nanos now);

  [[nodiscard]] bool up() const { return up_; }
  [[nodiscard]] std::size_t count() const { return pids_.size(); }
  [[nodiscard]] bool contains(std::int32_t pid) const { return pids_.count(pid) != 0; }
  [[nodiscard]] const std::set<std::int32_t>& pids() const { return pids_; }
  /// When a pending change is due; kNever when none.
  [[nodiscard]] Nanos next_deadline() const { return pending_at_; }
  [[nodiscard]] const ProcessQuorumParams& params() const { return params_; }

 private:
  [[nodiscard]] bool in_range() const;
  bool settle(ProcessCause cause, Nanos now);

  ProcessQuorumParams params_;
  std::set<std::int32_t> pids_;
  bool up_ = false;
  Nanos pending_at_ = kNever;
};

}  // namespace xvrrp::core
