// SPDX-License-Identifier: GPL-2.0-or-later
// ScriptCheck: one vrrp_script health check's schedule and state, with keepalived's semantics
// (keepalived.conf(5) "VRRP script(s)"; vrrp_scheduler.c vrrp_init_script,
// vrrp_script_thread, vrrp_script_child_thread).
//
// Pure logic: no processes, no clock reads. The daemon starts the script when due() says so,
// kills it when expired() says so and reports its outcome with finish().
//
// Schedule: the first run is due at construction time (keepalived runs every check at once at
// start-up), then every `interval` measured from the previous due time. At most one run is in
// flight: a run due while the previous one still runs is skipped (counted in skipped()). A run
// lasting longer than `timeout` (0 = the interval) must be killed; it counts as a failure once
// it is reported finished.
//
// State (keepalived's `result` counter, 0 .. rise + fall - 1; OK when >= rise):
//  - without init_fail the check starts in Init with the counter at rise - 1: the first
//    outcome decides at once (one success -> Ok, one failure -> Ko);
//  - with init_fail it starts Ko with the counter at 0: `rise` successes are needed;
//  - Ko -> Ok after `rise` consecutive successes (a failure restarts the count);
//  - Ok -> Ko after `fall` consecutive failures (a success restarts the count).
// Outcomes: exit status 0 = success; a non-zero exit, a death by signal, a timeout and a
// script that could not be started are failures.
#pragma once

#include <cstdint>

#include "core/vrrp_instance.hpp"  // Nanos, kNever

namespace xvrrp::core {

struct CheckParams {
  Nanos interval = kNanosPerSecond;  ///< > 0.
  Nanos timeout = 0;                 ///< >= 0; 0 = the interval.
  std::uint32_t rise = 1;            ///< >= 1.
  std::uint32_t fall = 1;            ///< >= 1.
  bool init_fail = false;
  friend bool operator==(const CheckParams&, const CheckParams&) = default;
};

enum class CheckState : std::uint8_t {
  Init,  ///< no outcome yet (without init_fail)
  Ok,
  Ko,
};

/// "INIT", "OK", "KO".
const char* check_state_name(CheckState state);

enum class RunOutcome : std::uint8_t {
  None,      ///< no run has finished yet
  Success,   ///< exit status 0
  Failed,    ///< non-zero exit status or killed by a signal we did not send
  TimedOut,  ///< killed after `timeout`
  NotRun,    ///< could not be started
};

/// "none", "success", "failed", "timed out", "not run".
const char* run_outcome_name(RunOutcome outcome);

class ScriptCheck {
 public:
  /// Throws std::invalid_argument naming the field for a value outside the ranges above.
  ScriptCheck(CheckParams params, Nanos now);

  /// Earliest time due() or expired() has something to do.
  [[nodiscard]] Nanos next_deadline() const;
  /// When the next run is due.
  [[nodiscard]] Nanos next_run() const { return next_run_; }
  /// When the run in flight times out; kNever when none runs or it was already expired.
  [[nodiscard]] Nanos run_deadline() const {
    return running_ && !expired_ ? run_deadline_ : kNever;
  }

  /// At or after next_run(): true when the daemon must start the script now (it then calls
  /// finish() exactly once for it); false when early or when the previous run is still in flight
  /// (that run is skipped). Advances next_run() by the interval (to now + interval when the
  /// daemon fell more than one interval behind).
  bool due(Nanos now);

  /// At or after run_deadline(): true once per run, when the daemon must kill it. The run stays
  /// in flight until finish().
  bool expired(Nanos now);

  /// The outcome of the run in flight (Success, Failed, TimedOut or NotRun; a Failed run that
  /// was expired() counts as TimedOut). Returns true when state() changed. Ignored (false) when
  /// no run is in flight.
  bool finish(RunOutcome outcome, Nanos now);

  /// Live reload: new parameters; the state is kept and the counter restarts at its settled
  /// value for that state (Ok: rise + fall - 1, Ko: 0, Init: rise - 1), so a reload never flips
  /// a check by itself. A run in flight keeps its deadline; the next run is due at most one new
  /// interval from now. Throws as the constructor.
  void reconfigure(CheckParams params, Nanos now);

  [[nodiscard]] CheckState state() const { return state_; }
  [[nodiscard]] bool running() const { return running_; }
  /// keepalived's `result` counter.
  [[nodiscard]] std::uint32_t counter() const { return counter_; }
  [[nodiscard]] RunOutcome last_outcome() const { return last_outcome_; }
  /// When the last run finished; kNever before the first one.
  [[nodiscard]] Nanos last_outcome_at() const { return last_outcome_at_; }
  /// When state() last changed; the construction time before that.
  [[nodiscard]] Nanos state_since() const { return state_since_; }
  [[nodiscard]] std::uint64_t runs() const { return runs_; }
  [[nodiscard]] std::uint64_t skipped() const { return skipped_; }
  [[nodiscard]] const CheckParams& params() const { return params_; }
  /// The timeout in force: params().timeout, or the interval when that is 0.
  [[nodiscard]] Nanos effective_timeout() const;

 private:
  static void validate(const CheckParams& params);
  void set_state(CheckState state, Nanos now);

  CheckParams params_;
  CheckState state_;
  std::uint32_t counter_;
  Nanos next_run_;
  Nanos run_deadline_ = kNever;
  bool running_ = false;
  bool expired_ = false;
  RunOutcome last_outcome_ = RunOutcome::None;
  Nanos last_outcome_at_ = kNever;
  Nanos state_since_;
  std::uint64_t runs_ = 0;
  std::uint64_t skipped_ = 0;
};

/// How one tracked check acts on an instance (keepalived vrrp_track.c
/// process_script_update_priority / initialise_track_script_state), for weight -253..253:
///  - weight 0: FAULT while the check is Ko (reverse: while Ok), and also while it is Init
///    (keepalived holds the instance out of BACKUP/MASTER until the first outcome);
///  - weight > 0: +weight while Ok (reverse: -weight while Ok);
///  - weight < 0: +weight while Ko (reverse: -weight while Ko);
///  - a weighted check in Init changes nothing.
struct CheckEffect {
  bool fault = false;
  int delta = 0;
  friend bool operator==(const CheckEffect&, const CheckEffect&) = default;
};
CheckEffect check_effect(CheckState state, int weight, bool reverse);

}  // namespace xvrrp::core
