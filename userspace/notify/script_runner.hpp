// SPDX-License-Identifier: GPL-2.0-or-later
// Asynchronous runner for keepalived-style notify scripts (notify_master,
// notify_backup, notify_fault, notify).
//
// Contract:
//  - run() spawns `/bin/sh -c "COMMAND 'ARG1' 'ARG2' ..."` (extra args single-quoted for the
//    shell) and returns at once; it never waits for the script.
//  - The child gets stdin = /dev/null, stdout/stderr inherited (journald under systemd), an empty
//    signal mask, default signal dispositions, no fds above 2, and its own process group so a
//    timeout kills the shell and everything it started.
//  - The owner reaps: it calls on_sigchld() whenever SIGCHLD is reported (the daemon blocks
//    SIGCHLD and reads it from a signalfd). Only children started by this runner are waited
//    for (waitpid(pid, WNOHANG) per child), so other children of the process are never stolen.
//  - The owner arms a timer at next_deadline_ns() (CLOCK_MONOTONIC ns) and calls on_timer(now).
//    A script still running at its deadline gets SIGTERM (to its process group), then SIGKILL
//    after kill_grace; both are logged.
//  - Non-zero exits and deaths by signal are logged at warning level with the command.
//  - Destroying the runner SIGKILLs and reaps scripts still running (blocking only for the reap
//    of already-killed processes).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace xvrrp::notify {

/// What happened to one script, passed to the completion callback.
struct ScriptExit {
  pid_t pid = -1;
  std::string command;  ///< the full shell command line that was run
  int exit_code = -1;   ///< WEXITSTATUS, or -1 when killed by a signal
  int signal = 0;       ///< WTERMSIG, or 0 when it exited
  bool timed_out = false;
  int64_t runtime_ns = 0;
};

class ScriptRunner {
 public:
  using ExitCallback = std::function<void(const ScriptExit&)>;

  explicit ScriptRunner(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                        std::chrono::milliseconds kill_grace = std::chrono::seconds(1));
  ~ScriptRunner();
  ScriptRunner(const ScriptRunner&) = delete;
  ScriptRunner& operator=(const ScriptRunner&) = delete;

  /// Starts `command_line` with `extra_args` appended (shell-quoted). Returns the child pid, or
  /// -1 after logging the error when the spawn failed. An empty command line is ignored (-1).
  pid_t run(const std::string& command_line, const std::vector<std::string>& extra_args = {});

  /// Reaps every finished child of this runner without blocking and logs non-zero exits.
  void on_sigchld();

  /// CLOCK_MONOTONIC ns of the earliest timeout or kill step, INT64_MAX when nothing runs.
  [[nodiscard]] int64_t next_deadline_ns() const;

  /// Sends SIGTERM to scripts past their timeout and SIGKILL to those past the grace period.
  void on_timer(int64_t now_ns);

  /// Number of scripts started and not yet reaped.
  [[nodiscard]] size_t running() const { return children_.size(); }

  /// Optional observer called after each reap (after logging).
  void set_exit_callback(ExitCallback callback) { on_exit_ = std::move(callback); }

  /// The command line run() would hand to /bin/sh -c.
  static std::string build_command(const std::string& command_line,
                                   const std::vector<std::string>& extra_args);
  /// POSIX shell single-quoting: abc -> 'abc', it's -> 'it'\''s'.
  static std::string shell_quote(const std::string& arg);

 private:
  struct Child {
    pid_t pid;
    std::string command;
    int64_t started_ns;
    int64_t deadline_ns;  // next action time
    bool terminated;      // SIGTERM already sent
  };

  void reap(size_t index, int status);

  int64_t timeout_ns_;
  int64_t kill_grace_ns_;
  std::vector<Child> children_;
  ExitCallback on_exit_;
};

/// keepalived's `notify SCRIPT` arguments: "INSTANCE" NAME STATE PRIORITY, e.g.
/// {"INSTANCE", "service-100", "MASTER", "100"}. notify_master/backup/fault get no extra args.
std::vector<std::string> notify_args(const std::string& instance, const char* state, int priority);

/// CLOCK_MONOTONIC now in ns (the clock of every deadline above).
int64_t monotonic_now_ns();

}  // namespace xvrrp::notify
