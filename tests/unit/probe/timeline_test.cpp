// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe/timeline.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace xvrrp::probe {
namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr Mac kMacA{0x02, 0, 0, 0, 0, 0x0a};
constexpr Mac kMacB{0x02, 0, 0, 0, 0, 0x0b};

// count probes, one per ms from t=0; each answered after rtt unless its seq is in `lost`.
// The run ends 2 s after the last send so nothing is in flight.
TimelineInput steady(std::uint32_t count, std::int64_t rtt_ns, const std::set<std::uint32_t>& lost,
                     std::optional<Mac> mac = std::nullopt) {
  TimelineInput in;
  for (std::uint32_t seq = 0; seq < count; ++seq) {
    in.sends.push_back({seq, seq * kMs});
    if (!lost.count(seq)) in.replies.push_back({seq, seq * kMs + rtt_ns, mac});
  }
  in.end_ns = (count - 1) * kMs + 2000 * kMs;
  return in;
}

std::set<std::uint32_t> range(std::uint32_t from, std::uint32_t to) {
  std::set<std::uint32_t> s;
  for (auto i = from; i < to; ++i) s.insert(i);
  return s;
}

TEST(Timeline, EmptyInputHasNoOutage) {
  TimelineSummary s = analyze(TimelineInput{});
  EXPECT_EQ(s.sent, 0u);
  EXPECT_EQ(s.answered, 0u);
  EXPECT_EQ(s.lost, 0u);
  EXPECT_FALSE(s.outage.has_value());
  EXPECT_FALSE(s.rtt_p50_ns.has_value());
  EXPECT_TRUE(s.mac_changes.empty());
}

TEST(Timeline, NoLossLongestGapIsTheInterval) {
  TimelineSummary s = analyze(steady(1000, kMs / 10, {}));
  EXPECT_EQ(s.sent, 1000u);
  EXPECT_EQ(s.answered, 1000u);
  EXPECT_EQ(s.lost, 0u);
  EXPECT_EQ(s.in_flight, 0u);
  ASSERT_TRUE(s.outage.has_value());
  EXPECT_EQ(s.outage->duration_ns, kMs);
  EXPECT_TRUE(s.outage->recovered);
  EXPECT_EQ(s.outage->lost_probes, 0u);
  EXPECT_FALSE(s.outage->recovery_ns.has_value());
  EXPECT_EQ(*s.rtt_p50_ns, kMs / 10);
  EXPECT_EQ(*s.rtt_p99_ns, kMs / 10);
}

TEST(Timeline, SingleGapIsTheOutage) {
  // Probes 100..399 lost: last reply at 99.1 ms, next at 400.1 ms.
  TimelineSummary s = analyze(steady(1000, kMs / 10, range(100, 400)));
  EXPECT_EQ(s.lost, 300u);
  ASSERT_TRUE(s.outage.has_value());
  const Outage& o = *s.outage;
  EXPECT_EQ(o.start_ns, 99 * kMs + kMs / 10);
  EXPECT_EQ(*o.end_ns, 400 * kMs + kMs / 10);
  EXPECT_EQ(o.duration_ns, 301 * kMs);
  EXPECT_EQ(o.lost_probes, 300u);
  EXPECT_EQ(*o.first_lost_seq, 100u);
  EXPECT_EQ(*o.first_lost_send_ns, 100 * kMs);
  EXPECT_EQ(*o.recovery_ns, 300 * kMs + kMs / 10);
  EXPECT_EQ(*o.first_reply_seq, 400u);
  ASSERT_EQ(s.lost_probes.size(), 300u);
  EXPECT_EQ(s.lost_probes.front().seq, 100u);
  EXPECT_EQ(s.lost_probes.back().seq, 399u);
}

TEST(Timeline, LongestOfSeveralGapsWins) {
  auto lost = range(100, 150);
  for (auto seq : range(500, 700)) lost.insert(seq);
  TimelineSummary s = analyze(steady(1000, kMs / 10, lost));
  EXPECT_EQ(s.lost, 250u);
  EXPECT_EQ(s.outage->duration_ns, 201 * kMs);
  EXPECT_EQ(s.outage->lost_probes, 200u);
  EXPECT_EQ(*s.outage->first_lost_seq, 500u);
}

