// SPDX-License-Identifier: GPL-2.0-or-later
// Failover timeline analysis for xvrrp-probe: pure computation, no sockets, no clocks.
//
// Input: every probe sent (sequence number, CLOCK_MONOTONIC send time), every reply
// received (possibly reordered and duplicated), and every MAC sighting (an ARP reply or
// gratuitous ARP that claimed the VIP). All times are nanoseconds on one monotonic clock.
//
// Definitions (the numbers xvrrp-probe reports):
//  - A probe is "answered" when at least one reply carries its sequence number. Duplicates
//    are counted (duplicate_replies) but otherwise ignored; the first reply defines the RTT.
//  - A probe is "in flight" when it is unanswered and was sent less than reply_timeout_ns
//    before end_ns: the run stopped before it could be judged, so it is not counted as lost.
//  - lost = sent - answered - in_flight.
//  - The outage is the longest gap between consecutive answered replies ordered by reply
//    time. Two edge gaps also compete when they contain at least one lost probe: from the
//    first send to the first reply (the VIP was already down when the run began; there is no
//    reply before it) and from the last reply to end_ns (the VIP never came back; recovered
//    is false). When no reply arrived at all, the whole run is the outage.
//  - recovery_ns: from the send time of the first lost probe of the outage to the first reply
//    after it: how long a client that started talking at the worst moment waited.
//  - The MAC of a reply is the one captured with it (ICMP reply seen on the wire) or else
//    the latest MAC sighting at or before its reply time; unknown when neither exists.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace xvrrp::probe {

using Mac = std::array<std::uint8_t, 6>;

/// "aa:bb:cc:dd:ee:ff", lower case.
std::string mac_to_string(const Mac& mac);

struct ProbeSent {
  std::uint32_t seq = 0;
  std::int64_t send_ns = 0;
};

struct ProbeReply {
  std::uint32_t seq = 0;
  std::int64_t reply_ns = 0;
  /// Source MAC of the reply frame, when the probe could capture it.
  std::optional<Mac> mac;
};

struct MacSighting {
  std::int64_t at_ns = 0;
  Mac mac{};
};

struct TimelineInput {
  std::vector<ProbeSent> sends;
  std::vector<ProbeReply> replies;
  std::vector<MacSighting> sightings;
  /// When the run stopped (monotonic ns). Must be >= every send time.
  std::int64_t end_ns = 0;
  /// Unanswered probes younger than this at end_ns are in flight, not lost.
  std::int64_t reply_timeout_ns = 1'000'000'000;
};

/// One answered probe, in reply-time order, with its attributed MAC.
struct AnsweredProbe {
  std::uint32_t seq = 0;
  std::int64_t send_ns = 0;
  std::int64_t reply_ns = 0;
  std::optional<Mac> mac;
  [[nodiscard]] std::int64_t rtt_ns() const { return reply_ns - send_ns; }
};

struct Outage {
  /// Last reply before the gap (or the first send when no reply preceded it).
  std::int64_t start_ns = 0;
  /// First reply after the gap; nullopt when the run ended before the VIP answered again.
  std::optional<std::int64_t> end_ns;
  /// end_ns - start_ns, or end of run - start_ns when not recovered.
  std::int64_t duration_ns = 0;
  bool recovered = false;
  /// Probes sent inside the gap and lost.
  std::uint64_t lost_probes = 0;
  /// First lost probe inside the gap, when there is one.
  std::optional<std::uint32_t> first_lost_seq;
  std::optional<std::int64_t> first_lost_send_ns;
  /// First reply after the outage minus the send time of the first lost probe in it.
  std::optional<std::int64_t> recovery_ns;
  /// Sequence number of the reply that ended the outage.
  std::optional<std::uint32_t> first_reply_seq;
  std::optional<Mac> mac_before;
  std::optional<Mac> mac_after;
};

struct MacChange {
  std::int64_t at_ns = 0;
  std::optional<Mac> from;
  Mac to{};
};

struct TimelineSummary {
  std::uint64_t sent = 0;
  std::uint64_t answered = 0;  // distinct sequence numbers replied
  std::uint64_t lost = 0;
  std::uint64_t in_flight = 0;
  std::uint64_t duplicate_replies = 0;
  std::uint64_t unknown_replies = 0;  // sequence numbers never sent: ignored
  std::int64_t start_ns = 0;          // first send, 0 when nothing was sent
  std::int64_t end_ns = 0;
  std::optional<Outage> outage;  // nullopt only when nothing was sent
  std::optional<std::int64_t> rtt_p50_ns;
  std::optional<std::int64_t> rtt_p99_ns;
  std::optional<std::int64_t> rtt_max_ns;
  std::vector<AnsweredProbe> answered_probes;  // reply-time order
  std::vector<MacChange> mac_changes;          // first sighting counts as a change from nullopt
  std::vector<ProbeSent> lost_probes;          // send-time order
};

/// Nearest-rank percentile (p in (0,100]) of values; nullopt when empty. Sorts a copy.
std::optional<std::int64_t> percentile(std::vector<std::int64_t> values, double p);

TimelineSummary analyze(const TimelineInput& input);

}  // namespace xvrrp::probe
