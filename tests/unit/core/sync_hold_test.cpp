// SPDX-License-Identifier: GPL-2.0-or-later
// The state machine's side of vrrp_sync_group: the hold on taking over
// alone, and the group's forced MASTER / BACKUP transitions. Fake clock.
#include <gtest/gtest.h>

#include "core/vrrp_instance.hpp"

namespace xvrrp::core {
namespace {

constexpr Nanos kSec = kNanosPerSecond;

InstanceParams params(bool instant = false) {
  InstanceParams p;
  p.name = "VI_sync";
  p.vrid = 51;
  p.version = 2;
  p.base_priority = 100;
  p.advert_int_cs = 100;
  p.primary_ip = *IpAddress::parse("192.0.2.10");
  p.instant_takeover = instant;
  return p;
}

ReceivedAdvert advert(std::uint8_t priority, Nanos rx) {
  return ReceivedAdvert{*IpAddress::parse("192.0.2.20"), priority, 100, rx};
}

TEST(SyncHold, HeldBackupWantsMasterAndRearmsInsteadOfTakingOver) {
  Instance inst(params());
  inst.set_sync_hold(true);
  inst.start(0);
  const Nanos due = inst.next_deadline();
  const Actions a = inst.on_timer(due);
  EXPECT_EQ(inst.state(), State::Backup);
  EXPECT_FALSE(a.entered);
  EXPECT_TRUE(a.wants_master);
  EXPECT_FALSE(a.empty());
  EXPECT_FALSE(a.add_vips || a.send_advert || a.start_garp);
  EXPECT_TRUE(inst.wants_master());
  EXPECT_EQ(inst.next_deadline(), due + inst.master_down_interval());
  // Expiring again keeps wanting.
  EXPECT_TRUE(inst.on_timer(inst.next_deadline()).wants_master);
  EXPECT_EQ(inst.state(), State::Backup);
}

TEST(SyncHold, UnheldBackupTakesOverAsBefore) {
  Instance inst(params());
  inst.start(0);
  const Actions a = inst.on_timer(inst.next_deadline());
  EXPECT_EQ(a.entered, State::Master);
  EXPECT_EQ(a.left, State::Backup);
  EXPECT_FALSE(a.wants_master);
  EXPECT_FALSE(inst.wants_master());
}

TEST(SyncHold, AnAcceptedAdvertEndsTheWish) {
  Instance inst(params());
  inst.set_sync_hold(true);
  inst.start(0);
  const Nanos due = inst.next_deadline();
  inst.on_timer(due);
  ASSERT_TRUE(inst.wants_master());
  inst.on_advert(advert(150, due + kSec), due + kSec);
  EXPECT_FALSE(inst.wants_master());
  EXPECT_EQ(inst.next_deadline(), due + kSec + inst.master_down_interval());
}

TEST(SyncHold, AnIgnoredLowerPriorityAdvertKeepsTheWish) {
  Instance inst(params());
  inst.set_sync_hold(true);
  inst.start(0);
  const Nanos due = inst.next_deadline();
  inst.on_timer(due);
  inst.on_advert(advert(50, due + kSec), due + kSec);  // preempt: ignored
  EXPECT_TRUE(inst.wants_master());
}

TEST(SyncHold, InstantTakeoverOnPriorityZeroWaitsForTheGroup) {
  Instance inst(params(true));
  inst.set_sync_hold(true);
  inst.start(0);
  inst.on_advert(advert(150, kSec), kSec);
  const Actions a = inst.on_advert(advert(0, 2 * kSec), 2 * kSec);
  EXPECT_EQ(inst.state(), State::Backup);
  EXPECT_TRUE(a.wants_master);
  EXPECT_TRUE(inst.wants_master());
  EXPECT_EQ(inst.next_deadline(), 2 * kSec + inst.master_down_interval());
}

TEST(SyncHold, ForceMasterFromBackupOnly) {
  Instance inst(params());
  inst.set_sync_hold(true);
  EXPECT_TRUE(inst.force_master(0).empty());  // Initialize
  inst.start(0);
  inst.on_timer(inst.next_deadline());
  const Actions a = inst.force_master(5 * kSec);
  EXPECT_EQ(a.entered, State::Master);
  EXPECT_EQ(a.left, State::Backup);
  EXPECT_TRUE(a.add_vips && a.send_advert && a.start_garp);
  EXPECT_FALSE(inst.wants_master());
  EXPECT_EQ(inst.next_deadline(), 5 * kSec + inst.advert_interval());
  EXPECT_TRUE(inst.force_master(6 * kSec).empty());  // already Master
  inst.set_fault(true, 7 * kSec);
  EXPECT_TRUE(inst.force_master(8 * kSec).empty());  // Fault
}

TEST(SyncHold, ForceBackupLeavesMasterWithoutPriorityZero) {
  Instance inst(params());
  inst.start(0);
  inst.on_timer(inst.next_deadline());
  ASSERT_EQ(inst.state(), State::Master);
  const Actions a = inst.force_backup(10 * kSec);
  EXPECT_EQ(a.entered, State::Backup);
  EXPECT_EQ(a.left, State::Master);
  EXPECT_TRUE(a.remove_vips && a.stop_garp);
  EXPECT_FALSE(a.send_priority_zero || a.send_advert);
  EXPECT_EQ(inst.next_deadline(), 10 * kSec + inst.master_down_interval());
  EXPECT_TRUE(inst.force_backup(11 * kSec).empty());  // already Backup
}

TEST(SyncHold, ForceBackupDoesNotInterruptAHandover) {
  Instance inst(params());
  inst.start(0);
  inst.on_timer(inst.next_deadline());
  inst.begin_handover(10 * kSec);
  ASSERT_TRUE(inst.handing_over());
  EXPECT_TRUE(inst.force_backup(10 * kSec).empty());
  EXPECT_EQ(inst.state(), State::Master);
}

TEST(SyncHold, LeavingFaultReportsWhereItCameFrom) {
  Instance inst(params());
  inst.start(0);
  const Actions f = inst.set_fault(true, kSec);
  EXPECT_EQ(f.entered, State::Fault);
  EXPECT_EQ(f.left, State::Backup);
  const Actions b = inst.set_fault(false, 2 * kSec);
  EXPECT_EQ(b.entered, State::Backup);
  EXPECT_EQ(b.left, State::Fault);
}

}  // namespace
}  // namespace xvrrp::core
