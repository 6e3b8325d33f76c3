// SPDX-License-Identifier: GPL-2.0-or-later
#include "notify/script_runner.hpp"

#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <map>
#include <stdexcept>
#include <system_error>

#include "common/clock.hpp"
#include "common/log.hpp"

extern char** environ;

namespace xvrrp::notify {
namespace {

// The launcher protocol: one SOCK_SEQPACKET message per request or report, a fixed header
// and, for kRun and kFailed, a text payload (the command, the reason).
enum MsgType : std::uint32_t {
  kRun = 1,        // runner -> launcher: payload = command
  kKill = 2,       // arg = signal, to the script's process group
  kShutdown = 3,   // arg = stop grace (ms), arg2 = kill grace (ms)
  kStarted = 101,  // launcher -> runner: arg = pid
  kFailed = 102,   // arg = errno, payload = reason
  kExited = 103,   // arg = pid, arg2 = wait status
};

struct MsgHeader {
  std::uint32_t type;
  std::uint32_t reserved;
  std::int64_t id;
  std::int32_t arg;
  std::int32_t arg2;
};
static_assert(sizeof(MsgHeader) == 24);

constexpr std::size_t kMaxMessage = 64 * 1024;
constexpr int kLauncherFd = 3;

std::string receive(int fd, MsgHeader& h, int flags, ssize_t& rc) {
  std::string buf(kMaxMessage, '\0');
  rc = ::recv(fd, buf.data(), buf.size(), flags);
  if (rc < static_cast<ssize_t>(sizeof h)) return {};
  std::memcpy(&h, buf.data(), sizeof h);
  return buf.substr(sizeof h, static_cast<std::size_t>(rc) - sizeof h);
}

bool send_message(int fd, const MsgHeader& h, const std::string& payload) {
  std::string buf(reinterpret_cast<const char*>(&h), sizeof h);
  buf += payload;
  if (buf.size() > kMaxMessage) buf.resize(kMaxMessage);
  return ::send(fd, buf.data(), buf.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(buf.size());
}

int64_t ms_to_ns(std::chrono::milliseconds ms) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(ms).count();
}

// The first word of a shell command line, with simple quotes removed.
std::string first_word(const std::string& command_line) {
  std::string word;
  std::size_t i = command_line.find_first_not_of(" \t");
  if (i == std::string::npos) return word;
  if (command_line[i] == '"' || command_line[i] == '\'') {
    const char quote = command_line[i];
    const std::size_t end = command_line.find(quote, i + 1);
    return command_line.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1);
  }
  const std::size_t end = command_line.find_first_of(" \t", i);
  return command_line.substr(i, end == std::string::npos ? std::string::npos : end - i);
}

std::string find_in_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/sbin:/usr/bin:/sbin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return {};
}

// ---- the launcher process ----

struct LauncherConfig {
  uid_t uid;
  gid_t gid;
  std::vector<gid_t> groups;
  bool change_user;
  bool script_security;
  int64_t default_stop_grace_ns;
  int64_t default_kill_grace_ns;
};

[[noreturn]] void exec_script(const std::string& command, const LauncherConfig& cfg) {
  ::setpgid(0, 0);
  sigset_t empty;
  sigemptyset(&empty);
  ::sigprocmask(SIG_SETMASK, &empty, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
  // A daemon running SCHED_FIFO must not hand its class to a script that may spin.
  sched_param param{};
  param.sched_priority = 0;
  ::sched_setscheduler(0, SCHED_OTHER, &param);
  const int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd >= 0 && null_fd != STDIN_FILENO) {
    ::dup2(null_fd, STDIN_FILENO);
    ::close(null_fd);
  }
  ::close_range(STDERR_FILENO + 1, ~0U, 0);
  if (cfg.change_user) {
    if (::setgroups(cfg.groups.size(), cfg.groups.data()) != 0 || ::setgid(cfg.gid) != 0 ||
        ::setuid(cfg.uid) != 0) {
      std::fprintf(stderr, "xvrrpd: script %s: cannot switch to uid %u: %s\n", command.c_str(),
                   static_cast<unsigned>(cfg.uid), std::strerror(errno));
      ::_exit(126);
    }
  }
  char sh[] = "/bin/sh";
  char dash_c[] = "-c";
  std::string cmd = command;
  char* argv[] = {sh, dash_c, cmd.data(), nullptr};
  ::execve("/bin/sh", argv, environ);
  ::_exit(127);
}

