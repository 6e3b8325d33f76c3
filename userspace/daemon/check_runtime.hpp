// SPDX-License-Identifier: GPL-2.0-or-later
// The daemon's per-vrrp_script state (private to checks.cpp, daemon.cpp,
// reload.cpp and daemon_status.cpp): the config, the check's schedule and
// state, its timer and the run in flight. Owned by Daemon::checks_; one per
// Config::scripts entry, shared by every instance that tracks it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "config/config.hpp"
#include "core/script_check.hpp"
#include "core/timer_heap.hpp"
#include "daemon/daemon.hpp"
#include "notify/script_runner.hpp"

namespace xvrrp::daemon {

struct Daemon::CheckRuntime {
  CheckRuntime(std::uint64_t id_, config::VrrpScript cfg_, core::ScriptCheck check_)
      : id(id_), cfg(std::move(cfg_)), check(check_) {}
  std::uint64_t id = 0;  // timer cookie id; never reused, so a late completion finds nothing
  config::VrrpScript cfg;
  core::ScriptCheck check;
  core::TimerId timer = 0;
  /// Runs this script's checks (owned by Daemon::check_runners_).
  notify::ScriptRunner* runner = nullptr;
  /// Of the last finished run: exit status (-1: none, a signal or not started), signal, and
  /// why it could not be started.
  int last_exit_code = -1;
  int last_signal = 0;
  std::string last_error;
};

/// The check parameters of a vrrp_script block.
core::CheckParams check_params(const config::VrrpScript& s);

}  // namespace xvrrp::daemon
