// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/script_check.hpp"

#include <algorithm>
#include <stdexcept>

namespace xvrrp::core {

const char* check_state_name(CheckState state) {
  switch (state) {
    case CheckState::Init:
      return "INIT";
    case CheckState::Ok:
      return "OK";
    case CheckState::Ko:
      return "KO";
  }
  return "?";
}

const char* run_outcome_name(RunOutcome outcome) {
  switch (outcome) {
    case RunOutcome::None:
      return "none";
    case RunOutcome::Success:
      return "success";
    case RunOutcome::Failed:
      return "failed";
    case RunOutcome::TimedOut:
      return "timed out";
    case RunOutcome::NotRun:
      return "not run";
  }
  return "?";
}

void ScriptCheck::validate(const CheckParams& params) {
  if (params.interval <= 0) throw std::invalid_argument("script interval must be > 0");
  if (params.timeout < 0) throw std::invalid_argument("script timeout must be >= 0");
  if (params.rise < 1) throw std::invalid_argument("script rise must be >= 1");
  if (params.fall < 1) throw std::invalid_argument("script fall must be >= 1");
  // The counter runs up to rise + fall - 1.
  if (params.rise > 1'000'000 || params.fall > 1'000'000) {
    throw std::invalid_argument("script rise and fall must be <= 1000000");
  }
}

ScriptCheck::ScriptCheck(CheckParams params, Nanos now)
    : params_(params),
      state_(params.init_fail ? CheckState::Ko : CheckState::Init),
      counter_(params.init_fail ? 0 : params.rise - 1),
      next_run_(now),
      state_since_(now) {
  validate(params_);
}

Nanos ScriptCheck::effective_timeout() const {
  return params_.timeout > 0 ? params_.timeout : params_.interval;
}

Nanos ScriptCheck::next_deadline() const { return std::min(next_run_, run_deadline()); }

bool ScriptCheck::due(Nanos now) {
  if (now < next_run_) return false;
  next_run_ += params_.interval;
  // A daemon that fell behind (suspend, a long stall) resumes the period from now rather than
  // firing the missed runs back to back.
  if (next_run_ <= now) next_run_ = now + params_.interval;
  if (running_) {
    ++skipped_;
    return false;
  }
  running_ = true;
  expired_ = false;
  run_deadline_ = now + effective_timeout();
  ++runs_;
  return true;
}

bool ScriptCheck::expired(Nanos now) {
  if (!running_ || expired_ || now < run_deadline_) return false;
  expired_ = true;
  return true;
}

void ScriptCheck::set_state(CheckState state, Nanos now) {
  if (state == state_) return;
  state_ = state;
  state_since_ = now;
}

bool ScriptCheck::finish(RunOutcome outcome, Nanos now) {
  if (!running_ || outcome == RunOutcome::None) return false;
  running_ = false;
  run_deadline_ = kNever;
  // A run that outlived its timeout is a failure whatever it exited with.
  if (expired_) outcome = RunOutcome::TimedOut;
  expired_ = false;
  last_outcome_ = outcome;
  last_outcome_at_ = now;
  const CheckState before = state_;
  const std::uint32_t rise = params_.rise;
  const std::uint32_t top = params_.rise + params_.fall - 1;
  // keepalived's result counter, step for step (vrrp_script_child_thread).
  if (outcome == RunOutcome::Success) {
    if (counter_ < rise - 1) {
      ++counter_;
    } else if (counter_ != top) {
      if (counter_ < rise) set_state(CheckState::Ok, now);
      counter_ = top;
    }
  } else {
    if (counter_ > rise) {
      --counter_;
    } else {
      if (counter_ == rise || state_ == CheckState::Init) set_state(CheckState::Ko, now);
      counter_ = 0;
    }
  }
  return state_ != before;
}

void ScriptCheck::reconfigure(CheckParams params, Nanos now) {
  validate(params);
  params_ = params;
  switch (state_) {
    case CheckState::Init:
      counter_ = params_.rise - 1;
      break;
    case CheckState::Ok:
      counter_ = params_.rise + params_.fall - 1;
      break;
    case CheckState::Ko:
      counter_ = 0;
      break;
  }
  next_run_ = std::min(next_run_, now + params_.interval);
}

CheckEffect check_effect(CheckState state, int weight, bool reverse) {
  CheckEffect effect;
  if (weight == 0) {
    // The first outcome decides; until then the instance is held in FAULT.
    effect.fault = state == CheckState::Init || (state == CheckState::Ok) == reverse;
    return effect;
  }
  if (state == CheckState::Init) return effect;
  const bool ok = state == CheckState::Ok;
  const int sign = reverse ? -1 : 1;
  // A positive weight counts while OK, a negative one while KO.
  if (weight > 0 ? ok : !ok) effect.delta = sign * weight;
  return effect;
}

}  // namespace xvrrp::core
