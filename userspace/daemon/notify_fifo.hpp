// SPDX-License-Identifier: GPL-2.0-or-later
// keepalived's notify FIFOs (global_defs notify_fifo, vrrp_notify_fifo and their *_script),
// the fd side. The lines and the backlog are policy/notify_fifo.hpp's.
//
// Contract:
//  - Construction (before the capability drop: it may chown, and the scripts' runners keep
//    root's privileges) creates each FIFO with mkfifo(0644) when missing, giving a created
//    one to the configured user/group (default script_user), and opens it
//    O_RDWR|O_NONBLOCK|O_NOFOLLOW|O_CLOEXEC as keepalived does: holding the read end too,
//    the open succeeds without a reader, writes never raise SIGPIPE/EPIPE, and lines
//    written before a reader comes wait in the pipe. Anything that is not a FIFO owned by
//    the daemon's user or the configured one is refused. A FIFO that cannot be created or
//    opened is logged and left unused (keepalived's behaviour); the daemon runs on.
//  - Once a FIFO is open its *_script, if any, is started through a notify::ScriptRunner
//    of its own (no timeout; as the script's user, else script_user) with the FIFO's path
//    appended as its last argument.
//  - line() never blocks: it writes what the pipe takes and keeps the rest in a bounded
//    backlog, flushed when epoll reports the FIFO writable. Lines dropped because the
//    reader did not keep up are counted (dropped()) and logged at most every 10 s.
//  - close() (shutdown) tries for at most 200 ms to hand the backlog (the STOP lines) to
//    the pipe, closes the FIFOs (the reader sees EOF), removes the ones it created, then
//    ends the scripts (ScriptRunner::shutdown: 500 ms to exit on EOF, then SIGTERM).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/unique_fd.hpp"
#include "config/config.hpp"
#include "daemon/event_loop.hpp"
#include "policy/notify_fifo.hpp"
#include "policy/rules.hpp"

namespace xvrrp::notify {
class ScriptRunner;
}  // namespace xvrrp::notify

namespace xvrrp::daemon {

class NotifyFifos {
 public:
  /// Opens the FIFOs `global` configures and starts their scripts. Throws only when a
  /// script's runner cannot be made (unknown user); FIFO failures are logged.
  NotifyFifos(EventLoop& loop, const config::Global& global);
  ~NotifyFifos();
  NotifyFifos(const NotifyFifos&) = delete;
  NotifyFifos& operator=(const NotifyFifos&) = delete;

  /// True when some FIFO is open (lines are worth formatting).
  [[nodiscard]] bool active() const;

  /// One instance line (policy::fifo_instance_line) to every open FIFO.
  void instance(const std::string& name, std::string_view state, int priority);
  /// One sync group line.
  void group(const std::string& name, std::string_view state);

  /// A reload starts: instance() and group() calls until end_reload() are remembered.
  void begin_reload();
  /// A reload ended: with `write_states` (fifo_write_vrrp_states_on_reload), the states in
  /// `current` of those that had no line during the reload are written.
  void end_reload(const std::vector<policy::FifoStateEntry>& current, bool write_states);

  /// The scripts' runners: SIGCHLD (reports of a script that ended).
  void on_sigchld();
  /// Shutdown, as the contract says; idempotent.
  void close();

  /// Lines dropped on every FIFO since start.
  [[nodiscard]] std::uint64_t dropped() const;

 private:
  struct Fifo;
  void write_all(const std::string& line);
  void flush(Fifo& f);

  EventLoop& loop_;
  std::vector<std::unique_ptr<Fifo>> fifos_;
  bool reloading_ = false;
  std::vector<std::pair<bool, std::string>> notified_;  // during a reload
};

}  // namespace xvrrp::daemon
