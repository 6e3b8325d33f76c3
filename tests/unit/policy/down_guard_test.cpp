// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/down_guard.hpp"

#include <gtest/gtest.h>

namespace xvrrp::policy {
namespace {

constexpr Nanos kMs = 1'000'000;

TEST(DownGuard, NoEarlierReadingTakesOver) {
  DownGuard g;
  const auto d = g.on_expiry(100 * kMs, 42, 10 * kMs);
  EXPECT_EQ(d.verdict, ExpiryVerdict::TakeOver);
  EXPECT_EQ(g.extensions(), 0U);
}

TEST(DownGuard, QuietInterfaceExtendsOnceByTheGrace) {
  DownGuard g;
  g.note_rx_counter(42);
  auto d = g.on_expiry(100 * kMs, 42, 10 * kMs);
  ASSERT_EQ(d.verdict, ExpiryVerdict::Extend);
  EXPECT_EQ(d.until, 110 * kMs);
  EXPECT_EQ(g.extensions(), 1U);
  EXPECT_TRUE(g.extended());
  // Still quiet at the end of the grace: the bound holds, take over.
  d = g.on_expiry(110 * kMs, 42, 10 * kMs);
  EXPECT_EQ(d.verdict, ExpiryVerdict::TakeOver);
  EXPECT_EQ(g.extensions(), 1U);
}

TEST(DownGuard, LivePathTakesOverAtOnce) {
  DownGuard g;
  g.note_rx_counter(42);
  const auto d = g.on_expiry(100 * kMs, 43, 10 * kMs);
  EXPECT_EQ(d.verdict, ExpiryVerdict::TakeOver);
  EXPECT_EQ(g.extensions(), 0U);
}

TEST(DownGuard, TrafficDuringTheGraceEndsItAtTheNextExpiry) {
  DownGuard g;
  g.note_rx_counter(7);
  ASSERT_EQ(g.on_expiry(100 * kMs, 7, 10 * kMs).verdict, ExpiryVerdict::Extend);
  EXPECT_EQ(g.on_expiry(105 * kMs, 9, 10 * kMs).verdict, ExpiryVerdict::TakeOver);
}

TEST(DownGuard, ZeroGraceIsTheRfcRule) {
  DownGuard g;
  g.note_rx_counter(42);
  EXPECT_EQ(g.on_expiry(100 * kMs, 42, 0).verdict, ExpiryVerdict::TakeOver);
  EXPECT_EQ(g.extensions(), 0U);
}

TEST(DownGuard, AnAdvertRenewsTheGrace) {
  DownGuard g;
  g.note_rx_counter(1);
  ASSERT_EQ(g.on_expiry(100 * kMs, 1, 10 * kMs).verdict, ExpiryVerdict::Extend);
  g.on_advert();
  EXPECT_FALSE(g.extended());
  g.note_rx_counter(5);
  EXPECT_EQ(g.on_expiry(200 * kMs, 5, 10 * kMs).verdict, ExpiryVerdict::Extend);
  EXPECT_EQ(g.extensions(), 2U);
}

TEST(DownGuard, ResetForgetsTheReadingButKeepsTheCount) {
  DownGuard g;
  g.note_rx_counter(1);
  ASSERT_EQ(g.on_expiry(100 * kMs, 1, 10 * kMs).verdict, ExpiryVerdict::Extend);
  g.reset();
  EXPECT_FALSE(g.extended());
  EXPECT_EQ(g.on_expiry(200 * kMs, 1, 10 * kMs).verdict, ExpiryVerdict::TakeOver);
  EXPECT_EQ(g.extensions(), 1U);
}

TEST(NearMiss, RecordsTheLargestGapAndItsInterval) {
  NearMiss n;
  EXPECT_FALSE(n.note_gap(10 * kMs, 36 * kMs));
  EXPECT_FALSE(n.note_gap(12 * kMs, 36 * kMs));
  EXPECT_EQ(n.max_gap_ns, 12 * kMs);
  EXPECT_EQ(n.max_gap_mdi_ns, 36 * kMs);
  EXPECT_NEAR(n.max_gap_share_pct(), 100.0 * 12 / 36, 1e-9);
  EXPECT_EQ(n.near_misses, 0U);
}

TEST(NearMiss, AGapFromThreeQuartersOfTheIntervalIsANearMiss) {
  NearMiss n;
  EXPECT_FALSE(n.note_gap(26 * kMs, 36 * kMs));
  EXPECT_TRUE(n.note_gap(27 * kMs, 36 * kMs));
  EXPECT_TRUE(n.note_gap(40 * kMs, 36 * kMs));
  EXPECT_EQ(n.near_misses, 2U);
  EXPECT_GT(n.max_gap_share_pct(), 100.0);
}

TEST(NearMiss, NonPositiveGapsAndIntervalsCountNothing) {
  NearMiss n;
  EXPECT_FALSE(n.note_gap(0, 36 * kMs));
  EXPECT_FALSE(n.note_gap(-5, 36 * kMs));
  EXPECT_FALSE(is_near_miss(10 * kMs, 0));
  EXPECT_EQ(n.max_gap_share_pct(), 0.0);
}

TEST(NearMiss, SendLatenessKeepsTheMaximum) {
  NearMiss n;
  n.note_send_lateness(3 * kMs);
  n.note_send_lateness(1 * kMs);
  n.note_send_lateness(-1);
  EXPECT_EQ(n.max_send_late_ns, 3 * kMs);
  EXPECT_EQ(n.max_wake_late_ns, 0);
}

TEST(NearMiss, WakeLatenessKeepsTheMaximumApartFromTheSend) {
  NearMiss n;
  n.note_wake_lateness(2 * kMs);
  n.note_wake_lateness(5 * kMs);
  n.note_wake_lateness(4 * kMs);
  EXPECT_EQ(n.max_wake_late_ns, 5 * kMs);
  EXPECT_EQ(n.max_send_late_ns, 0);
}

TEST(LatenessHistogram, EmptyHasNoLateness) {
  LatenessHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.cumulative(LatenessHistogram::kUpperNs.size() - 1), 0u);
}

TEST(LatenessHistogram, BucketsAreCumulativeAndBoundsInclusive) {
  LatenessHistogram h;
  h.note(-5);           // early (clock granularity) counts as on time
  h.note(50'000);       // exactly the first bound: in it
  h.note(50'001);       // just above: the second
  h.note(3 * kMs);      // 2.5-5 ms
  h.note(2'000 * kMs);  // above every bound
  EXPECT_EQ(h.count(), 5u);
  EXPECT_EQ(h.sum_ns(), 50'000 + 50'001 + 3 * kMs + 2'000 * kMs);
  EXPECT_EQ(h.cumulative(0), 2u);
  EXPECT_EQ(h.cumulative(1), 3u);
  EXPECT_EQ(h.cumulative(5), 3u);  // <= 2.5 ms
  EXPECT_EQ(h.cumulative(6), 4u);  // <= 5 ms
  EXPECT_EQ(h.cumulative(LatenessHistogram::kUpperNs.size() - 1), 4u);
}

}  // namespace
}  // namespace xvrrp::policy