[[noreturn]] void launcher_main(const LauncherConfig& cfg, pid_t daemon_pid) {
  ::prctl(PR_SET_NAME, "xvrrpd-scripts", 0, 0, 0);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGUSR1, SIGUSR2}) ::signal(sig, SIG_IGN);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  // Only SIGCHLD stays blocked (read from the signalfd); the rest are ignored now.
  ::sigprocmask(SIG_SETMASK, &chld, nullptr);
  const int sfd = ::signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  sched_param param{};
  ::sched_setscheduler(0, SCHED_OTHER, &param);

  std::map<std::int64_t, pid_t> by_id;
  std::map<pid_t, std::int64_t> by_pid;
  bool stopping = false;
  bool terminated = false;
  bool socket_open = true;
  int64_t deadline = INT64_MAX;
  int64_t kill_grace = cfg.default_kill_grace_ns;

  auto report = [&](const MsgHeader& h, const std::string& payload) {
    if (!socket_open) return;
    if (!send_message(kLauncherFd, h, payload)) return;
    // The daemon reads SIGCHLD from a signalfd: this wakes it to read the report.
    if (::getppid() == daemon_pid) ::kill(daemon_pid, SIGCHLD);
  };
  auto begin_stop = [&](int64_t grace_ns, int64_t kill_ns) {
    if (stopping) return;
    stopping = true;
    deadline = clock::monotonic_ns() + grace_ns;
    kill_grace = kill_ns;
  };

  for (;;) {
    if (stopping && by_pid.empty()) ::_exit(0);
    int timeout_ms = -1;
    if (stopping) {
      const int64_t left = deadline - clock::monotonic_ns();
      timeout_ms = static_cast<int>(std::max<int64_t>(0, (left + 999'999) / 1'000'000));
    }
    pollfd fds[2] = {{socket_open ? kLauncherFd : -1, POLLIN, 0}, {sfd, POLLIN, 0}};
    const int n = ::poll(fds, 2, timeout_ms);
    if (n < 0 && errno != EINTR) ::_exit(1);
    if (socket_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      MsgHeader h{};
      ssize_t rc = 0;
      std::string payload = receive(kLauncherFd, h, MSG_DONTWAIT, rc);
      if (rc == 0 || (rc < 0 && errno != EAGAIN && errno != EINTR)) {
        // The daemon is gone without a word: treat it as a shutdown.
        socket_open = false;
        begin_stop(cfg.default_stop_grace_ns, cfg.default_kill_grace_ns);
      } else if (rc >= static_cast<ssize_t>(sizeof h)) {
        if (h.type == kRun) {
          MsgHeader r{};
          r.id = h.id;
          std::optional<std::string> unsafe;
          if (cfg.script_security) unsafe = script_insecurity(payload);
          if (stopping) {
            r.type = kFailed;
            r.arg = ESHUTDOWN;
            report(r, "the daemon is shutting down");
          } else if (unsafe) {
            r.type = kFailed;
            r.arg = EPERM;
            report(r, "refused by enable_script_security: " + *unsafe);
          } else {
            const pid_t pid = ::fork();
            if (pid == 0) exec_script(payload, cfg);
            // Also here, so that a kill of the group right after the report finds it.
            if (pid > 0) ::setpgid(pid, pid);
            if (pid < 0) {
              r.type = kFailed;
              r.arg = errno;
              report(r, std::string("fork: ") + std::strerror(errno));
            } else {
              by_id[h.id] = pid;
              by_pid[pid] = h.id;
              r.type = kStarted;
              r.arg = pid;
              report(r, {});
            }
          }
        } else if (h.type == kKill) {
          if (auto it = by_id.find(h.id); it != by_id.end()) ::kill(-it->second, h.arg);
        } else if (h.type == kShutdown) {
          begin_stop(static_cast<int64_t>(h.arg) * 1'000'000,
                     static_cast<int64_t>(h.arg2) * 1'000'000);
        }
      }
    }
    if ((fds[1].revents & POLLIN) != 0) {
      signalfd_siginfo info{};
      while (::read(sfd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      }
    }
    // Reap on every wake-up: SIGCHLD may coalesce.
    for (;;) {
      int status = 0;
      const pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid <= 0) break;
      auto it = by_pid.find(pid);
      if (it == by_pid.end()) continue;
      MsgHeader r{};
      r.type = kExited;
      r.id = it->second;
      r.arg = pid;
      r.arg2 = status;
      by_id.erase(it->second);
      by_pid.erase(it);
      report(r, {});
    }
    if (stopping && !by_pid.empty() && clock::monotonic_ns() >= deadline) {
      for (const auto& [pid, id] : by_pid) ::kill(-pid, terminated ? SIGKILL : SIGTERM);
      if (terminated) {
        deadline = INT64_MAX;  // only the reaps are left
      } else {
        terminated = true;
        deadline = clock::monotonic_ns() + kill_grace;
      }
    }
  }
}

}  // namespace

std::vector<std::string> notify_args(const std::string& instance, const char* state, int priority) {
  return {"INSTANCE", instance, state, std::to_string(priority)};
}

std::optional<std::string> script_insecurity(const std::string& command_line) {
  const std::string name = first_word(command_line);
  if (name.empty()) return std::string("empty command");
  const std::string found = find_in_path(name);
  if (found.empty()) return name + " is not found in PATH";
  char resolved[PATH_MAX];
  if (::realpath(found.c_str(), resolved) == nullptr) return found + ": " + std::strerror(errno);
  std::string path = resolved;
  for (;;) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return path + ": " + std::strerror(errno);
    if (st.st_uid != 0)
      return path + " is owned by uid " + std::to_string(st.st_uid) + ", not root";
    if (st.st_gid != 0 && (st.st_mode & S_IWGRP) != 0)
      return path + " is writable by group " + std::to_string(st.st_gid);
    if ((st.st_mode & S_IWOTH) != 0) return path + " is writable by everyone";
    if (path == "/") break;
    const std::size_t slash = path.rfind('/');
    path = slash == 0 ? "/" : path.substr(0, slash);
  }
  return std::nullopt;
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
    : ScriptRunner([&] {
        ScriptSettings s;
        s.timeout = timeout;
        s.kill_grace = kill_grace;
        s.stop_grace = timeout;
        return s;
      }()) {}

ScriptRunner::ScriptRunner(const ScriptSettings& settings) : settings_(settings) {
  uid_ = ::geteuid();
  gid_ = ::getegid();
  if (settings_.user.empty()) {
    start_launcher();
    return;
  }
  const ScriptCredentials who = settings_.credentials
                                    ? *settings_.credentials
                                    : resolve_script_user(settings_.user, settings_.group);
  uid_ = who.uid;
  gid_ = who.gid;
  groups_ = who.groups;
  if ((uid_ != ::geteuid() || gid_ != ::getegid()) && ::geteuid() != 0) {
    throw std::runtime_error("script_user " + settings_.user +
                             ": only root can run scripts as another user");
  }
  start_launcher();
}

bool script_user_exists(const std::string& user) {
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  return ::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr;
}

ScriptCredentials resolve_script_user(const std::string& user, const std::string& group) {
  ScriptCredentials who;
  {
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buf(16384);
    if (::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr)
      throw std::runtime_error("script_user " + user + ": no such user");
    who.uid = pw.pw_uid;
    who.gid = pw.pw_gid;
  }
  if (!group.empty()) {
    struct group gr {};
    struct group* found = nullptr;
    std::vector<char> buf(65536);
    if (::getgrnam_r(group.c_str(), &gr, buf.data(), buf.size(), &found) != 0 || found == nullptr)
      throw std::runtime_error("script_user " + user + " " + group + ": no such group");
    who.gid = gr.gr_gid;
  }
  int ngroups = 64;
  who.groups.resize(static_cast<std::size_t>(ngroups));
  if (::getgrouplist(user.c_str(), who.gid, who.groups.data(), &ngroups) < 0) {
    who.groups.resize(static_cast<std::size_t>(ngroups));
    ::getgrouplist(user.c_str(), who.gid, who.groups.data(), &ngroups);
  }
  who.groups.resize(static_cast<std::size_t>(std::max(ngroups, 0)));
  return who;
}

void ScriptRunner::start_launcher() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    throw std::system_error(errno, std::generic_category(), "socketpair (script launcher)");
  LauncherConfig cfg{
      uid_,
      gid_,
      groups_,
      !settings_.user.empty() && (uid_ != ::geteuid() || gid_ != ::getegid() || ::geteuid() == 0),
      settings_.script_security,
      ms_to_ns(settings_.stop_grace),
      ms_to_ns(settings_.kill_grace)};
  const pid_t daemon_pid = ::getpid();
  // A SIGTERM (systemd signals the whole cgroup) must not kill the launcher before it had a
  // chance to ignore it: blocked across the fork, ignored in the child, then unblocked.
  sigset_t stop_signals;
  sigset_t saved;
  sigemptyset(&stop_signals);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&stop_signals, sig);
  ::pthread_sigmask(SIG_BLOCK, &stop_signals, &saved);
  const pid_t pid = ::fork();
  if (pid != 0) ::pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  if (pid < 0) {
    const int err = errno;
    ::close(sv[0]);
    ::close(sv[1]);
    throw std::system_error(err, std::generic_category(), "fork (script launcher)");
  }
  if (pid == 0) {
    // Nothing of the daemon's survives but stdin/stdout/stderr and the socket.
    if (::dup2(sv[1], kLauncherFd) < 0) ::_exit(1);
    ::close_range(kLauncherFd + 1, ~0U, 0);
    launcher_main(cfg, daemon_pid);
  }
  ::close(sv[1]);
  sock_.reset(sv[0]);
  const int flags = ::fcntl(sock_.get(), F_GETFL);
  ::fcntl(sock_.get(), F_SETFL, flags | O_NONBLOCK);
  launcher_pid_ = pid;
  XLOG_DEBUG("script launcher started (pid %d)", static_cast<int>(pid));
}

