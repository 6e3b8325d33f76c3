// SPDX-License-Identifier: GPL-2.0-or-later
// vrrp_track_process trackers: policy/track_process.hpp says which processes count and
// core::ProcessQuorum what the count means; here /proc is read, the proc connector (or a
// scan a second) finds new processes, and a pidfd per counted process reports its exit.
#include <sys/epoll.h>

#include <algorithm>
#include <set>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "daemon/daemon.hpp"
#include "daemon/instance_runtime.hpp"
#include "daemon/process_runtime.hpp"
#include "daemon/process_watch.hpp"
#include "policy/track_process.hpp"

namespace xvrrp::daemon {

using core::Nanos;

namespace {

constexpr Nanos kScanPeriod = core::kNanosPerSecond;  // without the proc connector

}  // namespace

void Daemon::setup_track_processes() {
  if (config_.track_processes.empty()) return;
  std::string why;
  process_watch_ = std::make_unique<ProcessWatch>(why);
  if (process_watch_->has_connector()) {
    loop_.add_fd(process_watch_->connector_fd(), EPOLLIN, [this](std::uint32_t) {
      const Nanos now = clock::monotonic_ns();
      process_watch_->on_connector_readable(ProcessWatch::Events{
          [this, now](pid_t parent, pid_t child) { on_process_fork(parent, child, now); },
          [this, now](pid_t pid) { check_process(pid, now); },
          [this, now](pid_t pid) { on_process_exit(pid, now); },
          [this, now] {
            XLOG_WARN("Process events lost: rescanning /proc");
            scan_processes(now);
          }});
      rearm_processes_timer();
    });
    XLOG_INFO("Tracking processes through the proc connector");
  } else {
    XLOG_INFO("Tracking processes by a /proc scan every %.0f s (%s); exits are seen at once",
              static_cast<double>(kScanPeriod) / 1e9, why.c_str());
  }
  if (proc_hides_processes())
    XLOG_WARN(
        "/proc hides other users' processes (hidepid; the shipped unit's ProtectProc=invisible): "
        "vrrp_track_process counts only root's; add ProtectProc=default in a drop-in to count all");
  for (const auto& cfg : config_.track_processes) {
    auto t = std::make_unique<ProcessTracker>(
        ProcessTracker{cfg, core::ProcessQuorum(policy::quorum_params(cfg))});
    processes_.push_back(std::move(t));
  }
  const Nanos now = clock::monotonic_ns();
  scan_processes(now);
  rearm_processes_timer();
  for (const auto& t : processes_)
    XLOG_INFO("Tracked process %s: %zu running, quorum %s", t->cfg.name.c_str(), t->quorum.count(),
              t->quorum.up() ? "gained" : "lost");
}

const Daemon::ProcessTracker* Daemon::find_process(const std::string& name) const {
  for (const auto& t : processes_)
    if (t->cfg.name == name) return t.get();
  return nullptr;
}

void Daemon::watch_process_exit(pid_t pid) {
  if (process_watch_->watching(pid) >= 0) return;
  const int fd = process_watch_->watch_exit(pid);
  if (fd < 0) return;
  loop_.add_fd(fd, EPOLLIN, [this, pid](std::uint32_t) {
    on_process_exit(pid, clock::monotonic_ns());
    rearm_processes_timer();
  });
}

void Daemon::unwatch_process_if_unused(pid_t pid) {
  if (std::any_of(processes_.begin(), processes_.end(),
                  [&](const auto& t) { return t->quorum.contains(pid); }))
    return;
  const int fd = process_watch_->watching(pid);
  if (fd < 0) return;
  loop_.remove_fd(fd);
  process_watch_->unwatch(pid);
}

void Daemon::check_process(pid_t pid, Nanos now) {
  const bool cmdline = std::any_of(processes_.begin(), processes_.end(),
                                   [](const auto& t) { return t->cfg.full_command; });
  ProcessInfo info;
  const bool alive = read_process(pid, cmdline, info) && !info.zombie;
  std::vector<ProcessTracker*> changed;
  for (auto& t : processes_) {
    const bool match = alive && policy::process_matches(t->cfg, info.comm, info.cmdline);
    const bool flip =
        match ? t->quorum.add(pid, core::ProcessCause::Scan, now)
              : t->quorum.remove(pid, alive ? core::ProcessCause::Scan : core::ProcessCause::Exit,
                                 now);
    if (match) watch_process_exit(pid);
    if (flip) changed.push_back(t.get());
  }
  unwatch_process_if_unused(pid);
  processes_changed(changed, now);
}

void Daemon::on_process_fork(pid_t parent, pid_t child, Nanos now) {
  std::vector<ProcessTracker*> changed;
  ProcessInfo info;
  bool read = false, alive = false;
  for (auto& t : processes_) {
    if (!t->quorum.contains(parent)) continue;
    if (!read) {
      alive = read_process(child, true, info) && !info.zombie;
      read = true;
    }
    if (!alive || !policy::process_matches(t->cfg, info.comm, info.cmdline)) continue;
    if (t->quorum.add(child, core::ProcessCause::Fork, now)) changed.push_back(t.get());
    watch_process_exit(child);
  }
  processes_changed(changed, now);
}

void Daemon::on_process_exit(pid_t pid, Nanos now) {
  std::vector<ProcessTracker*> changed;
  for (auto& t : processes_)
    if (t->quorum.remove(pid, core::ProcessCause::Exit, now)) changed.push_back(t.get());
  unwatch_process_if_unused(pid);
  processes_changed(changed, now);
}

void Daemon::scan_processes(Nanos now) {
  const bool cmdline = std::any_of(processes_.begin(), processes_.end(),
                                   [](const auto& t) { return t->cfg.full_command; });
  std::vector<std::set<std::int32_t>> found(processes_.size());
  for (const pid_t pid : list_processes()) {
    ProcessInfo info;
    if (!read_process(pid, cmdline, info) || info.zombie) continue;
    for (std::size_t i = 0; i < processes_.size(); ++i)
      if (policy::process_matches(processes_[i]->cfg, info.comm, info.cmdline))
        found[i].insert(pid);
  }
  std::set<std::int32_t> before, after;
  std::vector<ProcessTracker*> changed;
  for (std::size_t i = 0; i < processes_.size(); ++i) {
    ProcessTracker& t = *processes_[i];
    before.insert(t.quorum.pids().begin(), t.quorum.pids().end());
    if (t.quorum.replace(found[i], now)) changed.push_back(&t);
    after.insert(found[i].begin(), found[i].end());
  }
  for (const pid_t pid : after) watch_process_exit(pid);
  for (const pid_t pid : before)
    if (after.count(pid) == 0) unwatch_process_if_unused(pid);
  next_process_scan_ = process_watch_->has_connector() ? core::kNever : now + kScanPeriod;
  processes_changed(changed, now);
}

void Daemon::on_processes_timer(Nanos now) {
  std::vector<ProcessTracker*> changed;
  for (auto& t : processes_)
    if (t->quorum.on_timer(now)) changed.push_back(t.get());
  processes_changed(changed, now);
  if (now >= next_process_scan_) scan_processes(now);
  rearm_processes_timer();
}

void Daemon::rearm_processes_timer() {
  if (processes_.empty()) return;
  Nanos next = next_process_scan_;
  for (const auto& t : processes_) next = std::min(next, t->quorum.next_deadline());
  loop_.timers().reschedule(processes_timer_, next);
}

void Daemon::processes_changed(const std::vector<ProcessTracker*>& changed, Nanos now) {
  if (changed.empty()) return;
  for (ProcessTracker* t : changed) {
    t->changed_at = now;
    XLOG_INFO("Quorum %s for tracked process %s (%zu running)", t->quorum.up() ? "gained" : "lost",
              t->cfg.name.c_str(), t->quorum.count());
  }
  for (auto& rt : instances_) {
    const bool tracks = std::any_of(rt->cfg.track_processes.begin(), rt->cfg.track_processes.end(),
                                    [&](const config::TrackedProcess& p) {
                                      return std::any_of(changed.begin(), changed.end(),
                                                         [&](const ProcessTracker* t) {
                                                           return t->cfg.name == p.process.name;
                                                         });
                                    });
    if (tracks) update_tracking(*rt, now);
  }
}

}  // namespace xvrrp::daemon
