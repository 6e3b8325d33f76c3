// SPDX-License-Identifier: GPL-2.0-or-later
// Asynchronous runner for keepalived-style scripts (notify_master, notify_backup,
// notify_fault, notify, notify_stop; check scripts use the completion callback).
//
// Contract:
//  - Construction forks a launcher process. Construct the runner before the daemon drops
//    capabilities or raises its scheduling class: the launcher keeps the privileges of a
//    root process (all of the bounding set) and SCHED_OTHER, whatever the daemon does
//    afterwards. The launcher shares none of the daemon's state: it closes every fd but
//    0, 1, 2 and its end of a SOCK_SEQPACKET socketpair, over which the runner sends
//    requests (run, kill, shut down) and the launcher reports each script's pid and wait
//    status (the framed messages of script_runner.cpp). It ignores SIGTERM, SIGINT and
//    SIGHUP (systemd signals the whole cgroup at stop; the daemon decides when scripts end)
//    and exits when the runner shuts it down or the socket closes.
//  - run() sends `/bin/sh -c "COMMAND 'ARG1' 'ARG2' ..."` (extra args single-quoted for the
//    shell) to the launcher and returns an id at once; it never waits for the script.
//  - Each script runs as ScriptSettings::user (keepalived's script_user; by default the
//    daemon's own user, root),
//    with stdin = /dev/null, stdout/stderr inherited (journald under systemd), an empty
//    signal mask, default signal dispositions, SCHED_OTHER, no fds above 2, and its own
//    process group so a timeout kills the shell and everything it started.
//  - With ScriptSettings::script_security (keepalived's enable_script_security), a script
//    whose file or any directory on its path is writable by a non-root user is refused
//    (script_insecurity()); the refusal is logged and reported like an unrunnable script.
//  - The owner calls on_sigchld() whenever SIGCHLD is reported (the daemon blocks SIGCHLD
//    and reads it from a signalfd): the launcher sends its parent SIGCHLD after each report,
//    so no other wiring is needed; fd() may be polled instead. on_sigchld() reads every
//    report without blocking, and also notices a launcher that died.
//  - The owner arms a timer at next_deadline_ns() (CLOCK_MONOTONIC ns) and calls on_timer(now).
//    A script still running at its deadline gets SIGTERM (to its process group), then SIGKILL
//    after kill_grace; both are logged.
//  - Non-zero exits, deaths by signal and scripts that could not be started are logged at
//    warning level with the command; each completion reaches the run()'s callback, then the
//    runner-wide exit callback.
//  - shutdown() (called by the destructor if the owner did not) gives running scripts -
//    typically the notify_stop scripts just started - up to stop_grace to finish, then
//    SIGTERM, SIGKILL after kill_grace, and waits for the launcher: bounded by
//    stop_grace + kill_grace + 1 s. Completion callbacks are not called from it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"

namespace xvrrp::notify {

/// Identifies one run() (positive, unique per runner).
using ScriptId = std::int64_t;

/// What happened to one script, passed to the completion callbacks.
struct ScriptExit {
  ScriptId id = -1;
  pid_t pid = -1;       ///< -1 when it never started
  std::string command;  ///< the full shell command line that was run
  int exit_code = -1;   ///< WEXITSTATUS, or -1 when killed by a signal or never started
  int signal = 0;       ///< WTERMSIG, or 0 when it exited
  bool timed_out = false;
  std::string error;  ///< why it could not be started (empty when it ran)
  int64_t runtime_ns = 0;
  /// A check script's verdict: exit 0 = OK; a timeout, a signal or a script that could not
  /// run = KO.
  [[nodiscard]] bool ok() const { return exit_code == 0 && !timed_out && error.empty(); }
};

/// Who scripts run as: a script_user USER [GROUP] resolved through NSS.
struct ScriptCredentials {
  uid_t uid = 0;
  gid_t gid = 0;              ///< GROUP's, else USER's primary group
  std::vector<gid_t> groups;  ///< USER's supplementary groups (getgrouplist), gid included
  bool operator==(const ScriptCredentials&) const = default;
};

/// Resolves USER [GROUP] (empty GROUP = USER's primary group) with the reentrant NSS calls:
/// safe on any thread, and as slow as NSS is (an LDAP-backed passwd can take seconds), so
/// the daemon calls it off its event loop. std::runtime_error "script_user USER: no such
/// user" (or "... GROUP: no such group").
ScriptCredentials resolve_script_user(const std::string& user, const std::string& group);

/// True when USER exists (getpwnam_r); the same thread-safety and cost as above.
bool script_user_exists(const std::string& user);

struct ScriptSettings {
  /// 0: no timeout (a script that runs as long as the daemon, e.g. a notify FIFO's reader).
  std::chrono::milliseconds timeout = std::chrono::seconds(5);
  std::chrono::milliseconds kill_grace = std::chrono::seconds(1);
  /// How long shutdown() lets running scripts (notify_stop) finish before SIGTERM.
  std::chrono::milliseconds stop_grace = std::chrono::seconds(5);
  /// keepalived's `script_user USER [GROUP]`: resolved with resolve_script_user() when the
  /// runner is constructed, unless `credentials` holds it already (std::runtime_error if
  /// unknown, or if another user is asked of a runner that is not root). Empty user = the
  /// runner's own user and groups; empty group = the user's primary group. Scripts of a
  /// named user get its supplementary groups (getgrouplist).
  std::string user;
  std::string group;
  /// `user` and `group` already resolved (resolve_script_user()): the constructor then makes
  /// no NSS lookup, so a runner can be made on the event loop. Ignored when `user` is empty.
  std::optional<ScriptCredentials> credentials;
  /// keepalived's enable_script_security.
  bool script_security = false;
};

class ScriptRunner {
 public:
  using ExitCallback = std::function<void(const ScriptExit&)>;

