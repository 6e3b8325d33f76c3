// SPDX-License-Identifier: GPL-2.0-or-later
// ConfigLoader: reads and parses the configuration for a reload off the event
// loop. config::load() reads files (includes, key files), expands globs and
// looks users and groups up through NSS, any of which can stall for seconds
// (a slow disk, an LDAP-backed passwd); on the loop that would stop the
// adverts and let the peer take over.
//
// Contract:
// - request() starts one parse on a worker thread unless one is running; a
//   request while one runs is remembered, and take() reports it as `again`,
//   so the caller applies the finished result and then requests once more.
//   Any number of requests during one parse cost one more parse: SIGHUPs
//   coalesce, and every request is followed by a parse that began after it.
// - fd() becomes readable (EPOLLIN) when a parse has finished; take() then
//   joins the worker and returns its result. take() never blocks on a parse
//   that is still running (it returns nothing).
// - The worker runs SCHED_OTHER at nice 10 whatever the daemon's class: a
//   parse never competes with a SCHED_FIFO event loop.
// - Threads: the worker touches only its own copy of the inputs and its
//   result; no daemon state. No worker exists between take() and the next
//   request(), so the daemon's forks (the script launcher) never happen while
//   the worker holds a lock.
// - Destruction while a parse runs (shutdown) does not wait for it: the
//   worker is detached and keeps only state it owns.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "common/unique_fd.hpp"
#include "config/config.hpp"
#include "daemon/script_users.hpp"

namespace xvrrp::daemon {

class ConfigLoader {
 public:
  struct Result {
    std::optional<config::Config> config;  ///< the parsed configuration, or
    std::string error;                     ///< why it failed (file:line: ...)
    /// Every script user of `config`, resolved on the worker (script_users.hpp).
    ScriptCredentialMap script_users;
    double seconds = 0;  ///< time the parse took (wall clock)
    bool again = false;  ///< requested again while it ran
  };

  ConfigLoader();  // throws std::system_error (eventfd)
  ~ConfigLoader();
  ConfigLoader(const ConfigLoader&) = delete;
  ConfigLoader& operator=(const ConfigLoader&) = delete;

  /// config::load(path, router_id) on the worker, then resolve_script_users().
  /// Scripts run as `running`'s script_user, script_group and
  /// enable_script_security whatever the file says: the runners of notify
  /// scripts are made once, before the capability drop, so a change is put
  /// back with a warning in Config::warnings (restart-only). Returns true when
  /// a parse started now, false when one was running (it is then requested
  /// again).
  bool request(const std::string& path, const std::string& router_id,
               const config::Global& running);
  /// The finished parse, if any (called when fd() is readable).
  std::optional<Result> take();
  [[nodiscard]] int fd() const { return done_fd_.get(); }

 private:
  struct Job;
  UniqueFd done_fd_;
  std::thread worker_;
  std::shared_ptr<Job> job_;
  bool again_ = false;
};

}  // namespace xvrrp::daemon
