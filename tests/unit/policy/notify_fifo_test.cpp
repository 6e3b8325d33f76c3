// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/notify_fifo.hpp"

#include <gtest/gtest.h>

#include <string>

namespace xvrrp::policy {
namespace {

using core::State;

TEST(FifoLine, StateWordsAreKeepalivedsAndInitHasNone) {
  EXPECT_EQ(fifo_state_word(State::Master), "MASTER");
  EXPECT_EQ(fifo_state_word(State::Backup), "BACKUP");
  EXPECT_EQ(fifo_state_word(State::Fault), "FAULT");
  EXPECT_EQ(fifo_state_word(State::Initialize), std::nullopt);
  EXPECT_EQ(kFifoStop, "STOP");
}

TEST(FifoLine, PriorityWordsFollowTheState) {
  EXPECT_EQ(fifo_priority_word(State::Master), "MASTER_PRIORITY");
  EXPECT_EQ(fifo_priority_word(State::Backup), "BACKUP_PRIORITY");
  EXPECT_EQ(fifo_priority_word(State::Fault), "BACKUP_PRIORITY");
  EXPECT_EQ(fifo_priority_word(State::Initialize), "BACKUP_PRIORITY");
  EXPECT_EQ(kFifoMasterRxLowerPri, "MASTER_RX_LOWER_PRI");
}

TEST(FifoLine, InstanceLineIsKeepalivedsFormat) {
  EXPECT_EQ(fifo_instance_line("VI_1", "MASTER", 100), "INSTANCE \"VI_1\" MASTER 100\n");
  EXPECT_EQ(fifo_instance_line("VI_1", "BACKUP", 90), "INSTANCE \"VI_1\" BACKUP 90\n");
  EXPECT_EQ(fifo_instance_line("VI_1", "FAULT", 0), "INSTANCE \"VI_1\" FAULT 0\n");
  EXPECT_EQ(fifo_instance_line("VI_1", kFifoStop, 255), "INSTANCE \"VI_1\" STOP 255\n");
}

TEST(FifoLine, GroupLineHasPriorityZero) {
  EXPECT_EQ(fifo_group_line("G1", "BACKUP"), "GROUP \"G1\" BACKUP 0\n");
  EXPECT_EQ(fifo_group_line("G1", "MASTER"), "GROUP \"G1\" MASTER 0\n");
  EXPECT_EQ(fifo_group_line("G1", kFifoStop), "GROUP \"G1\" STOP 0\n");
}

TEST(FifoLine, NameIsWrittenAsIs) {
  // keepalived does not escape: a quoted configuration name keeps its spaces.
  EXPECT_EQ(fifo_instance_line("web tier", "MASTER", 1), "INSTANCE \"web tier\" MASTER 1\n");
  EXPECT_EQ(fifo_instance_line("", "MASTER", 1), "INSTANCE \"\" MASTER 1\n");
}

TEST(FifoBacklog, KeepsLinesInOrderUntilWritten) {
  FifoBacklog b(100);
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.chunk(), "");
  EXPECT_EQ(b.push("a\n"), 0U);
  EXPECT_EQ(b.push("bb\n"), 0U);
  EXPECT_EQ(b.chunk(), "a\nbb\n");
  EXPECT_EQ(b.lines(), 2U);
  EXPECT_EQ(b.bytes(), 5U);
  b.consumed(5);
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.lines(), 0U);
  EXPECT_EQ(b.dropped(), 0U);
}

TEST(FifoBacklog, PartialWritesResumeMidLine) {
  FifoBacklog b(100);
  b.push("abc\n");
  b.push("de\n");
  b.consumed(2);
  EXPECT_EQ(b.chunk(), "c\nde\n");
  EXPECT_EQ(b.lines(), 2U);
  b.consumed(2);  // exactly the end of the first line
  EXPECT_EQ(b.chunk(), "de\n");
  EXPECT_EQ(b.lines(), 1U);
  b.consumed(1);
  EXPECT_EQ(b.chunk(), "e\n");
  b.consumed(10);  // more than queued: clamped
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.lines(), 0U);
}

TEST(FifoBacklog, EmptyPushIsNothing) {
  FifoBacklog b(10);
  EXPECT_EQ(b.push(""), 0U);
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.lines(), 0U);
}