ScriptRunner::~ScriptRunner() { shutdown(); }

bool ScriptRunner::send_request(std::uint32_t type, ScriptId id, int arg,
                                const std::string& payload) {
  if (!sock_) return false;
  MsgHeader h{};
  h.type = type;
  h.id = id;
  h.arg = arg;
  if (type == kShutdown) h.arg2 = static_cast<std::int32_t>(settings_.kill_grace.count());
  return send_message(sock_.get(), h, payload);
}

ScriptId ScriptRunner::run(const std::string& command_line,
                           const std::vector<std::string>& extra_args, ExitCallback done) {
  if (command_line.empty()) return -1;
  std::string command = build_command(command_line, extra_args);
  if (command.size() + sizeof(MsgHeader) > kMaxMessage) {
    XLOG_ERROR("cannot start script %.80s...: command longer than %zu bytes", command.c_str(),
               kMaxMessage - sizeof(MsgHeader));
    return -1;
  }
  const ScriptId id = next_id_++;
  if (!send_request(kRun, id, 0, command)) {
    XLOG_ERROR("cannot start script %s: the script launcher is gone", command.c_str());
    return -1;
  }
  const int64_t now = clock::monotonic_ns();
  XLOG_DEBUG("requested script %s (id %lld)", command.c_str(), static_cast<long long>(id));
  const int64_t deadline =
      settings_.timeout.count() > 0 ? now + ms_to_ns(settings_.timeout) : INT64_MAX;
  children_.push_back(Child{id, 0, std::move(command), now, deadline, false, std::move(done)});
  return id;
}