TEST(Timeline, ReorderedRepliesAreSortedByReplyTime) {
  TimelineInput in = steady(100, kMs / 10, range(40, 60));
  std::reverse(in.replies.begin(), in.replies.end());
  // Probe 10's reply overtaken by 11's: still answered once, gaps measured by reply time.
  in.replies.push_back({10, 11 * kMs + kMs / 5, std::nullopt});
  in.replies.erase(std::find_if(in.replies.begin(), in.replies.end(),
                                [](const ProbeReply& r) { return r.seq == 10; }));
  TimelineSummary s = analyze(in);
  EXPECT_EQ(s.answered, 80u);
  EXPECT_EQ(s.lost, 20u);
  EXPECT_EQ(s.outage->duration_ns, 21 * kMs);
  EXPECT_EQ(*s.outage->first_lost_seq, 40u);
  for (std::size_t i = 1; i < s.answered_probes.size(); ++i) {
    EXPECT_LE(s.answered_probes[i - 1].reply_ns, s.answered_probes[i].reply_ns);
  }
}

TEST(Timeline, DuplicatesCountOnceAndKeepTheFirstRtt) {
  TimelineInput in = steady(100, kMs / 10, {});
  in.replies.push_back({5, 5 * kMs + 3 * kMs, std::nullopt});  // late duplicate of probe 5
  in.replies.push_back({5, 5 * kMs + 4 * kMs, std::nullopt});
  in.replies.push_back({9999, 50 * kMs, std::nullopt});  // never sent
  TimelineSummary s = analyze(in);
  EXPECT_EQ(s.answered, 100u);
  EXPECT_EQ(s.duplicate_replies, 2u);
  EXPECT_EQ(s.unknown_replies, 1u);
  EXPECT_EQ(s.lost, 0u);
  EXPECT_EQ(*s.rtt_max_ns, kMs / 10);
  EXPECT_EQ(s.outage->duration_ns, kMs);
}

TEST(Timeline, MacChangeAtTheGap) {
  TimelineInput in = steady(1000, kMs / 10, range(300, 600));
  for (auto& r : in.replies) r.mac = r.seq < 300 ? kMacA : kMacB;
  TimelineSummary s = analyze(in);
  ASSERT_TRUE(s.outage.has_value());
  EXPECT_EQ(*s.outage->mac_before, kMacA);
  EXPECT_EQ(*s.outage->mac_after, kMacB);
  ASSERT_EQ(s.mac_changes.size(), 2u);
  EXPECT_FALSE(s.mac_changes[0].from.has_value());
  EXPECT_EQ(s.mac_changes[0].to, kMacA);
  EXPECT_EQ(*s.mac_changes[1].from, kMacA);
  EXPECT_EQ(s.mac_changes[1].to, kMacB);
  EXPECT_EQ(s.mac_changes[1].at_ns, 600 * kMs + kMs / 10);
}

TEST(Timeline, MacFromArpSightingsWhenRepliesCarryNone) {
  TimelineInput in = steady(1000, kMs / 10, range(300, 600));
  in.sightings.push_back({0, kMacA});
  in.sightings.push_back({550 * kMs, kMacB});  // gratuitous ARP from the new master
  TimelineSummary s = analyze(in);
  EXPECT_EQ(*s.outage->mac_before, kMacA);
  EXPECT_EQ(*s.outage->mac_after, kMacB);
  EXPECT_EQ(*s.answered_probes.front().mac, kMacA);
  EXPECT_EQ(*s.answered_probes.back().mac, kMacB);
  ASSERT_EQ(s.mac_changes.size(), 2u);
  EXPECT_EQ(s.mac_changes[1].at_ns, 550 * kMs);
}

TEST(Timeline, MacChangeWithoutGap) {
  TimelineInput in = steady(1000, kMs / 10, {});
  for (auto& r : in.replies) r.mac = r.seq < 500 ? kMacA : kMacB;
  TimelineSummary s = analyze(in);
  EXPECT_EQ(s.lost, 0u);
  EXPECT_EQ(s.outage->duration_ns, kMs);
  ASSERT_EQ(s.mac_changes.size(), 2u);
  EXPECT_EQ(s.mac_changes[1].at_ns, 500 * kMs + kMs / 10);
  EXPECT_EQ(s.mac_changes[1].to, kMacB);
}

