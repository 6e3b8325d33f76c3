// SPDX-License-Identifier: GPL-2.0-or-later
// vrrp_track_process I/O: the kernel's proc connector (fork, exec, name change and exit of
// every process), a pidfd per counted process (its exit, at once), and /proc reads.
// The proc connector only exists in the initial network namespace; elsewhere (a container,
// `ip netns exec`) the daemon rescans /proc once a second for new processes, and exits
// are still seen at once through the pidfds.
// Ownership: ProcessWatch owns its netlink socket and every pidfd (RAII). Not thread-safe.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"

namespace xvrrp::daemon {

class ProcessWatch {
 public:
  /// Subscribes to the proc connector; has_connector() says whether it worked (`why`
  /// gets the reason when not). Never throws for a missing connector.
  explicit ProcessWatch(std::string& why);

  [[nodiscard]] bool has_connector() const { return bool(connector_); }
  /// The connector's socket (-1 without one).
  [[nodiscard]] int connector_fd() const { return connector_.get(); }

  struct Events {
    std::function<void(pid_t parent, pid_t child)> fork;
    std::function<void(pid_t pid)> exec;  ///< exec, or a new name (PR_SET_NAME)
    std::function<void(pid_t pid)> exit;
    std::function<void()> lost;  ///< events were dropped (ENOBUFS): rescan
  };
  /// Reads every queued connector message without blocking. Only thread-group leaders are
  /// reported.
  void on_connector_readable(const Events& events);

  /// A pidfd for `pid` (pidfd_open), owned here until unwatch(); -1 when the process is
  /// already gone or pidfds are not supported.
  int watch_exit(pid_t pid);
  /// The pidfd watch_exit() opened for `pid`; -1 when it is not watched.
  [[nodiscard]] int watching(pid_t pid) const;
  void unwatch(pid_t pid);
  [[nodiscard]] std::size_t watched() const { return pidfds_.size(); }

 private:
  UniqueFd connector_;
  std::map<pid_t, UniqueFd> pidfds_;
};

/// A process as /proc shows it.
struct ProcessInfo {
  std::string comm;     ///< /proc/PID/stat's name (at most 15 bytes)
  std::string cmdline;  ///< /proc/PID/cmdline, NUL-separated words (at most 4 KiB)
  bool zombie = false;
};

/// false when the process is gone or unreadable. `with_cmdline`: read cmdline too (it can
/// page in the process's memory, so only trackers that need it ask).
bool read_process(pid_t pid, bool with_cmdline, ProcessInfo& out);
/// Every process id in /proc.
std::vector<pid_t> list_processes();
/// True when /proc hides other users' processes from us (hidepid, systemd's ProtectProc=).
bool proc_hides_processes();

}  // namespace xvrrp::daemon
