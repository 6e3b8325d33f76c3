// SPDX-License-Identifier: GPL-2.0-or-later
// track_file values and their effect (policy/track_file.hpp), and the file
// kind of the tracking rule.
#include "policy/track_file.hpp"

#include <gtest/gtest.h>

#include "policy/tracking.hpp"

namespace xvrrp::policy {
namespace {

TEST(TrackFileValue, ReadAsStrtolBaseZero) {
  EXPECT_EQ(parse_track_file_value(""), 0);
  EXPECT_EQ(parse_track_file_value("0\n"), 0);
  EXPECT_EQ(parse_track_file_value("12\n"), 12);
  EXPECT_EQ(parse_track_file_value("  -7 trailing"), -7);
  EXPECT_EQ(parse_track_file_value("+3"), 3);
  EXPECT_EQ(parse_track_file_value("0x10"), 16);
  EXPECT_EQ(parse_track_file_value("010"), 8);
  EXPECT_EQ(parse_track_file_value("abc"), 0);
  EXPECT_EQ(parse_track_file_value("2147483648"), 2147483648LL);
  EXPECT_EQ(parse_track_file_value("-2147483648"), -2147483648LL);
  EXPECT_EQ(parse_track_file_value("2147483649"), std::nullopt);
  EXPECT_EQ(parse_track_file_value("-2147483649"), std::nullopt);
  EXPECT_EQ(parse_track_file_value("99999999999999999999"), std::nullopt);
}

TEST(TrackFileEffect, UnweightedNonZeroIsFault) {
  EXPECT_EQ(file_effect(0, 0, false), (core::CheckEffect{false, 0}));
  EXPECT_EQ(file_effect(1, 0, false), (core::CheckEffect{true, 0}));
  EXPECT_EQ(file_effect(-5, 0, false), (core::CheckEffect{true, 0}));
  // reverse: zero is the failure.
  EXPECT_EQ(file_effect(0, 0, true), (core::CheckEffect{true, 0}));
  EXPECT_EQ(file_effect(3, 0, true), (core::CheckEffect{false, 0}));
}

TEST(TrackFileEffect, WeightedValueTimesWeight) {
  EXPECT_EQ(file_effect(0, 10, false), (core::CheckEffect{false, 0}));
  EXPECT_EQ(file_effect(3, 10, false), (core::CheckEffect{false, 30}));
  EXPECT_EQ(file_effect(-3, 10, false), (core::CheckEffect{false, -30}));
  EXPECT_EQ(file_effect(3, -10, false), (core::CheckEffect{false, -30}));
  EXPECT_EQ(file_effect(3, 10, true), (core::CheckEffect{false, -30}));
  // Capped at 253; <= -254 is FAULT.
  EXPECT_EQ(file_effect(100, 10, false), (core::CheckEffect{false, 253}));
  EXPECT_EQ(file_effect(-253, 1, false), (core::CheckEffect{false, -253}));
  EXPECT_EQ(file_effect(-254, 1, false), (core::CheckEffect{true, 0}));
  EXPECT_EQ(file_effect(-2147483648LL, 254, false), (core::CheckEffect{true, 0}));
  EXPECT_EQ(file_effect(2147483648LL, -254, true), (core::CheckEffect{false, 253}));
}

TEST(TrackFileEffect, FileKindInTheTrackingRule) {
  config::TrackedFile t;
  t.file.name = "f";
  t.weight = -20;
  TrackInput in = file_input(t, 2);
  EXPECT_EQ(in.kind, TrackKind::File);
  EXPECT_STREQ(track_kind_name(in.kind), "file");
  EXPECT_EQ(in.name, "f");
  EXPECT_TRUE(in.healthy);
  EXPECT_EQ(effect_of(in), (core::CheckEffect{false, -40}));
  std::vector<TrackInput> inputs = {in};
  EXPECT_EQ(evaluate_tracking(true, inputs), (TrackingResult{false, -40}));
  inputs.push_back(file_input(t, 20));
  EXPECT_FALSE(inputs[1].healthy);
  EXPECT_EQ(evaluate_tracking(true, inputs), (TrackingResult{true, -40}));
  t.weight = 0;
  EXPECT_EQ(evaluate_tracking(true, std::vector{file_input(t, 1)}), (TrackingResult{true, 0}));
}

}  // namespace
}  // namespace xvrrp::policy