TEST(Timeline, UnknownMacWhenNothingWasSeen) {
  TimelineSummary s = analyze(steady(100, kMs / 10, range(20, 40)));
  EXPECT_FALSE(s.outage->mac_before.has_value());
  EXPECT_FALSE(s.outage->mac_after.has_value());
  EXPECT_TRUE(s.mac_changes.empty());
}

TEST(Timeline, TotalLossIsAnOutageOfTheWholeRun) {
  TimelineInput in = steady(500, kMs / 10, range(0, 500));
  TimelineSummary s = analyze(in);
  EXPECT_EQ(s.answered, 0u);
  EXPECT_EQ(s.lost, 500u);
  ASSERT_TRUE(s.outage.has_value());
  EXPECT_FALSE(s.outage->recovered);
  EXPECT_FALSE(s.outage->end_ns.has_value());
  EXPECT_EQ(s.outage->start_ns, 0);
  EXPECT_EQ(s.outage->duration_ns, in.end_ns);
  EXPECT_EQ(s.outage->lost_probes, 500u);
  EXPECT_FALSE(s.rtt_p50_ns.has_value());
}

TEST(Timeline, OutageStillOpenAtTheEnd) {
  TimelineInput in = steady(1000, kMs / 10, range(700, 1000));
  TimelineSummary s = analyze(in);
  EXPECT_EQ(s.lost, 300u);
  EXPECT_FALSE(s.outage->recovered);
  EXPECT_EQ(s.outage->start_ns, 699 * kMs + kMs / 10);
  EXPECT_EQ(s.outage->duration_ns, in.end_ns - s.outage->start_ns);
  EXPECT_EQ(s.outage->lost_probes, 300u);
  EXPECT_EQ(*s.outage->first_lost_seq, 700u);
}

TEST(Timeline, VipDownWhenTheRunStarted) {
  TimelineSummary s = analyze(steady(1000, kMs / 10, range(0, 200)));
  EXPECT_EQ(s.outage->start_ns, 0);
  EXPECT_EQ(*s.outage->end_ns, 200 * kMs + kMs / 10);
  EXPECT_EQ(s.outage->lost_probes, 200u);
  EXPECT_EQ(*s.outage->first_reply_seq, 200u);
}

TEST(Timeline, ProbesInFlightAtTheEndAreNotLost) {
  TimelineInput in = steady(1000, kMs / 10, range(990, 1000));
  in.end_ns = 999 * kMs + 5 * kMs;  // stopped 5 ms after the last send
  in.reply_timeout_ns = 100 * kMs;
  TimelineSummary s = analyze(in);
  EXPECT_EQ(s.in_flight, 10u);
  EXPECT_EQ(s.lost, 0u);
  EXPECT_EQ(s.outage->duration_ns, kMs);  // the unanswered tail is not an outage
  EXPECT_TRUE(s.outage->recovered);

  in.reply_timeout_ns = 8 * kMs;  // now probes 990..996 are old enough to be judged lost
  s = analyze(in);
  EXPECT_EQ(s.lost, 7u);
  EXPECT_EQ(s.in_flight, 3u);
  EXPECT_FALSE(s.outage->recovered);
  EXPECT_EQ(s.outage->lost_probes, 7u);
}

TEST(Timeline, PercentilesAreNearestRank) {
  std::vector<std::int64_t> values;
  for (int i = 100; i >= 1; --i) values.push_back(i);
  EXPECT_EQ(*percentile(values, 50), 50);
  EXPECT_EQ(*percentile(values, 99), 99);
  EXPECT_EQ(*percentile(values, 100), 100);
  EXPECT_EQ(*percentile({7}, 99), 7);
  EXPECT_FALSE(percentile({}, 50).has_value());

  TimelineInput in = steady(100, kMs / 10, {});
  in.replies[42].reply_ns = in.sends[42].send_ns + 30 * kMs;  // one slow reply
  TimelineSummary s = analyze(in);
  EXPECT_EQ(*s.rtt_p50_ns, kMs / 10);
  EXPECT_EQ(*s.rtt_p99_ns, kMs / 10);
  EXPECT_EQ(*s.rtt_max_ns, 30 * kMs);
}

TEST(Timeline, MacToString) {
  EXPECT_EQ(mac_to_string({0x00, 0x00, 0x5e, 0x00, 0x01, 0xab}), "00:00:5e:00:01:ab");
}

}  // namespace
}  // namespace xvrrp::probe