  explicit ScriptRunner(const ScriptSettings& settings);
  explicit ScriptRunner(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                        std::chrono::milliseconds kill_grace = std::chrono::seconds(1));
  ~ScriptRunner();
  ScriptRunner(const ScriptRunner&) = delete;
  ScriptRunner& operator=(const ScriptRunner&) = delete;

  /// Starts `command_line` with `extra_args` appended (shell-quoted). Returns the script's id,
  /// or -1 after logging the error when it cannot even be requested (launcher gone). An empty
  /// command line is ignored (-1). `done` is called once with the outcome (from on_sigchld()
  /// or on_timer()), unless the runner is destroyed first.
  ScriptId run(const std::string& command_line, const std::vector<std::string>& extra_args = {},
               ExitCallback done = {});

  /// Reads the launcher's reports without blocking: logs and delivers every completion.
  void on_sigchld();

  /// CLOCK_MONOTONIC ns of the earliest timeout or kill step, INT64_MAX when nothing runs.
  [[nodiscard]] int64_t next_deadline_ns() const;

  /// Sends SIGTERM to scripts past their timeout and SIGKILL to those past the grace period.
  void on_timer(int64_t now_ns);

  /// Number of scripts requested and not yet reported finished.
  [[nodiscard]] size_t running() const { return children_.size(); }

  /// Optional observer called after each completion (after logging and the run's callback).
  void set_exit_callback(ExitCallback callback) { on_exit_ = std::move(callback); }

  /// The runner's end of the launcher socket (readable when reports are waiting).
  [[nodiscard]] int fd() const { return sock_.get(); }
  /// The launcher's pid (-1 once it is gone).
  [[nodiscard]] pid_t launcher_pid() const { return launcher_pid_; }

  /// Ends the launcher as described in the contract; idempotent.
  void shutdown();

  /// The command line run() would hand to /bin/sh -c.
  static std::string build_command(const std::string& command_line,
                                   const std::vector<std::string>& extra_args);
  /// POSIX shell single-quoting: abc -> 'abc', it's -> 'it'\''s'.
  static std::string shell_quote(const std::string& arg);

 private:
  struct Child {
    ScriptId id;
    pid_t pid;  // 0 until the launcher reports it
    std::string command;
    int64_t started_ns;
    int64_t deadline_ns;  // next action time
    bool terminated;      // SIGTERM already sent
    ExitCallback done;
  };

  void start_launcher();
  bool send_request(std::uint32_t type, ScriptId id, int arg, const std::string& payload);
  // Handles one report; false on EOF or a socket error.
  bool read_report(bool deliver);
  void finish(size_t index, ScriptExit result, bool deliver);
  void launcher_gone(bool deliver);

  ScriptSettings settings_;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  std::vector<gid_t> groups_;
  UniqueFd sock_;
  pid_t launcher_pid_ = -1;
  ScriptId next_id_ = 1;
  std::vector<Child> children_;
  ExitCallback on_exit_;
};

/// keepalived's enable_script_security rule for the script `command_line` runs (its first
/// word, looked up in PATH when it has no '/'): the reason it is unsafe when the file or any
/// directory on its path (symlinks resolved) is owned by a non-root user, or group-writable
/// with a non-root group, or world-writable; nullopt when it is safe.
std::optional<std::string> script_insecurity(const std::string& command_line);

/// keepalived's `notify SCRIPT` arguments: "INSTANCE" NAME STATE PRIORITY, e.g.
/// {"INSTANCE", "service-100", "MASTER", "100"}. notify_master/backup/fault get no extra args.
std::vector<std::string> notify_args(const std::string& instance, const char* state, int priority);

}  // namespace xvrrp::notify
