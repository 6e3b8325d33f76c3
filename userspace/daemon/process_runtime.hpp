// SPDX-License-Identifier: GPL-2.0-or-later
// The daemon's per-vrrp_track_process state (private to track_processes.cpp, daemon.cpp and
// daemon_status.cpp): the config and its quorum. Owned by Daemon::processes_; shared by
// every instance tracking it.
#pragma once

#include "config/config.hpp"
#include "core/process_quorum.hpp"
#include "daemon/daemon.hpp"

namespace xvrrp::daemon {

struct Daemon::ProcessTracker {
  config::TrackProcess cfg;
  core::ProcessQuorum quorum;
  core::Nanos changed_at = 0;  ///< CLOCK_MONOTONIC of the last change of quorum.up()
};

}  // namespace xvrrp::daemon
