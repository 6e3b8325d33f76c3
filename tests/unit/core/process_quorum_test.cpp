// SPDX-License-Identifier: GPL-2.0-or-later
// vrrp_track_process's quorum with a fake clock: counts, bounds, and the fork and terminate
// delays.
#include "core/process_quorum.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace xvrrp::core {
namespace {

constexpr Nanos kMs = 1'000'000;

TEST(ProcessQuorum, UpFromTheFirstMatchWithTheDefaultQuorum) {
  ProcessQuorum q;
  EXPECT_FALSE(q.up());
  EXPECT_TRUE(q.add(10, ProcessCause::Scan, 0));
  EXPECT_TRUE(q.up());
  EXPECT_FALSE(q.add(10, ProcessCause::Scan, 1));  // the same process again
  EXPECT_FALSE(q.add(11, ProcessCause::Scan, 2));
  EXPECT_EQ(q.count(), 2u);
  EXPECT_FALSE(q.remove(10, ProcessCause::Exit, 3));
  EXPECT_TRUE(q.remove(11, ProcessCause::Exit, 4));
  EXPECT_FALSE(q.up());
  EXPECT_FALSE(q.remove(99, ProcessCause::Exit, 5));  // unknown
  EXPECT_EQ(q.next_deadline(), kNever);
}

TEST(ProcessQuorum, QuorumAndQuorumMaxBoundTheCount) {
  ProcessQuorum q(ProcessQuorumParams{.quorum = 2, .quorum_max = 3});
  EXPECT_FALSE(q.add(1, ProcessCause::Scan, 0));
  EXPECT_TRUE(q.add(2, ProcessCause::Scan, 0));
  EXPECT_FALSE(q.add(3, ProcessCause::Scan, 0));
  EXPECT_TRUE(q.add(4, ProcessCause::Scan, 0));  // four is too many
  EXPECT_FALSE(q.up());
  EXPECT_TRUE(q.remove(4, ProcessCause::Exit, 0));
  EXPECT_TRUE(q.up());
}

TEST(ProcessQuorum, QuorumMaxZeroIsUpWhileNoneRuns) {
  ProcessQuorum q(ProcessQuorumParams{.quorum = 0, .quorum_max = 0});
  EXPECT_TRUE(q.up());
  EXPECT_TRUE(q.add(7, ProcessCause::Scan, 0));
  EXPECT_FALSE(q.up());
  EXPECT_TRUE(q.remove(7, ProcessCause::Exit, 0));
  EXPECT_TRUE(q.up());
}

TEST(ProcessQuorum, TerminateDelayHidesARestart) {
  ProcessQuorum q(ProcessQuorumParams{.terminate_delay = 500 * kMs});
  q.add(1, ProcessCause::Scan, 0);
  EXPECT_FALSE(q.remove(1, ProcessCause::Exit, kMs));
  EXPECT_TRUE(q.up());
  EXPECT_EQ(q.next_deadline(), 501 * kMs);
  EXPECT_FALSE(q.add(2, ProcessCause::Scan, 200 * kMs));  // restarted inside the delay
  EXPECT_EQ(q.next_deadline(), kNever);
  EXPECT_FALSE(q.on_timer(501 * kMs));
  EXPECT_TRUE(q.up());
  // Gone for good: down once the delay ran out, not before.
  EXPECT_FALSE(q.remove(2, ProcessCause::Exit, kMs * 1000));
  EXPECT_FALSE(q.on_timer(kMs * 1499));
  EXPECT_TRUE(q.on_timer(kMs * 1500));
  EXPECT_FALSE(q.up());
}

TEST(ProcessQuorum, ForkDelayWaitsOnlyForForks) {
  ProcessQuorum q(ProcessQuorumParams{.quorum = 2, .fork_delay = 100 * kMs});
  q.add(1, ProcessCause::Scan, 0);
  EXPECT_FALSE(q.add(2, ProcessCause::Fork, 10 * kMs));
  EXPECT_FALSE(q.up());
  EXPECT_EQ(q.next_deadline(), 110 * kMs);
  EXPECT_TRUE(q.on_timer(110 * kMs));
  EXPECT_TRUE(q.up());
  // An exit without terminate_delay counts at once; an exec (scan) too.
  EXPECT_TRUE(q.remove(2, ProcessCause::Exit, 200 * kMs));
  EXPECT_TRUE(q.add(3, ProcessCause::Scan, 300 * kMs));
}

TEST(ProcessQuorum, ReplaceTreatsANetLossAsExits) {
  ProcessQuorum q(ProcessQuorumParams{.terminate_delay = 50 * kMs});
  EXPECT_TRUE(q.replace({5, 6}, 0));
  EXPECT_FALSE(q.replace({}, 10 * kMs));
  EXPECT_TRUE(q.up());
  EXPECT_TRUE(q.on_timer(60 * kMs));
  EXPECT_FALSE(q.up());
  EXPECT_TRUE(q.replace({8}, 70 * kMs));  // a new process counts at once
}

TEST(ProcessQuorum, RejectsInconsistentParams) {
  EXPECT_THROW(ProcessQuorum(ProcessQuorumParams{.quorum = 3, .quorum_max = 2}),
               std::invalid_argument);
  EXPECT_THROW(ProcessQuorum(ProcessQuorumParams{.quorum = 0, .quorum_max = 5}),
               std::invalid_argument);
  EXPECT_THROW(ProcessQuorum(ProcessQuorumParams{.fork_delay = -1}), std::invalid_argument);
  EXPECT_THROW(ProcessQuorum(ProcessQuorumParams{.terminate_delay = -1}), std::invalid_argument);
}

}  // namespace
}  // namespace xvrrp::core
