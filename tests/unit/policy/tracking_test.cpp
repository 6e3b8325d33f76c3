// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/tracking.hpp"

#include <gtest/gtest.h>

#include "test_config.hpp"

namespace xvrrp::policy {
namespace {

TrackInput input(int weight, bool healthy, bool reverse = false) {
  TrackInput in;
  in.name = "eth1";
  in.weight = weight;
  in.healthy = healthy;
  in.reverse = reverse;
  return in;
}

TrackingResult eval(bool iface_up, std::vector<TrackInput> in) {
  return evaluate_tracking(iface_up, in);
}

TEST(Tracking, VrrpInterfaceDownIsFault) {
  EXPECT_EQ(eval(false, {}), (TrackingResult{true, 0, true}));
  EXPECT_EQ(eval(true, {}), (TrackingResult{false, 0}));
}

TEST(Tracking, UnweightedFaultsWhileDown) {
  EXPECT_TRUE(eval(true, {input(0, false)}).fault);
  EXPECT_FALSE(eval(true, {input(0, true)}).fault);
}

TEST(Tracking, PositiveWeightAddsWhileUp) {
  EXPECT_EQ(eval(true, {input(10, true)}).delta, 10);
  EXPECT_EQ(eval(true, {input(10, false)}).delta, 0);
}

TEST(Tracking, NegativeWeightSubtractsWhileDown) {
  EXPECT_EQ(eval(true, {input(-10, false)}).delta, -10);
  EXPECT_EQ(eval(true, {input(-10, true)}).delta, 0);
}

TEST(Tracking, ReverseFlipsTheAdjustment) {
  EXPECT_EQ(eval(true, {input(10, true, true)}).delta, -10);
  EXPECT_EQ(eval(true, {input(10, false, true)}).delta, 0);
  EXPECT_EQ(eval(true, {input(-10, false, true)}).delta, 10);
  EXPECT_TRUE(eval(true, {input(0, true, true)}).fault);
  EXPECT_FALSE(eval(true, {input(0, false, true)}).fault);
}

TEST(Tracking, InputsAddUp) {
  EXPECT_EQ(eval(true, {input(10, true), input(-3, false), input(5, false)}).delta, 7);
}

TEST(Tracking, ReverseIsReadFromConfigStructsThatHaveIt) {
  config::TrackedScript script;
  script.weight_reverse = true;
  EXPECT_TRUE(reverse_of(script));
  EXPECT_FALSE(reverse_of(config::TrackedInterface{}));
}

TEST(Tracking, UnknownHealthHoldsUnweightedInFaultAndWeightedNeutral) {
  TrackInput unknown = input(0, true);
  unknown.known = false;
  EXPECT_TRUE(eval(true, {unknown}).fault);
  unknown.reverse = true;
  EXPECT_TRUE(eval(true, {unknown}).fault);
  for (int w : {-60, 10}) {
    for (bool reverse : {false, true}) {
      for (bool healthy : {false, true}) {
        TrackInput in = input(w, healthy, reverse);
        in.known = false;
        EXPECT_EQ(eval(true, {in}), (TrackingResult{false, 0}));
      }
    }
  }
}

TEST(Tracking, ScriptInputsFollowTheCheckState) {
  config::TrackedScript t;
  t.script.name = "chk";
  t.weight = -60;
  const TrackInput ko = script_input(t, core::CheckState::Ko);
  EXPECT_EQ(ko.kind, TrackKind::Script);
  EXPECT_EQ(ko.name, "chk");
  EXPECT_EQ(eval(true, {ko}), (TrackingResult{false, -60}));
  EXPECT_EQ(eval(true, {script_input(t, core::CheckState::Ok)}), (TrackingResult{false, 0}));
  EXPECT_EQ(eval(true, {script_input(t, core::CheckState::Init)}), (TrackingResult{false, 0}));
  t.weight = 0;
  EXPECT_TRUE(eval(true, {script_input(t, core::CheckState::Init)}).fault);
  EXPECT_TRUE(eval(true, {script_input(t, core::CheckState::Ko)}).fault);
  EXPECT_FALSE(eval(true, {script_input(t, core::CheckState::Ok)}).fault);
  t.weight = 20;
  t.weight_reverse = true;
  EXPECT_EQ(eval(true, {script_input(t, core::CheckState::Ok)}), (TrackingResult{false, -20}));
  EXPECT_EQ(std::string(track_kind_name(TrackKind::Script)), "script");
}

TEST(Tracking, PrimaryInterfaceHealth) {
  EXPECT_TRUE(primary_healthy(true, true, true));
  EXPECT_FALSE(primary_healthy(true, true, false));
  EXPECT_TRUE(primary_healthy(false, true, false));   // dont_track_primary
  EXPECT_FALSE(primary_healthy(false, false, true));  // unbound: no receive path
}

TEST(Tracking, InterfaceInputsFromConfig) {
  const config::Instance cfg = test::instance(
      "  track_interface {\n    eth1 weight 10\n    eth2 weight -5\n    eth3\n  }\n");
  const auto in = interface_inputs(cfg, [](const std::string& n) { return n != "eth2"; });
  ASSERT_EQ(in.size(), 3U);
  const TrackingResult r = evaluate_tracking(true, in);
  EXPECT_EQ(r.delta, 5);
  EXPECT_FALSE(r.fault);
}

TEST(Tracking, FaultCauseIsLinkDownOnlyForInterfacesCarryingAVip) {
  // eth0 is the VRRP interface, dummy0 holds the VIP, eth3 carries nothing.
  const config::Instance cfg =
      test::instance("  track_interface {\n    eth0\n    dummy0\n    eth3\n  }\n");
  EXPECT_TRUE(carries_vip(cfg, "eth0"));
  EXPECT_TRUE(carries_vip(cfg, "dummy0"));
  EXPECT_FALSE(carries_vip(cfg, "eth3"));
  auto down = [&](const std::string& which) {
    return evaluate_tracking(
        true, interface_inputs(cfg, [&](const std::string& n) { return n != which; }));
  };
  for (const char* name : {"eth0", "dummy0"}) {
    const TrackingResult r = down(name);
    EXPECT_TRUE(r.fault) << name;
    EXPECT_TRUE(r.link_down) << name;
  }
  const TrackingResult other = down("eth3");
  EXPECT_TRUE(other.fault);
  EXPECT_FALSE(other.link_down);
  EXPECT_FALSE(down("none").link_down);
}

TEST(Tracking, FaultCauseOfChecksIsNotLinkDown) {
  TrackInput script = input(0, false);
  script.kind = TrackKind::Script;
  TrackInput bfd = script;
  bfd.kind = TrackKind::Bfd;
  TrackInput process = script;
  process.kind = TrackKind::Process;
  for (const TrackInput& in : {script, bfd, process}) {
    const TrackingResult r = eval(true, {in});
    EXPECT_TRUE(r.fault) << track_kind_name(in.kind);
    EXPECT_FALSE(r.link_down) << track_kind_name(in.kind);
  }
  // The VRRP interface down as well: nothing can be served.
  EXPECT_TRUE(eval(false, {script}).link_down);
  // A weighted interface going down only changes the priority.
  TrackInput weighted = input(-10, false);
  weighted.carries_vip = true;
  EXPECT_FALSE(eval(true, {weighted}).link_down);
  EXPECT_FALSE(eval(true, {script, weighted}).link_down);
}

}  // namespace
}  // namespace xvrrp::policy
