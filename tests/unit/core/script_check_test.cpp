// SPDX-License-Identifier: GPL-2.0-or-later
// ScriptCheck with a fake clock: keepalived's vrrp_script schedule, rise/fall counter,
// init_fail, timeouts, and how a tracked check acts on an instance.
#include "core/script_check.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace xvrrp::core {
namespace {

constexpr Nanos kSec = kNanosPerSecond;
constexpr Nanos kMs = 1'000'000;

CheckParams params(std::uint32_t rise, std::uint32_t fall, bool init_fail = false,
                   Nanos interval = kSec, Nanos timeout = 0) {
  CheckParams p;
  p.interval = interval;
  p.timeout = timeout;
  p.rise = rise;
  p.fall = fall;
  p.init_fail = init_fail;
  return p;
}

// Runs one check to completion at `now` with `outcome`; returns whether the state changed.
bool run_once(ScriptCheck& check, Nanos now, RunOutcome outcome) {
  EXPECT_TRUE(check.due(now));
  return check.finish(outcome, now + kMs);
}

TEST(ScriptCheck, StartsInInitWithTheCounterOneShortOfRise) {
  ScriptCheck check(params(2, 3), 0);
  EXPECT_EQ(check.state(), CheckState::Init);
  EXPECT_EQ(check.counter(), 1u);
  EXPECT_EQ(check.last_outcome(), RunOutcome::None);
  EXPECT_EQ(check.last_outcome_at(), kNever);
  EXPECT_FALSE(check.running());
}

TEST(ScriptCheck, InitOneSuccessIsEnough) {
  ScriptCheck check(params(5, 2), 0);
  EXPECT_TRUE(run_once(check, 0, RunOutcome::Success));
  EXPECT_EQ(check.state(), CheckState::Ok);
  EXPECT_EQ(check.counter(), 6u);  // rise + fall - 1
  EXPECT_EQ(check.last_outcome(), RunOutcome::Success);
  EXPECT_EQ(check.last_outcome_at(), kMs);
  EXPECT_EQ(check.state_since(), kMs);
}

TEST(ScriptCheck, InitOneFailureIsEnoughWhateverFall) {
  for (std::uint32_t fall : {1u, 2u, 5u}) {
    ScriptCheck check(params(2, fall), 0);
    EXPECT_TRUE(run_once(check, 0, RunOutcome::Failed)) << "fall " << fall;
    EXPECT_EQ(check.state(), CheckState::Ko);
    EXPECT_EQ(check.counter(), 0u);
  }
}

TEST(ScriptCheck, InitFailStartsKoAndNeedsRiseSuccesses) {
  ScriptCheck check(params(3, 2, true), 0);
  EXPECT_EQ(check.state(), CheckState::Ko);
  EXPECT_EQ(check.counter(), 0u);
  EXPECT_FALSE(run_once(check, 0, RunOutcome::Success));
  EXPECT_FALSE(run_once(check, kSec, RunOutcome::Success));
  EXPECT_EQ(check.state(), CheckState::Ko);
  EXPECT_TRUE(run_once(check, 2 * kSec, RunOutcome::Success));
  EXPECT_EQ(check.state(), CheckState::Ok);
}

TEST(ScriptCheck, InitFailFirstFailureChangesNothing) {
  ScriptCheck check(params(2, 2, true), 0);
  EXPECT_FALSE(run_once(check, 0, RunOutcome::Failed));
  EXPECT_EQ(check.state(), CheckState::Ko);
  EXPECT_EQ(check.state_since(), 0);
}

TEST(ScriptCheck, FallConsecutiveFailuresTurnKo) {
  ScriptCheck check(params(2, 3), 0);
  ASSERT_TRUE(run_once(check, 0, RunOutcome::Success));
  EXPECT_FALSE(run_once(check, 1 * kSec, RunOutcome::Failed));
  EXPECT_FALSE(run_once(check, 2 * kSec, RunOutcome::Failed));
  EXPECT_EQ(check.state(), CheckState::Ok);
  EXPECT_TRUE(run_once(check, 3 * kSec, RunOutcome::Failed));
  EXPECT_EQ(check.state(), CheckState::Ko);
  EXPECT_EQ(check.state_since(), 3 * kSec + kMs);
}

TEST(ScriptCheck, ASuccessRestartsTheFallCount) {
  ScriptCheck check(params(2, 2), 0);
  ASSERT_TRUE(run_once(check, 0, RunOutcome::Success));
  EXPECT_FALSE(run_once(check, 1 * kSec, RunOutcome::Failed));
  EXPECT_FALSE(run_once(check, 2 * kSec, RunOutcome::Success));
  EXPECT_FALSE(run_once(check, 3 * kSec, RunOutcome::Failed));
  EXPECT_EQ(check.state(), CheckState::Ok);
  EXPECT_TRUE(run_once(check, 4 * kSec, RunOutcome::Failed));
  EXPECT_EQ(check.state(), CheckState::Ko);
}

TEST(ScriptCheck, RiseConsecutiveSuccessesTurnOk) {
  ScriptCheck check(params(3, 1), 0);
  ASSERT_TRUE(run_once(check, 0, RunOutcome::Failed));
  EXPECT_FALSE(run_once(check, 1 * kSec, RunOutcome::Success));
  EXPECT_FALSE(run_once(check, 2 * kSec, RunOutcome::Success));
  EXPECT_TRUE(run_once(check, 3 * kSec, RunOutcome::Success));
  EXPECT_EQ(check.state(), CheckState::Ok);
}

TEST(ScriptCheck, AFailureRestartsTheRiseCount) {
  ScriptCheck check(params(2, 2), 0);
  ASSERT_TRUE(run_once(check, 0, RunOutcome::Failed));
  EXPECT_FALSE(run_once(check, 1 * kSec, RunOutcome::Success));
  EXPECT_FALSE(run_once(check, 2 * kSec, RunOutcome::Failed));
  EXPECT_EQ(check.counter(), 0u);
  EXPECT_FALSE(run_once(check, 3 * kSec, RunOutcome::Success));
  EXPECT_EQ(check.state(), CheckState::Ko);
  EXPECT_TRUE(run_once(check, 4 * kSec, RunOutcome::Success));
  EXPECT_EQ(check.state(), CheckState::Ok);
}

TEST(ScriptCheck, RiseAndFallOfOneFollowEveryOutcome) {
  ScriptCheck check(params(1, 1), 0);
  const std::vector<RunOutcome> outcomes = {RunOutcome::Success, RunOutcome::Failed,
                                            RunOutcome::Failed,  RunOutcome::Success,
                                            RunOutcome::Success, RunOutcome::Failed};
  const std::vector<CheckState> expected = {CheckState::Ok, CheckState::Ko, CheckState::Ko,
                                            CheckState::Ok, CheckState::Ok, CheckState::Ko};
  for (size_t i = 0; i < outcomes.size(); ++i) {
    run_once(check, static_cast<Nanos>(i) * kSec, outcomes[i]);
    EXPECT_EQ(check.state(), expected[i]) << "run " << i;
  }
}

TEST(ScriptCheck, EveryFailureKindCounts) {
  for (RunOutcome bad : {RunOutcome::Failed, RunOutcome::TimedOut, RunOutcome::NotRun}) {
    ScriptCheck check(params(1, 1), 0);
    ASSERT_TRUE(run_once(check, 0, RunOutcome::Success));
    EXPECT_TRUE(run_once(check, kSec, bad)) << run_outcome_name(bad);
    EXPECT_EQ(check.state(), CheckState::Ko);
    EXPECT_EQ(check.last_outcome(), bad);
  }
}

// The counter against a direct model: OK when `rise` successes in a row were seen since the
// last KO, KO when `fall` failures in a row were seen since the last OK.
TEST(ScriptCheck, MatchesTheConsecutiveRunsModelOnEveryPatternOf10Runs) {
  for (std::uint32_t rise = 1; rise <= 3; ++rise) {
    for (std::uint32_t fall = 1; fall <= 3; ++fall) {
      for (bool init_fail : {false, true}) {
        for (unsigned pattern = 0; pattern < 1024; ++pattern) {
          ScriptCheck check(params(rise, fall, init_fail), 0);
          CheckState model = init_fail ? CheckState::Ko : CheckState::Init;
          std::uint32_t good = init_fail ? 0 : rise - 1;
          std::uint32_t bad = 0;
          for (int i = 0; i < 10; ++i) {
            const bool ok = ((pattern >> i) & 1u) != 0;
            if (ok) {
              ++good;
              bad = 0;
              if (model != CheckState::Ok && good >= rise) model = CheckState::Ok;
            } else {
              ++bad;
              good = 0;
              if (model == CheckState::Init || (model == CheckState::Ok && bad >= fall)) {
                model = CheckState::Ko;
              }
            }
            run_once(check, i * kSec, ok ? RunOutcome::Success : RunOutcome::Failed);
            ASSERT_EQ(check.state(), model) << "rise " << rise << " fall " << fall << " init_fail "
                                            << init_fail << " pattern " << pattern << " run " << i;
          }
        }
      }
    }
  }
}

TEST(ScriptCheck, FinishReportsExactlyTheStateChanges) {
  ScriptCheck check(params(2, 2), 0);
  CheckState last = check.state();
  const unsigned pattern = 0b1100110101;
  for (int i = 0; i < 10; ++i) {
    const bool ok = ((pattern >> i) & 1u) != 0;
    const bool changed = run_once(check, i * kSec, ok ? RunOutcome::Success : RunOutcome::Failed);
    EXPECT_EQ(changed, check.state() != last) << "run " << i;
    last = check.state();
  }
}

TEST(ScriptCheck, FirstRunIsDueAtOnceThenEveryInterval) {
  ScriptCheck check(params(1, 1), 10 * kSec);
  EXPECT_EQ(check.next_run(), 10 * kSec);
  EXPECT_EQ(check.next_deadline(), 10 * kSec);
  EXPECT_FALSE(check.due(10 * kSec - 1));
  EXPECT_TRUE(check.due(10 * kSec));
  EXPECT_EQ(check.next_run(), 11 * kSec);
  EXPECT_TRUE(check.running());
  check.finish(RunOutcome::Success, 10 * kSec + 5 * kMs);
  EXPECT_FALSE(check.due(11 * kSec - 1));
  // A late wake-up keeps the period: the next run stays on the grid.
  EXPECT_TRUE(check.due(11 * kSec + 300 * kMs));
  EXPECT_EQ(check.next_run(), 12 * kSec);
  EXPECT_EQ(check.runs(), 2u);
}

TEST(ScriptCheck, FractionalInterval) {
  ScriptCheck check(params(1, 1, false, 1500 * kMs), 0);
  std::vector<Nanos> starts;
  for (Nanos t = 0; t <= 6 * kSec; t += 10 * kMs) {
    if (check.due(t)) {
      starts.push_back(t);
      check.finish(RunOutcome::Success, t);
    }
  }
  EXPECT_EQ(starts, (std::vector<Nanos>{0, 1500 * kMs, 3000 * kMs, 4500 * kMs, 6000 * kMs}));
}

TEST(ScriptCheck, FallingBehindResumesFromNowWithoutABurst) {
  ScriptCheck check(params(1, 1), 0);
  ASSERT_TRUE(check.due(0));
  check.finish(RunOutcome::Success, kMs);
  EXPECT_TRUE(check.due(10 * kSec + 1));
  EXPECT_EQ(check.next_run(), 11 * kSec + 1);
  check.finish(RunOutcome::Success, 10 * kSec + 2);
  EXPECT_FALSE(check.due(10 * kSec + 3));
}

TEST(ScriptCheck, AtMostOneRunInFlight) {
  ScriptCheck check(params(1, 1, false, kSec, 5 * kSec), 0);
  ASSERT_TRUE(check.due(0));
  EXPECT_FALSE(check.due(kSec));
  EXPECT_FALSE(check.due(2 * kSec));
  EXPECT_EQ(check.skipped(), 2u);
  EXPECT_EQ(check.runs(), 1u);
  EXPECT_EQ(check.next_run(), 3 * kSec);
  check.finish(RunOutcome::Success, 2 * kSec + 500 * kMs);
  EXPECT_TRUE(check.due(3 * kSec));
  EXPECT_EQ(check.runs(), 2u);
}

TEST(ScriptCheck, TimeoutDefaultsToTheInterval) {
  ScriptCheck check(params(1, 1, false, 2 * kSec), 0);
  EXPECT_EQ(check.effective_timeout(), 2 * kSec);
  ASSERT_TRUE(check.due(0));
  EXPECT_EQ(check.run_deadline(), 2 * kSec);
  EXPECT_FALSE(check.expired(2 * kSec - 1));
  EXPECT_TRUE(check.expired(2 * kSec));
  EXPECT_FALSE(check.expired(2 * kSec + 1));  // once per run
  EXPECT_EQ(check.run_deadline(), kNever);
  EXPECT_TRUE(check.running());
}

TEST(ScriptCheck, ExplicitTimeout) {
  ScriptCheck check(params(1, 1, false, 5 * kSec, 300 * kMs), 0);
  ASSERT_TRUE(check.due(0));
  EXPECT_EQ(check.run_deadline(), 300 * kMs);
  EXPECT_EQ(check.next_deadline(), 300 * kMs);
}

TEST(ScriptCheck, AnExpiredRunIsAFailureWhateverItExitedWith) {
  ScriptCheck check(params(1, 1, false, kSec, 200 * kMs), 0);
  ASSERT_TRUE(run_once(check, 0, RunOutcome::Success));
  ASSERT_TRUE(check.due(kSec));
  ASSERT_TRUE(check.expired(kSec + 200 * kMs));
  // Still in flight until reported: the next period is skipped.
  EXPECT_FALSE(check.due(2 * kSec));
  EXPECT_TRUE(check.finish(RunOutcome::Success, 2 * kSec + 100 * kMs));
  EXPECT_EQ(check.last_outcome(), RunOutcome::TimedOut);
  EXPECT_EQ(check.state(), CheckState::Ko);
}

TEST(ScriptCheck, FinishWithoutARunIsIgnored) {
  ScriptCheck check(params(1, 1), 0);
  EXPECT_FALSE(check.finish(RunOutcome::Failed, 0));
  EXPECT_EQ(check.state(), CheckState::Init);
  EXPECT_EQ(check.last_outcome(), RunOutcome::None);
  ASSERT_TRUE(check.due(0));
  EXPECT_FALSE(check.finish(RunOutcome::None, 0));
  EXPECT_TRUE(check.running());
}

TEST(ScriptCheck, BadParametersAreRefusedByName) {
  auto message = [](CheckParams p) {
    try {
      ScriptCheck check(p, 0);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message(params(1, 1, false, 0)).find("interval"), std::string::npos);
  EXPECT_NE(message(params(1, 1, false, kSec, -1)).find("timeout"), std::string::npos);
  EXPECT_NE(message(params(0, 1)).find("rise"), std::string::npos);
  EXPECT_NE(message(params(1, 0)).find("fall"), std::string::npos);
  EXPECT_EQ(message(params(1, 1)), "");
}

TEST(ScriptCheck, ReconfigureKeepsTheState) {
  ScriptCheck check(params(2, 2), 0);
  ASSERT_TRUE(run_once(check, 0, RunOutcome::Success));
  ASSERT_FALSE(run_once(check, kSec, RunOutcome::Failed));  // one failure of two
  check.reconfigure(params(3, 4, false, 10 * kSec), kSec + 2 * kMs);
  EXPECT_EQ(check.state(), CheckState::Ok);
  EXPECT_EQ(check.counter(), 6u);         // settled: a fresh fall count
  EXPECT_EQ(check.next_run(), 2 * kSec);  // sooner than now + 10 s: kept
  for (int i = 0; i < 3; ++i)
    EXPECT_FALSE(run_once(check, (2 + 10 * i) * kSec, RunOutcome::Failed));
  EXPECT_TRUE(run_once(check, 32 * kSec, RunOutcome::Failed));
}

TEST(ScriptCheck, ReconfigureToAShorterIntervalPullsTheNextRunIn) {
  ScriptCheck check(params(1, 1, false, 10 * kSec), 0);
  ASSERT_TRUE(run_once(check, 0, RunOutcome::Failed));
  check.reconfigure(params(1, 1, false, kSec), 2 * kSec);
  EXPECT_EQ(check.next_run(), 3 * kSec);
  EXPECT_EQ(check.state(), CheckState::Ko);
  EXPECT_THROW(check.reconfigure(params(0, 1), 2 * kSec), std::invalid_argument);
}

TEST(ScriptCheck, ReconfigureKeepsInitAndARunInFlight) {
  ScriptCheck check(params(2, 2), 0);
  ASSERT_TRUE(check.due(0));
  check.reconfigure(params(4, 2), 10 * kMs);
  EXPECT_EQ(check.state(), CheckState::Init);
  EXPECT_EQ(check.counter(), 3u);
  EXPECT_TRUE(check.running());
  EXPECT_TRUE(check.finish(RunOutcome::Success, 20 * kMs));
  EXPECT_EQ(check.state(), CheckState::Ok);
}

// The scenario: interval 1, rise 2, fall 2, the check starts failing 0.5 s after a
// run; the second failing run turns it KO, at most fall * interval after the failure began.
TEST(ScriptCheck, FailureIsSeenWithinFallIntervals) {
  ScriptCheck check(params(2, 2), 0);
  Nanos ko_at = kNever;
  const Nanos broken_at = 10 * kSec + 500 * kMs;
  for (Nanos t = 0; t < 20 * kSec && ko_at == kNever; t += kMs) {
    if (check.due(t)) {
      const bool ok = t < broken_at;
      if (check.finish(ok ? RunOutcome::Success : RunOutcome::Failed, t + 5 * kMs) &&
          check.state() == CheckState::Ko) {
        ko_at = t + 5 * kMs;
      }
    }
  }
  EXPECT_EQ(ko_at, 12 * kSec + 5 * kMs);
  EXPECT_LE(ko_at - broken_at, 2 * kSec);
}

struct EffectCase {
  CheckState state;
  int weight;
  bool reverse;
  CheckEffect effect;
};

TEST(CheckEffect, KeepalivedTrackScriptRule) {
  const std::vector<EffectCase> cases = {
      // Unweighted: FAULT while KO (reverse: while OK), and until the first outcome.
      {CheckState::Init, 0, false, {true, 0}},
      {CheckState::Ok, 0, false, {false, 0}},
      {CheckState::Ko, 0, false, {true, 0}},
      {CheckState::Init, 0, true, {true, 0}},
      {CheckState::Ok, 0, true, {true, 0}},
      {CheckState::Ko, 0, true, {false, 0}},
      // Positive weight: added while OK; reverse: subtracted while OK.
      {CheckState::Init, 10, false, {false, 0}},
      {CheckState::Ok, 10, false, {false, 10}},
      {CheckState::Ko, 10, false, {false, 0}},
      {CheckState::Init, 10, true, {false, 0}},
      {CheckState::Ok, 10, true, {false, -10}},
      {CheckState::Ko, 10, true, {false, 0}},
      // Negative weight: added while KO; reverse: its opposite added while KO.
      {CheckState::Init, -60, false, {false, 0}},
      {CheckState::Ok, -60, false, {false, 0}},
      {CheckState::Ko, -60, false, {false, -60}},
      {CheckState::Init, -60, true, {false, 0}},
      {CheckState::Ok, -60, true, {false, 0}},
      {CheckState::Ko, -60, true, {false, 60}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(check_effect(c.state, c.weight, c.reverse), c.effect)
        << check_state_name(c.state) << " weight " << c.weight << " reverse " << c.reverse;
  }
}

// Keepalived applies the weight as a step on every OK<->KO transition; the state-based rule
// above gives the same total after any sequence.
TEST(CheckEffect, EqualsKeepalivedsIncrementalUpdates) {
  for (int weight : {-60, -1, 1, 25}) {
    for (bool reverse : {false, true}) {
      const int multiplier = reverse ? -1 : 1;
      ScriptCheck check(params(1, 1), 0);
      int total = 0;
      const unsigned pattern = 0b0110100111;
      for (int i = 0; i < 10; ++i) {
        const bool ok = ((pattern >> i) & 1u) != 0;
        const CheckState before = check.state();
        if (run_once(check, i * kSec, ok ? RunOutcome::Success : RunOutcome::Failed)) {
          // process_script_update_priority
          if (before == CheckState::Init) {
            if (ok && weight > 0) total += weight * multiplier;
            if (!ok && weight < 0) total += weight * multiplier;
          } else {
            total += (ok ? 1 : -1) * (weight < 0 ? -weight : weight) * multiplier;
          }
        }
        EXPECT_EQ(check_effect(check.state(), weight, reverse).delta, total)
            << "weight " << weight << " reverse " << reverse << " run " << i;
      }
    }
  }
}

}  // namespace
}  // namespace xvrrp::core
