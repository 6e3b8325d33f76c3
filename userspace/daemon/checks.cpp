// SPDX-License-Identifier: GPL-2.0-or-later
// vrrp_script checks: core::ScriptCheck decides when to run and what a result
// means; the scripts run off the event loop through notify::ScriptRunner and
// their results feed every tracking instance's policy::evaluate_tracking().
#include <algorithm>
#include <chrono>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "daemon/check_runtime.hpp"
#include "daemon/daemon.hpp"
#include "daemon/instance_runtime.hpp"
#include "daemon/notify_fifo.hpp"
#include "notify/script_runner.hpp"

namespace xvrrp::daemon {

using core::Nanos;

namespace {

constexpr Nanos kNanosPerMs = 1'000'000;
constexpr std::uint64_t kScriptsKind = 2;  // Daemon::TimerKind::Scripts

std::string runner_key(const config::VrrpScript& s, Nanos timeout) {
  return std::to_string(timeout) + "|" + s.user + "|" + s.group;
}

core::RunOutcome outcome_of(const notify::ScriptExit& e) {
  if (!e.error.empty()) return core::RunOutcome::NotRun;
  if (e.timed_out) return core::RunOutcome::TimedOut;
  if (e.signal == 0 && e.exit_code == 0) return core::RunOutcome::Success;
  return core::RunOutcome::Failed;
}

}  // namespace

core::CheckParams check_params(const config::VrrpScript& s) {
  core::CheckParams p;
  p.interval = Nanos{s.interval_ms} * kNanosPerMs;
  p.timeout = Nanos{s.timeout_ms} * kNanosPerMs;
  p.rise = s.rise;
  p.fall = s.fall;
  p.init_fail = s.init_fail;
  return p;
}

notify::ScriptRunner& Daemon::check_runner(const config::VrrpScript& script) {
  const core::ScriptCheck probe(check_params(script), 0);
  const Nanos timeout = probe.effective_timeout();
  const std::string key = runner_key(script, timeout);
  auto it = check_runners_.find(key);
  if (it != check_runners_.end()) return *it->second;
  notify::ScriptSettings settings;
  settings.timeout = std::chrono::milliseconds(std::max<Nanos>(1, timeout / kNanosPerMs));
  // keepalived: SIGTERM at the timeout, SIGKILL 2 s later.
  settings.kill_grace = std::chrono::seconds(2);
  // A check still running at shutdown has nothing left to report.
  settings.stop_grace = std::chrono::milliseconds(0);
  set_script_user(settings, {script.user, script.group}, script_users_);
  settings.script_security = config_.global.script_security;
  auto runner = std::make_unique<notify::ScriptRunner>(settings);
  notify::ScriptRunner& ref = *runner;
  check_runners_.emplace(key, std::move(runner));
  return ref;
}

std::unique_ptr<Daemon::CheckRuntime> Daemon::make_check(const config::VrrpScript& script,
                                                         Nanos now) {
  auto c = std::make_unique<CheckRuntime>(next_check_id_++, script,
                                          core::ScriptCheck(check_params(script), now));
  c->runner = &check_runner(script);
  // keepalived runs every check once at start-up, then every interval.
  c->timer = loop_.timers().schedule(c->check.next_deadline(), timer_cookie(c->id, kScriptsKind));
  return c;
}

void Daemon::setup_checks() {
  const Nanos now = clock::monotonic_ns();
  for (const auto& script : config_.scripts) {
    try {
      checks_.push_back(make_check(script, now));
    } catch (const std::exception& e) {
      throw std::runtime_error(script.where + ": vrrp_script " + script.name + ": " + e.what());
    }
    const auto& c = *checks_.back();
    XLOG_INFO("VRRP_Script(%s) every %.3f s, timeout %.3f s, rise %u, fall %u, initially %s",
              script.name.c_str(), static_cast<double>(c.check.params().interval) / 1e9,
              static_cast<double>(c.check.effective_timeout()) / 1e9, script.rise, script.fall,
              core::check_state_name(c.check.state()));
  }
}

bool Daemon::prepare_check_runners(const std::vector<config::VrrpScript>& next,
                                   std::string& error) {
  for (const auto& script : next) {
    try {
      const bool fresh = !check_runners_.count(
          runner_key(script, core::ScriptCheck(check_params(script), 0).effective_timeout()));
      check_runner(script);
      if (fresh)
        XLOG_WARN(
            "VRRP_Script(%s): a new timeout or user after start-up: its scripts run without the "
            "capabilities xvrrpd dropped; restart xvrrpd to run them with full privileges",
            script.name.c_str());
    } catch (const std::exception& e) {
      error = script.where + ": vrrp_script " + script.name + ": " + e.what();
      return false;
    }
  }
  return true;
}

void Daemon::reload_checks(const std::vector<config::VrrpScript>& next) {
  const Nanos now = clock::monotonic_ns();
  std::vector<std::unique_ptr<CheckRuntime>> updated;
  for (const auto& script : next) {
    auto it = std::find_if(checks_.begin(), checks_.end(),
                           [&](const auto& c) { return c->cfg.name == script.name; });
    if (it == checks_.end()) {
      XLOG_INFO("VRRP_Script(%s) added", script.name.c_str());
      updated.push_back(make_check(script, now));
      continue;
    }
    std::unique_ptr<CheckRuntime> c = std::move(*it);
    checks_.erase(it);
    if (!(c->cfg == script)) {
      // The state is kept: a reload alone never fails or recovers a check.
      XLOG_INFO("VRRP_Script(%s) updated, state %s kept", script.name.c_str(),
                core::check_state_name(c->check.state()));
      c->check.reconfigure(check_params(script), now);
      c->runner = &check_runner(script);
      loop_.timers().reschedule(c->timer, c->check.next_deadline());
    }
    c->cfg = script;
    updated.push_back(std::move(c));
  }
  for (auto& gone : checks_) {
    XLOG_INFO("VRRP_Script(%s) removed", gone->cfg.name.c_str());
    loop_.timers().cancel(gone->timer);
  }
  checks_ = std::move(updated);
}

const Daemon::CheckRuntime* Daemon::find_check(const std::string& name) const {
  for (const auto& c : checks_)
    if (c->cfg.name == name) return c.get();
  return nullptr;
}

void Daemon::on_check_timer(std::uint64_t id, Nanos now) {
  auto it =
      std::find_if(checks_.begin(), checks_.end(), [&](const auto& c) { return c->id == id; });
  if (it == checks_.end()) return;
  CheckRuntime& c = **it;
  // The runner kills the script at the same timeout; this only marks the run.
  c.check.expired(now);
  const auto skipped = c.check.skipped();
  if (c.check.due(now)) {
    start_check(c, now);
  } else if (c.check.skipped() != skipped) {
    XLOG_INFO("Track script %s is already running, expect idle - skipping run", c.cfg.name.c_str());
  }
  loop_.timers().reschedule(c.timer, c.check.next_deadline());
}

void Daemon::start_check(CheckRuntime& c, Nanos now) {
  const std::uint64_t id = c.id;
  const notify::ScriptId run = c.runner->run(
      c.cfg.script, {}, [this, id](const notify::ScriptExit& exit) { on_check_done(id, exit); });
  if (run < 0) {
    c.last_exit_code = -1;
    c.last_signal = 0;
    c.last_error = "could not be started";
    if (c.check.finish(core::RunOutcome::NotRun, now)) check_changed(c, now);
  }
  rearm_scripts_timer();
}

void Daemon::on_check_done(std::uint64_t id, const notify::ScriptExit& exit) {
  auto it =
      std::find_if(checks_.begin(), checks_.end(), [&](const auto& c) { return c->id == id; });
  if (it == checks_.end()) return;  // removed by a reload while it ran
  CheckRuntime& c = **it;
  const Nanos now = clock::monotonic_ns();
  c.last_exit_code = exit.exit_code;
  c.last_signal = exit.signal;
  c.last_error = exit.error;
  if (c.check.finish(outcome_of(exit), now)) check_changed(c, now);
  loop_.timers().reschedule(c.timer, c.check.next_deadline());
}

// keepalived's words, so that log watchers keep working.
void Daemon::check_changed(const CheckRuntime& c, Nanos now) {
  const core::RunOutcome o = c.check.last_outcome();
  const char* what = c.check.state() == core::CheckState::Ok ? "succeeded"
                     : o == core::RunOutcome::TimedOut       ? "timed_out"
                                                             : "failed";
  if (o == core::RunOutcome::Failed && c.last_signal != 0)
    XLOG_INFO("VRRP_Script(%s) %s (due to signal %d)", c.cfg.name.c_str(), what, c.last_signal);
  else if (o == core::RunOutcome::Failed)
    XLOG_INFO("VRRP_Script(%s) %s (exited with status %d)", c.cfg.name.c_str(), what,
              c.last_exit_code);
  else if (o == core::RunOutcome::NotRun)
    XLOG_INFO("VRRP_Script(%s) %s (not run: %s)", c.cfg.name.c_str(), what, c.last_error.c_str());
  else
    XLOG_INFO("VRRP_Script(%s) %s", c.cfg.name.c_str(), what);
  for (auto& rt : instances_) {
    const bool tracks =
        std::any_of(rt->cfg.track_scripts.begin(), rt->cfg.track_scripts.end(),
                    [&](const config::TrackedScript& t) { return t.script.name == c.cfg.name; });
    if (tracks) update_tracking(*rt, now);
  }
}

void Daemon::on_scripts_sigchld() {
  scripts_->on_sigchld();
  for (auto& [key, runner] : check_runners_) runner->on_sigchld();
  if (fifos_) fifos_->on_sigchld();
  rearm_scripts_timer();
}

void Daemon::on_scripts_timer(Nanos now) {
  scripts_->on_timer(now);
  for (auto& [key, runner] : check_runners_) runner->on_timer(now);
  rearm_scripts_timer();
}

void Daemon::rearm_scripts_timer() {
  Nanos next = scripts_->next_deadline_ns();
  for (const auto& [key, runner] : check_runners_)
    next = std::min(next, runner->next_deadline_ns());
  loop_.timers().reschedule(scripts_timer_, next);
}

}  // namespace xvrrp::daemon
