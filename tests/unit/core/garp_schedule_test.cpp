// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/garp_schedule.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace xvrrp::core {
namespace {

constexpr Nanos kMs = 1'000'000;
constexpr Nanos kSec = kNanosPerSecond;

TEST(GarpSchedule, IdleUntilStarted) {
  GarpSchedule garp;
  EXPECT_FALSE(garp.active());
  EXPECT_EQ(garp.next_deadline(), kNever);
  EXPECT_EQ(garp.due(100 * kSec), 0);
}

TEST(GarpSchedule, KeepalivedDefaultsFiveNowFiveAfterFiveSeconds) {
  GarpSchedule garp;
  garp.start(10 * kSec);
  EXPECT_EQ(garp.next_deadline(), 10 * kSec);
  EXPECT_EQ(garp.due(10 * kSec), 5);
  EXPECT_EQ(garp.due(10 * kSec), 0);
  EXPECT_EQ(garp.next_deadline(), 15 * kSec);
  EXPECT_EQ(garp.due(15 * kSec - 1), 0);
  EXPECT_EQ(garp.due(15 * kSec), 5);
  EXPECT_EQ(garp.next_deadline(), kNever);  // refresh off
  EXPECT_EQ(garp.due(1000 * kSec), 0);
}

TEST(GarpSchedule, ZeroDelayMeansNoSecondBurst) {
  GarpSchedule garp(GarpParams{.repeat = 3, .interval = 0, .delay = 0});
  garp.start(0);
  EXPECT_EQ(garp.due(0), 3);
  EXPECT_EQ(garp.next_deadline(), kNever);
}

TEST(GarpSchedule, RefreshBursts) {
  GarpSchedule garp(
      GarpParams{.repeat = 5, .delay = 5 * kSec, .refresh = 60 * kSec, .refresh_repeat = 2});
  garp.start(0);
  EXPECT_EQ(garp.due(0), 5);
  EXPECT_EQ(garp.due(5 * kSec), 5);
  EXPECT_EQ(garp.next_deadline(), 60 * kSec);
  EXPECT_EQ(garp.due(60 * kSec), 2);
  EXPECT_EQ(garp.next_deadline(), 120 * kSec);
  EXPECT_EQ(garp.due(120 * kSec + 3 * kMs), 2);
  EXPECT_EQ(garp.next_deadline(), 180 * kSec);  // stays on its grid
  // Far behind: one burst, not one per missed period.
  EXPECT_EQ(garp.due(1000 * kSec), 2);
  EXPECT_EQ(garp.next_deadline(), 1060 * kSec);
}

TEST(GarpSchedule, IntervalSpacesABurst) {
  GarpSchedule garp(GarpParams{.repeat = 4, .interval = 200 * kMs, .delay = 0});
  garp.start(0);
  EXPECT_EQ(garp.due(0), 1);
  EXPECT_EQ(garp.next_deadline(), 200 * kMs);
  EXPECT_EQ(garp.due(199 * kMs), 0);
  EXPECT_EQ(garp.due(200 * kMs), 1);
  EXPECT_EQ(garp.due(600 * kMs), 2);  // 400 and 600 ms both due
  EXPECT_EQ(garp.next_deadline(), kNever);
  EXPECT_EQ(garp.due(10 * kSec), 0);
}

TEST(GarpSchedule, LateCallMergesOverlappingBursts) {
  GarpSchedule garp(
      GarpParams{.repeat = 3, .delay = 5 * kSec, .refresh = 5 * kSec, .refresh_repeat = 1});
  garp.start(0);
  EXPECT_EQ(garp.due(0), 3);
  EXPECT_EQ(garp.due(5 * kSec), 4);  // second burst and first refresh together
  EXPECT_EQ(garp.next_deadline(), 10 * kSec);
}

TEST(GarpSchedule, StopAndRestart) {
  GarpSchedule garp;
  garp.start(0);
  garp.stop();
  EXPECT_FALSE(garp.active());
  EXPECT_EQ(garp.next_deadline(), kNever);
  EXPECT_EQ(garp.due(10 * kSec), 0);
  garp.start(20 * kSec);
  EXPECT_EQ(garp.due(20 * kSec), 5);
  EXPECT_EQ(garp.next_deadline(), 25 * kSec);
  // Restarting mid-schedule starts over.
  garp.start(22 * kSec);
  EXPECT_EQ(garp.due(22 * kSec), 5);
  EXPECT_EQ(garp.next_deadline(), 27 * kSec);
}

TEST(GarpSchedule, ReannounceSendsNowAndAgainAfterTheDelay) {
  GarpSchedule garp(GarpParams{.repeat = 5, .interval = 0, .delay = 0});
  garp.reannounce(0, 3, kSec);  // not Master: nothing
  EXPECT_EQ(garp.next_deadline(), kNever);
  garp.start(0);
  EXPECT_EQ(garp.due(0), 5);
  garp.reannounce(20 * kSec, 2, 10 * kSec);
  EXPECT_EQ(garp.next_deadline(), 20 * kSec);
  EXPECT_EQ(garp.due(20 * kSec), 2);
  EXPECT_EQ(garp.next_deadline(), 30 * kSec);
  EXPECT_EQ(garp.due(30 * kSec - 1), 0);
  EXPECT_EQ(garp.due(30 * kSec), 2);
  EXPECT_EQ(garp.next_deadline(), kNever);
  // No delay: one burst only; zero repeats: nothing at all.
  garp.reannounce(40 * kSec, 4, 0);
  EXPECT_EQ(garp.due(40 * kSec), 4);
  EXPECT_EQ(garp.next_deadline(), kNever);
  garp.reannounce(50 * kSec, 0, 10 * kSec);
  EXPECT_EQ(garp.next_deadline(), kNever);
}

TEST(GarpSchedule, ReannounceIsPacedAndForgottenOnStop) {
  GarpSchedule garp(GarpParams{.repeat = 1, .interval = 100 * kMs, .delay = 0});
  garp.start(0);
  EXPECT_EQ(garp.due(0), 1);
  garp.reannounce(kSec, 3, 5 * kSec);
  EXPECT_EQ(garp.due(kSec), 1);
  EXPECT_EQ(garp.next_deadline(), kSec + 100 * kMs);
  EXPECT_EQ(garp.due(kSec + 200 * kMs), 2);
  garp.stop();
  EXPECT_EQ(garp.next_deadline(), kNever);
  garp.start(2 * kSec);
  EXPECT_EQ(garp.due(2 * kSec), 1);
  EXPECT_EQ(garp.due(6 * kSec), 0);  // the delayed burst went with the stop
}

TEST(GarpSchedule, RejectsNegativeValues) {
  EXPECT_THROW(GarpSchedule(GarpParams{.repeat = -1}), std::invalid_argument);
  EXPECT_THROW(GarpSchedule(GarpParams{.interval = -1}), std::invalid_argument);
  EXPECT_THROW(GarpSchedule(GarpParams{.delay = -1}), std::invalid_argument);
  EXPECT_THROW(GarpSchedule(GarpParams{.refresh = -1}), std::invalid_argument);
  EXPECT_THROW(GarpSchedule(GarpParams{.refresh_repeat = -1}), std::invalid_argument);
}

}  // namespace
}  // namespace xvrrp::core