void ScriptRunner::finish(size_t index, ScriptExit result, bool deliver) {
  Child child = std::move(children_[index]);
  children_.erase(children_.begin() + static_cast<std::ptrdiff_t>(index));
  result.id = child.id;
  if (result.pid <= 0 && child.pid > 0) result.pid = child.pid;
  result.command = std::move(child.command);
  result.timed_out = child.terminated;
  result.runtime_ns = clock::monotonic_ns() - child.started_ns;
  if (!result.error.empty()) {
    XLOG_WARN("script %s not run: %s", result.command.c_str(), result.error.c_str());
  } else if (result.signal == 0 && result.exit_code != 0) {
    XLOG_WARN("script %s exited with status %d", result.command.c_str(), result.exit_code);
  } else if (result.signal != 0 && !result.timed_out) {
    XLOG_WARN("script %s killed by signal %d (%s)", result.command.c_str(), result.signal,
              strsignal(result.signal));
  }
  if (!deliver) return;
  if (child.done) child.done(result);
  if (on_exit_) on_exit_(result);
}

bool ScriptRunner::read_report(bool deliver) {
  MsgHeader h{};
  ssize_t rc = 0;
  std::string payload = receive(sock_.get(), h, MSG_DONTWAIT, rc);
  if (rc < 0) {
    if (errno != EAGAIN && errno != EINTR) launcher_gone(deliver);
    return false;
  }
  if (rc == 0) {
    launcher_gone(deliver);
    return false;
  }
  if (rc < static_cast<ssize_t>(sizeof h)) return true;
  auto it = std::find_if(children_.begin(), children_.end(),
                         [&](const Child& c) { return c.id == h.id; });
  if (it == children_.end()) return true;
  const auto index = static_cast<size_t>(it - children_.begin());
  if (h.type == kStarted) {
    it->pid = h.arg;
    XLOG_DEBUG("started script %s (pid %d)", it->command.c_str(), h.arg);
  } else if (h.type == kFailed) {
    ScriptExit result;
    result.error = payload.empty() ? std::strerror(h.arg) : payload;
    finish(index, std::move(result), deliver);
  } else if (h.type == kExited) {
    ScriptExit result;
    result.pid = h.arg;
    if (WIFEXITED(h.arg2)) {
      result.exit_code = WEXITSTATUS(h.arg2);
    } else if (WIFSIGNALED(h.arg2)) {
      result.signal = WTERMSIG(h.arg2);
    }
    finish(index, std::move(result), deliver);
  }
  return true;
}

