// SPDX-License-Identifier: GPL-2.0-or-later
// The master_bfd rule (policy/bfd_takeover.hpp), core::Instance::take_over() and the
// track_bfd input of the tracking rule.
#include "policy/bfd_takeover.hpp"

#include <gtest/gtest.h>

#include "core/vrrp_instance.hpp"
#include "policy/tracking.hpp"

namespace xvrrp::policy {
namespace {

using core::bfd::State;

const IpAddress kPeer = *IpAddress::parse("192.0.2.5");
const IpAddress kOther = *IpAddress::parse("192.0.2.7");

MasterBfdInput down_from_up() {
  MasterBfdInput in;
  in.vrrp_state = core::State::Backup;
  in.master_ip = kPeer;
  in.neighbor_ip = kPeer;
  in.before = State::Up;
  in.after = State::Down;
  in.last_advert_rx_ns = 1000;
  in.last_bfd_rx_ns = 5000;
  return in;
}

TEST(MasterBfd, BackupWhoseMastersSessionGoesDownTakesOver) {
  EXPECT_EQ(master_bfd_verdict(down_from_up()), MasterBfdVerdict::TakeOver);
}

TEST(MasterBfd, NoAdvertYetStillTakesOver) {
  MasterBfdInput in = down_from_up();
  in.last_advert_rx_ns.reset();
  EXPECT_EQ(master_bfd_verdict(in), MasterBfdVerdict::TakeOver);
}

TEST(MasterBfd, AdvertsNewerThanTheLastBfdPacketAreAContradiction) {
  MasterBfdInput in = down_from_up();
  in.last_advert_rx_ns = 5001;
  EXPECT_EQ(master_bfd_verdict(in), MasterBfdVerdict::Contradiction);
  in.last_advert_rx_ns = 5000;
  EXPECT_EQ(master_bfd_verdict(in), MasterBfdVerdict::TakeOver);
}

TEST(MasterBfd, OnlyUpToDownCounts) {
  for (State before : {State::AdminDown, State::Down, State::Init}) {
    MasterBfdInput in = down_from_up();
    in.before = before;
    EXPECT_EQ(master_bfd_verdict(in), MasterBfdVerdict::Nothing) << state_name(before);
  }
  MasterBfdInput in = down_from_up();
  in.after = State::AdminDown;  // our own stop
  EXPECT_EQ(master_bfd_verdict(in), MasterBfdVerdict::Nothing);
  in.after = State::Up;
  in.before = State::Init;
  EXPECT_EQ(master_bfd_verdict(in), MasterBfdVerdict::Nothing);
}

TEST(MasterBfd, MasterFaultAndInitChangeNothing) {
  for (core::State s : {core::State::Master, core::State::Fault, core::State::Initialize}) {
    MasterBfdInput in = down_from_up();
    in.vrrp_state = s;
    EXPECT_EQ(master_bfd_verdict(in), MasterBfdVerdict::Nothing) << core::state_name(s);
  }
}

TEST(MasterBfd, AnotherMasterOrNoneChangesNothing) {
  MasterBfdInput in = down_from_up();
  in.master_ip = kOther;
  EXPECT_EQ(master_bfd_verdict(in), MasterBfdVerdict::Nothing);
  in.master_ip.reset();
  EXPECT_EQ(master_bfd_verdict(in), MasterBfdVerdict::Nothing);
}

TEST(MasterBfd, VerdictNames) {
  EXPECT_STREQ(master_bfd_verdict_name(MasterBfdVerdict::TakeOver), "take over");
  EXPECT_STREQ(master_bfd_verdict_name(MasterBfdVerdict::Contradiction), "contradiction");
}

core::InstanceParams params() {
  core::InstanceParams p;
  p.name = "vi";
  p.vrid = 51;
  p.primary_ip = *IpAddress::parse("192.0.2.6");
  return p;
}

TEST(TakeOver, BackupBecomesMasterAtOnce) {
  core::Instance inst(params());
  inst.start(0);
  core::ReceivedAdvert a;
  a.src = kPeer;
  a.priority = 200;
  a.advert_int_cs = 100;
  a.rx_ns = 10;
  inst.on_advert(a, 10);
  ASSERT_EQ(inst.state(), core::State::Backup);
  const core::Actions r = inst.take_over(20, "bfd");
  EXPECT_EQ(r.entered, core::State::Master);
  EXPECT_TRUE(r.add_vips);
  EXPECT_TRUE(r.send_advert);
  EXPECT_TRUE(r.start_garp);
  EXPECT_STREQ(r.reason, "bfd");
  EXPECT_EQ(inst.next_deadline(), 20 + inst.advert_interval());
}

TEST(TakeOver, OtherStatesDoNothing) {
  core::Instance fresh(params());
  EXPECT_TRUE(fresh.take_over(0, "bfd").empty());
  core::Instance faulted(params());
  faulted.set_fault(true, 0);
  faulted.start(0);
  ASSERT_EQ(faulted.state(), core::State::Fault);
  EXPECT_TRUE(faulted.take_over(1, "bfd").empty());
}

TEST(TrackBfd, KeepalivedWeights) {
  const config::TrackedBfd fault{"b", 0, false};
  EXPECT_TRUE(effect_of(bfd_input(fault, false)).fault);
  EXPECT_FALSE(effect_of(bfd_input(fault, true)).fault);
  const config::TrackedBfd rev{"b", 0, true};
  EXPECT_TRUE(effect_of(bfd_input(rev, true)).fault);
  const config::TrackedBfd plus{"b", 20, false};
  EXPECT_EQ(effect_of(bfd_input(plus, true)).delta, 20);
  EXPECT_EQ(effect_of(bfd_input(plus, false)).delta, 0);
  const config::TrackedBfd minus{"b", -30, false};
  EXPECT_EQ(effect_of(bfd_input(minus, false)).delta, -30);
  EXPECT_EQ(effect_of(bfd_input(minus, true)).delta, 0);
  EXPECT_STREQ(track_kind_name(bfd_input(plus, true).kind), "bfd");
}

}  // namespace
}  // namespace xvrrp::policy
