// SPDX-License-Identifier: GPL-2.0-or-later
// The daemon's per-track_file state (private to track_files.cpp, daemon.cpp
// and daemon_status.cpp): the config, its watched directory and the value
// last read. Owned by Daemon::files_; shared by every instance tracking it.
#pragma once

#include <cstdint>
#include <string>

#include "config/config.hpp"
#include "core/vrrp_instance.hpp"
#include "daemon/daemon.hpp"

namespace xvrrp::daemon {

struct Daemon::FileTracker {
  config::TrackFile cfg;
  std::string dir, name;  ///< split_track_path(cfg.path)
  int wd = -1;            ///< inotify watch of `dir`; -1 when it could not be watched
  /// policy::parse_track_file_value() of the last read (0: missing or empty).
  std::int64_t value = 0;
  std::uint64_t reads = 0;
  core::Nanos read_at = 0;  ///< CLOCK_MONOTONIC of the last read
};

}  // namespace xvrrp::daemon