void ScriptRunner::launcher_gone(bool deliver) {
  sock_.reset();
  if (launcher_pid_ > 0) {
    int status = 0;
    if (::waitpid(launcher_pid_, &status, WNOHANG) == launcher_pid_) {
      if (!deliver) {
        launcher_pid_ = -1;
      } else {
        XLOG_ERROR("script launcher (pid %d) died; scripts can no longer run",
                   static_cast<int>(launcher_pid_));
        launcher_pid_ = -1;
      }
    }
  }
  while (!children_.empty()) {
    ScriptExit result;
    result.error = "the script launcher is gone";
    finish(0, std::move(result), deliver);
  }
}

void ScriptRunner::on_sigchld() {
  while (sock_ && read_report(true)) {
  }
  if (launcher_pid_ > 0) {
    int status = 0;
    if (::waitpid(launcher_pid_, &status, WNOHANG) == launcher_pid_) {
      XLOG_ERROR("script launcher (pid %d) died; scripts can no longer run",
                 static_cast<int>(launcher_pid_));
      launcher_pid_ = -1;
      while (sock_ && read_report(true)) {
      }
      if (sock_) launcher_gone(true);
    }
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
                static_cast<long long>(settings_.timeout.count()));
      send_request(kKill, child.id, SIGTERM, {});
      child.terminated = true;
      child.deadline_ns = now_ns + ms_to_ns(settings_.kill_grace);
    } else {
      XLOG_WARN("script %s ignored SIGTERM, killed (SIGKILL)", child.command.c_str());
      send_request(kKill, child.id, SIGKILL, {});
      child.deadline_ns = INT64_MAX;  // only the report is left
    }
  }
}

void ScriptRunner::shutdown() {
  if (launcher_pid_ <= 0) {
    sock_.reset();
    return;
  }
  if (!children_.empty())
    XLOG_INFO("waiting up to %lld ms for %zu script(s) to finish",
              static_cast<long long>(settings_.stop_grace.count()), children_.size());
  send_request(kShutdown, 0, static_cast<int>(settings_.stop_grace.count()), {});
  const int64_t limit = clock::monotonic_ns() + ms_to_ns(settings_.stop_grace) +
                        ms_to_ns(settings_.kill_grace) + 1'000'000'000;
  while (sock_) {
    const int64_t left = limit - clock::monotonic_ns();
    if (left <= 0) break;
    pollfd pfd{sock_.get(), POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>((left + 999'999) / 1'000'000)) <= 0) continue;
    while (sock_ && read_report(false)) {
    }
  }
  sock_.reset();
  if (launcher_pid_ > 0) {
    int status = 0;
    if (::waitpid(launcher_pid_, &status, WNOHANG) != launcher_pid_) {
      XLOG_WARN("script launcher (pid %d) did not exit in time, killed",
                static_cast<int>(launcher_pid_));
      ::kill(launcher_pid_, SIGKILL);
      while (::waitpid(launcher_pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
    launcher_pid_ = -1;
  }
  children_.clear();
}

}  // namespace xvrrp::notify
