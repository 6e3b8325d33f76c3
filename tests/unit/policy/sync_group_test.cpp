// SPDX-License-Identifier: GPL-2.0-or-later
// The vrrp_sync_group rule (policy/sync_group.hpp): every command for every
// combination of member states, and group runs to a fixed point with
// simulated members (no sockets, no clock).
#include "policy/sync_group.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace xvrrp::policy {
namespace {

using core::State;
using C = SyncCommand;

SyncMember member(State s, bool own_fault = false, bool wants = false) {
  SyncMember m;
  m.state = s;
  m.own_fault = own_fault;
  m.held_fault = s == State::Fault;
  m.wants_master = wants;
  return m;
}

std::vector<C> decide(const std::vector<SyncMember>& m) { return decide_sync(m); }

TEST(SyncGroupRule, CommandNames) {
  EXPECT_STREQ(sync_command_name(C::None), "none");
  EXPECT_STREQ(sync_command_name(C::HoldFault), "hold-fault");
  EXPECT_STREQ(sync_command_name(C::ReleaseFault), "release-fault");
  EXPECT_STREQ(sync_command_name(C::ForceMaster), "force-master");
  EXPECT_STREQ(sync_command_name(C::ForceBackup), "force-backup");
}

TEST(SyncGroupRule, OneMembersFaultHoldsEveryOtherMember) {
  for (State other : {State::Backup, State::Master, State::Initialize}) {
    auto m = std::vector{member(State::Fault, true), member(other), member(other)};
    m[0].held_fault = false;  // its own fault not applied yet either
    EXPECT_EQ(decide(m), (std::vector{C::HoldFault, C::HoldFault, C::HoldFault}))
        << core::state_name(other);
  }
}

TEST(SyncGroupRule, AHeldGroupStaysHeldWhileAnyMemberFaults) {
  auto m = std::vector{member(State::Fault, true), member(State::Fault), member(State::Fault)};
  EXPECT_EQ(decide(m), (std::vector{C::None, C::None, C::None}));
  // The faulted member changes; another one faults: still held.
  m[0].own_fault = false;
  m[2].own_fault = true;
  EXPECT_EQ(decide(m), (std::vector{C::None, C::None, C::None}));
}

TEST(SyncGroupRule, TheLastFaultClearingReleasesEveryMember) {
  auto m = std::vector{member(State::Fault), member(State::Fault), member(State::Fault)};
  EXPECT_EQ(decide(m), (std::vector{C::ReleaseFault, C::ReleaseFault, C::ReleaseFault}));
}

TEST(SyncGroupRule, NothingElseHappensWhileInFault) {
  auto m = std::vector{member(State::Fault, true), member(State::Fault)};
  m[1].left_master = true;
  m[1].wants_master = true;
  EXPECT_EQ(decide(m), (std::vector{C::None, C::None}));
}

TEST(SyncGroupRule, AWaitingMemberTakesOverOnlyWhenAllWantIt) {
  auto m =
      std::vector{member(State::Backup, false, true), member(State::Backup), member(State::Backup)};
  EXPECT_EQ(decide(m), (std::vector{C::None, C::None, C::None}));
  m[1].wants_master = true;
  EXPECT_EQ(decide(m), (std::vector{C::None, C::None, C::None}));
  m[2].wants_master = true;
  EXPECT_EQ(decide(m), (std::vector{C::ForceMaster, C::ForceMaster, C::ForceMaster}));
}

TEST(SyncGroupRule, AMemberJoiningAMasterGroupTakesOverWhenItWants) {
  auto m = std::vector{member(State::Master), member(State::Backup)};
  EXPECT_EQ(decide(m), (std::vector{C::None, C::None}));
  m[1].wants_master = true;
  EXPECT_EQ(decide(m), (std::vector{C::None, C::ForceMaster}));
}

TEST(SyncGroupRule, AnInitializingMemberHoldsTheOthersBack) {
  auto m = std::vector{member(State::Backup, false, true), member(State::Initialize)};
  EXPECT_EQ(decide(m), (std::vector{C::None, C::None}));
}

TEST(SyncGroupRule, OneMemberFallingBackTakesTheOtherMastersAlong) {
  auto m = std::vector{member(State::Backup), member(State::Master), member(State::Master)};
  m[0].left_master = true;
  EXPECT_EQ(decide(m), (std::vector{C::None, C::ForceBackup, C::ForceBackup}));
  // Even when another member was waiting to take over.
  m[1] = member(State::Backup, false, true);
  EXPECT_EQ(decide(m), (std::vector{C::None, C::None, C::ForceBackup}));
}

TEST(SyncGroupRule, StoppedMembersAreIgnored) {
  auto m = std::vector{member(State::Backup, false, true), member(State::Initialize, true)};
  m[1].stopped = true;
  EXPECT_EQ(decide(m), (std::vector{C::ForceMaster, C::None}));
  m[0] = member(State::Master);
  m[0].left_master = false;
  m[1].left_master = true;
  EXPECT_EQ(decide(m), (std::vector{C::None, C::None}));
}

TEST(SyncGroupRule, EveryCombinationOfTwoMembersReachesAStableGroup) {
  // Exhaustive over two members: state x own_fault x wants x left_master, with
  // held_fault matching the state; each result applied as the core would.
  const State states[] = {State::Initialize, State::Backup, State::Master, State::Fault};
  int cases = 0;
  for (State s0 : states)
    for (State s1 : states)
      for (int bits = 0; bits < 64; ++bits) {
        std::vector<SyncMember> m = {member(s0, bits & 1, bits & 2),
                                     member(s1, bits & 4, bits & 8)};
        m[0].left_master = (bits & 16) && s0 == State::Backup;
        m[1].left_master = (bits & 32) && s1 == State::Backup;
        ++cases;
        for (int round = 0; round < 4; ++round) {
          const auto cmds = decide(m);
          bool any = false;
          for (std::size_t i = 0; i < m.size(); ++i) {
            switch (cmds[i]) {
              case C::None:
                continue;
              case C::HoldFault:
                ASSERT_FALSE(m[i].held_fault);
                m[i].held_fault = true;
                if (m[i].state != State::Initialize) m[i].state = State::Fault;
                break;
              case C::ReleaseFault:
                ASSERT_TRUE(m[i].held_fault);
                m[i].held_fault = false;
                if (m[i].state == State::Fault) m[i].state = State::Backup;
                break;
              case C::ForceMaster:
                ASSERT_EQ(m[i].state, State::Backup);
                m[i].state = State::Master;
                break;
              case C::ForceBackup:
                ASSERT_EQ(m[i].state, State::Master);
                m[i].state = State::Backup;
                break;
            }
            m[i].wants_master = false;
            any = true;
          }
          for (auto& x : m) x.left_master = false;
          if (!any) break;
          ASSERT_LT(round, 3) << "no fixed point";
        }
        const bool fault = m[0].own_fault || m[1].own_fault;
        for (const auto& x : m) {
          EXPECT_EQ(x.held_fault, fault);
          if (fault && x.state != State::Initialize) {
            EXPECT_EQ(x.state, State::Fault);
          }
        }
        // Never one MASTER and one BACKUP that is not about to move.
        if (!fault && m[0].state != m[1].state && m[0].state != State::Initialize &&
            m[1].state != State::Initialize) {
          EXPECT_TRUE((m[0].state == State::Backup && !m[0].wants_master) ||
                      (m[1].state == State::Backup && !m[1].wants_master));
        }
      }
  EXPECT_EQ(cases, 4 * 4 * 64);
}

TEST(SyncGroupState, FollowsItsMembers) {
  using S = std::optional<State>;
  auto st = [](std::vector<SyncMember> m, S prev) { return sync_group_state(m, prev); };
  EXPECT_EQ(st({member(State::Backup), member(State::Backup)}, std::nullopt), S(State::Backup));
  EXPECT_EQ(st({member(State::Master), member(State::Master)}, State::Backup), S(State::Master));
  EXPECT_EQ(st({member(State::Master), member(State::Fault)}, State::Master), S(State::Fault));
  EXPECT_EQ(st({member(State::Master), member(State::Backup)}, State::Backup), S(State::Backup));
  EXPECT_EQ(st({member(State::Master), member(State::Backup)}, State::Master), S(State::Master));
  EXPECT_EQ(st({member(State::Initialize), member(State::Backup)}, std::nullopt), std::nullopt);
  auto stopped = member(State::Initialize);
  stopped.stopped = true;
  EXPECT_EQ(st({stopped, member(State::Master)}, State::Backup), S(State::Master));
  EXPECT_EQ(st({stopped}, State::Master), S(State::Master));
}

}  // namespace
}  // namespace xvrrp::policy
