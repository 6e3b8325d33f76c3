// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/notify_fifo.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "notify/script_runner.hpp"

namespace xvrrp::daemon {

namespace {

constexpr core::Nanos kLogInterval = 10 * core::kNanosPerSecond;
constexpr int kCloseFlushMs = 200;

// The owner keepalived gives a FIFO it creates: the line's USER [GROUP], else script_user
// (get_default_script_user()). -1 = leave as created.
std::pair<uid_t, gid_t> owner_of(const config::NotifyFifo& cfg, const config::Global& g) {
  const std::string& user = cfg.user.empty() ? g.script_user : cfg.user;
  const std::string& group = cfg.user.empty() ? g.script_group : cfg.group;
  auto uid = static_cast<uid_t>(-1);
  auto gid = static_cast<gid_t>(-1);
  if (!user.empty()) {
    if (const passwd* pw = ::getpwnam(user.c_str()); pw != nullptr) {
      uid = pw->pw_uid;
      gid = pw->pw_gid;
    }
  }
  if (!group.empty()) {
    if (const struct group* gr = ::getgrnam(group.c_str()); gr != nullptr) gid = gr->gr_gid;
  }
  return {uid, gid};
}

}  // namespace

struct NotifyFifos::Fifo {
  std::string kind;  // the keyword, for messages
  std::string path;
  UniqueFd fd;
  bool created = false;
  std::uint32_t events = 0;  // what the loop waits for on fd
  policy::FifoBacklog backlog;
  policy::RateLimit drop_log{kLogInterval};
  std::unique_ptr<notify::ScriptRunner> runner;
};

NotifyFifos::NotifyFifos(EventLoop& loop, const config::Global& global) : loop_(loop) {
  const std::pair<const char*, const config::NotifyFifo*> wanted[] = {
      {"notify_fifo", &global.notify_fifo}, {"vrrp_notify_fifo", &global.vrrp_notify_fifo}};
  for (const auto& [kind, cfg] : wanted) {
    if (cfg->path.empty()) continue;
    auto f = std::make_unique<Fifo>();
    f->kind = kind;
    f->path = cfg->path;
    const auto [uid, gid] = owner_of(*cfg, global);
    // keepalived/core/notify.c fifo_open(): S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH.
    if (::mkfifo(f->path.c_str(), 0644) == 0) {
      f->created = true;
      const bool other_uid = uid != static_cast<uid_t>(-1) && uid != ::geteuid();
      const bool other_gid = gid != static_cast<gid_t>(-1) && gid != ::getegid();
      if ((other_uid || other_gid) &&
          ::chown(f->path.c_str(), other_uid ? uid : static_cast<uid_t>(-1),
                  other_gid ? gid : static_cast<gid_t>(-1)) != 0)
        XLOG_WARN("%s %s: cannot set its owner: %s", kind, f->path.c_str(), std::strerror(errno));
    } else if (errno != EEXIST) {
      XLOG_ERROR("%s %s: cannot create it: %s; not used", kind, f->path.c_str(),
                 std::strerror(errno));
      continue;
    }
    // O_RDWR: an O_WRONLY|O_NONBLOCK open fails (ENXIO) until a reader comes, and a reader
    // that goes away would turn every write into EPIPE.
    f->fd.reset(::open(f->path.c_str(), O_RDWR | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC));
    if (!f->fd) {
      XLOG_ERROR("%s %s: cannot open it: %s; not used", kind, f->path.c_str(),
                 std::strerror(errno));
      if (f->created) ::unlink(f->path.c_str());
      continue;
    }
    // An existing path may be anything someone planted: only a FIFO of ours is written to.
    struct stat st {};
    if (::fstat(f->fd.get(), &st) != 0 || !S_ISFIFO(st.st_mode) ||
        (st.st_uid != ::geteuid() && st.st_uid != uid)) {
      XLOG_ERROR("%s %s is not a FIFO owned by this daemon's user or the FIFO's; not used", kind,
                 f->path.c_str());
      continue;
    }
    Fifo* raw = f.get();
    loop_.add_fd(raw->fd.get(), 0, [this, raw](std::uint32_t) { flush(*raw); });
    XLOG_INFO("%s %s opened%s", kind, f->path.c_str(), f->created ? " (created)" : "");
    if (!cfg->script.empty()) {
      notify::ScriptSettings s;
      s.timeout = std::chrono::milliseconds(0);  // runs as long as the daemon
      s.stop_grace = std::chrono::milliseconds(500);
      s.user = cfg->script_user.empty() ? global.script_user : cfg->script_user;
      s.group = cfg->script_user.empty() ? global.script_group : cfg->script_group;
      s.script_security = global.script_security;
      f->runner = std::make_unique<notify::ScriptRunner>(s);
      const std::string what = std::string(kind) + "_script";
      f->runner->run(cfg->script, {f->path}, [what](const notify::ScriptExit& e) {
        XLOG_INFO("%s %s terminated", what.c_str(), e.command.c_str());
      });
    }
    fifos_.push_back(std::move(f));
  }
}

NotifyFifos::~NotifyFifos() { close(); }

bool NotifyFifos::active() const { return !fifos_.empty(); }

void NotifyFifos::instance(const std::string& name, std::string_view state, int priority) {
  if (fifos_.empty()) return;
  if (reloading_) notified_.emplace_back(false, name);
  write_all(policy::fifo_instance_line(name, state, priority));
}

void NotifyFifos::group(const std::string& name, std::string_view state) {
  if (fifos_.empty()) return;
  if (reloading_) notified_.emplace_back(true, name);
  write_all(policy::fifo_group_line(name, state));
}

void NotifyFifos::begin_reload() {
  reloading_ = true;
  notified_.clear();
}

void NotifyFifos::end_reload(const std::vector<policy::FifoStateEntry>& current,
                             bool write_states) {
  reloading_ = false;
  if (write_states && !fifos_.empty())
    for (const std::string& line : policy::reload_state_lines(current, notified_)) write_all(line);
  notified_.clear();
}

void NotifyFifos::write_all(const std::string& line) {
  for (auto& f : fifos_) {
    if (!f->fd) continue;
    if (const std::size_t dropped = f->backlog.push(line);
        dropped > 0 && f->drop_log.allow(clock::monotonic_ns()))
      XLOG_WARN(
          "%s %s: the reader is not keeping up; %llu line(s) dropped so far (the oldest "
          "unwritten ones; logged every 10 s)",
          f->kind.c_str(), f->path.c_str(), static_cast<unsigned long long>(f->backlog.dropped()));
    flush(*f);
  }
}

// Writes what the pipe takes; the loop reports EPOLLOUT while something is left.
void NotifyFifos::flush(Fifo& f) {
  while (f.fd && !f.backlog.empty()) {
    const std::string_view chunk = f.backlog.chunk();
    const ssize_t n = ::write(f.fd.get(), chunk.data(), chunk.size());
    if (n > 0) {
      f.backlog.consumed(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    // Holding the read end, nothing else is expected: give the FIFO up rather than spin.
    XLOG_ERROR("%s %s: write failed: %s; no longer used", f.kind.c_str(), f.path.c_str(),
               n < 0 ? std::strerror(errno) : "wrote nothing");
    loop_.remove_fd(f.fd.get());
    f.fd.reset();
    f.backlog.clear();
    return;
  }
  if (!f.fd) return;
  const std::uint32_t want = f.backlog.empty() ? 0 : std::uint32_t{EPOLLOUT};
  if (want != f.events) {
    loop_.modify_fd(f.fd.get(), want);
    f.events = want;
  }
}

void NotifyFifos::on_sigchld() {
  for (auto& f : fifos_)
    if (f->runner) f->runner->on_sigchld();
}

void NotifyFifos::close() {
  const std::int64_t deadline = clock::monotonic_ns() + kCloseFlushMs * 1'000'000LL;
  for (auto& f : fifos_) {
    flush(*f);
    // Shutdown, off the loop: a short wait lets a slow reader take the last lines.
    while (f->fd && !f->backlog.empty()) {
      const std::int64_t left = deadline - clock::monotonic_ns();
      if (left <= 0) break;
      pollfd pfd{f->fd.get(), POLLOUT, 0};
      if (::poll(&pfd, 1, static_cast<int>((left + 999'999) / 1'000'000)) < 0 && errno != EINTR)
        break;
      flush(*f);
    }
    if (f->fd && !f->backlog.empty())
      XLOG_WARN("%s %s: %zu line(s) not written at shutdown", f->kind.c_str(), f->path.c_str(),
                f->backlog.lines());
    // Removed before closing, as keepalived: a reader that reopens it in a loop cannot
    // open this FIFO again.
    if (f->created) ::unlink(f->path.c_str());
    f->created = false;
    if (f->fd) loop_.remove_fd(f->fd.get());
    f->fd.reset();
  }
  for (auto& f : fifos_)
    if (f->runner) f->runner->shutdown();
}

std::uint64_t NotifyFifos::dropped() const {
  std::uint64_t n = 0;
  for (const auto& f : fifos_) n += f->backlog.dropped();
  return n;
}

}  // namespace xvrrp::daemon
