// SPDX-License-Identifier: GPL-2.0-or-later
#include "notify/script_runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "common/log.hpp"

extern char** environ;

namespace xvrrp::notify {

int64_t monotonic_now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::vector<std::string> notify_args(const std::string& instance, const char* state, int priority) {
  return {"INSTANCE", instance, state, std::to_string(priority)};
}

std::string ScriptRunner::shell_quote(const std::string& arg) {
  std::string quoted = "'";
  for (char c : arg) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  quoted += '\'';
  return quoted;
}

std::string ScriptRunner::build_command(const std::string& command_line,
                                        const std::vector<std::string>& extra_args) {
  std::string command = command_line;
  for (const auto& arg : extra_args) {
    command += ' ';
    command += shell_quote(arg);
  }
  return command;
}

ScriptRunner::ScriptRunner(std::chrono::milliseconds timeout, std::chrono::milliseconds kill_grace)
    : timeout_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count()),
      kill_grace_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(kill_grace).count()) {}

ScriptRunner::~ScriptRunner() {
  for (const auto& child : children_) {
    ::kill(-child.pid, SIGKILL);
    int status = 0;
    while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

pid_t ScriptRunner::run(const std::string& command_line,
                        const std::vector<std::string>& extra_args) {
  if (command_line.empty()) return -1;
  std::string command = build_command(command_line, extra_args);

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  // The daemon's sockets, signalfd and BPF fds must not leak into scripts even if one was
  // opened without O_CLOEXEC.
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  sigset_t all_signals;
  sigfillset(&all_signals);
  posix_spawnattr_setsigmask(&attr, &empty_mask);
  posix_spawnattr_setsigdefault(&attr, &all_signals);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_USEVFORK);

  char sh[] = "/bin/sh";
  char dash_c[] = "-c";
  char* argv[] = {sh, dash_c, command.data(), nullptr};
  pid_t pid = -1;
  int rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    XLOG_ERROR("cannot start script %s: %s", command.c_str(), std::strerror(rc));
    return -1;
  }
  int64_t now = monotonic_now_ns();
  XLOG_DEBUG("started script %s (pid %d)", command.c_str(), static_cast<int>(pid));
  children_.push_back(Child{pid, std::move(command), now, now + timeout_ns_, false});
  return pid;
}

void ScriptRunner::reap(size_t index, int status) {
  Child child = std::move(children_[index]);
  children_.erase(children_.begin() + static_cast<std::ptrdiff_t>(index));
  ScriptExit result;
  result.pid = child.pid;
  result.command = std::move(child.command);
  result.timed_out = child.terminated;
  result.runtime_ns = monotonic_now_ns() - child.started_ns;
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
    if (result.exit_code != 0) {
      XLOG_WARN("script %s exited with status %d", result.command.c_str(), result.exit_code);
    }
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
    if (!result.timed_out) {
      XLOG_WARN("script %s killed by signal %d (%s)", result.command.c_str(), result.signal,
                strsignal(result.signal));
    }
  }
  if (on_exit_) on_exit_(result);
}

void ScriptRunner::on_sigchld() {
  for (size_t i = 0; i < children_.size();) {
    int status = 0;
    pid_t rc = ::waitpid(children_[i].pid, &status, WNOHANG);
    if (rc == children_[i].pid) {
      reap(i, status);
      continue;
    }
    if (rc < 0 && errno == ECHILD) {
      // Someone else reaped it (e.g. SIGCHLD set to SIG_IGN); nothing left to track.
      XLOG_WARN("script %s (pid %d) was reaped elsewhere", children_[i].command.c_str(),
                static_cast<int>(children_[i].pid));
      children_.erase(children_.begin() + static_cast<std::ptrdiff_t>(i));
      continue;
    }
    ++i;
  }
}

int64_t ScriptRunner::next_deadline_ns() const {
  int64_t earliest = INT64_MAX;
  for (const auto& child : children_) earliest = std::min(earliest, child.deadline_ns);
  return earliest;
}

void ScriptRunner::on_timer(int64_t now_ns) {
  for (auto& child : children_) {
    if (child.deadline_ns > now_ns) continue;
    if (!child.terminated) {
      XLOG_WARN("script %s timed out after %lld ms, killed (SIGTERM)", child.command.c_str(),
                static_cast<long long>(timeout_ns_ / 1'000'000));
      ::kill(-child.pid, SIGTERM);
      child.terminated = true;
      child.deadline_ns = now_ns + kill_grace_ns_;
    } else {
      XLOG_WARN("script %s ignored SIGTERM, killed (SIGKILL)", child.command.c_str());
      ::kill(-child.pid, SIGKILL);
      child.deadline_ns = INT64_MAX;  // only the reap is left
    }
  }
}

}  // namespace xvrrp::notify