TEST(FifoBacklog, FullDropsTheOldestWholeLines) {
  FifoBacklog b(8);
  b.push("111\n");
  b.push("222\n");  // 8 bytes: exactly full
  EXPECT_EQ(b.dropped(), 0U);
  EXPECT_EQ(b.push("333\n"), 1U);
  EXPECT_EQ(b.chunk(), "222\n333\n");
  EXPECT_EQ(b.push("4444444\n"), 2U);  // needs the whole bound
  EXPECT_EQ(b.chunk(), "4444444\n");
  EXPECT_EQ(b.dropped(), 3U);
  EXPECT_EQ(b.lines(), 1U);
}

TEST(FifoBacklog, APartlyWrittenLineIsNeverDropped) {
  FifoBacklog b(8);
  b.push("111\n");
  b.push("222\n");
  b.consumed(1);  // "11\n" of the first line still to go
  EXPECT_EQ(b.push("333\n"), 1U);
  EXPECT_EQ(b.chunk(), "11\n333\n");  // 222 went, the started line stayed
  EXPECT_EQ(b.push("4444\n"), 1U);    // 3 + 4 + 5 > 8: 333 goes
  EXPECT_EQ(b.chunk(), "11\n4444\n");
  // Only the started line and the new one: the new one goes when both do not fit.
  EXPECT_EQ(b.push("555555\n"), 2U);  // 4444 first, then the new line itself
  EXPECT_EQ(b.chunk(), "11\n");
  b.consumed(3);
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.lines(), 0U);
  EXPECT_EQ(b.dropped(), 4U);
}

TEST(FifoBacklog, ALineLongerThanTheBoundIsDroppedItself) {
  FifoBacklog b(4);
  b.push("ab\n");
  EXPECT_EQ(b.push("toolong\n"), 1U);
  EXPECT_EQ(b.chunk(), "ab\n");
  EXPECT_EQ(b.dropped(), 1U);
}

TEST(FifoBacklog, ClearForgetsWithoutCounting) {
  FifoBacklog b(100);
  b.push("a\n");
  b.consumed(1);
  b.clear();
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.lines(), 0U);
  EXPECT_EQ(b.dropped(), 0U);
  b.push("b\n");
  b.consumed(2);
  EXPECT_TRUE(b.empty());
}

TEST(FifoBacklog, DefaultBoundHoldsThousandsOfLines) {
  FifoBacklog b;
  const std::string l = fifo_instance_line("VI_1", "MASTER", 100);
  for (int i = 0; i < 1000; ++i) b.push(l);
  EXPECT_EQ(b.dropped(), 0U);
  EXPECT_EQ(b.lines(), 1000U);
  for (int i = 0; i < 10000; ++i) b.push(l);
  EXPECT_LE(b.bytes(), kFifoBacklogBytes);
  EXPECT_GT(b.dropped(), 0U);
  EXPECT_EQ(b.bytes(), b.lines() * l.size());
}

TEST(FifoReload, UnchangedInstancesAndGroupsGetTheirStateWritten) {
  const std::vector<FifoStateEntry> current = {
      {false, "VI_1", "MASTER", 100},
      {false, "VI_2", "BACKUP", 90},
      {true, "G1", "MASTER", 0},
      {false, "VI_3", "", 0},  // Initialize: nothing to say
  };
  EXPECT_EQ(reload_state_lines(current, {}),
            (std::vector<std::string>{"INSTANCE \"VI_1\" MASTER 100\n",
                                      "INSTANCE \"VI_2\" BACKUP 90\n", "GROUP \"G1\" MASTER 0\n"}));
  // VI_2 and the group changed state during the reload: their own lines were written.
  EXPECT_EQ(reload_state_lines(current, {{false, "VI_2"}, {true, "G1"}}),
            (std::vector<std::string>{"INSTANCE \"VI_1\" MASTER 100\n"}));
  // A group and an instance may share a name.
  EXPECT_EQ(
      reload_state_lines({{false, "X", "BACKUP", 5}, {true, "X", "BACKUP", 0}}, {{true, "X"}}),
      (std::vector<std::string>{"INSTANCE \"X\" BACKUP 5\n"}));
}

}  // namespace
}  // namespace xvrrp::policy
