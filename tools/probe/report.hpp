// SPDX-License-Identifier: GPL-2.0-or-later
// Renders a TimelineSummary for people (text, SVG) and for programs (JSON). Pure: every
// clock reading the renderers need is passed in ReportContext.
//
// JSON schema "xvrrp-probe/1" (field names are stable; times are numbers in milliseconds;
// *_unix_ms are CLOCK_REALTIME milliseconds since the epoch, *_offset_ms are relative to the
// first probe sent; absent values are null):
//   schema, target, interface, on_link, icmp_socket ("raw"|"dgram"), interval_ms,
//   reply_timeout_ms, start_unix_ms, duration_ms,
//   probes {sent, received, lost, in_flight, duplicates, unknown_replies, schedule_overruns,
//           send_errors},
//   rtt_ms {p50, p99, max},
//   outage null | {duration_ms, recovered, start_offset_ms, end_offset_ms, start_unix_ms,
//                  end_unix_ms, lost_probes, first_lost_seq, recovery_ms, first_reply_seq,
//                  mac_before, mac_after},
//   mac_changes [{offset_ms, unix_ms, from, to}],
//   events [{offset_ms, unix_ms, label}]
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/timeline.hpp"

namespace xvrrp::probe {

/// A moment the user asked to mark on the timeline (--events FILE).
struct TimelineEvent {
  std::int64_t at_ns = 0;  // monotonic, same clock as the timeline
  std::string label;
};

struct ReportContext {
  std::string target;     // the VIP as text
  std::string interface;  // egress interface; empty when unknown
  bool on_link = false;
  std::string icmp_socket = "raw";
  std::int64_t interval_ns = 1'000'000;
  std::int64_t reply_timeout_ns = 1'000'000'000;
  /// CLOCK_REALTIME - CLOCK_MONOTONIC, sampled once at start, to display monotonic stamps.
  std::int64_t realtime_offset_ns = 0;
  std::uint64_t schedule_overruns = 0;
  std::uint64_t send_errors = 0;  // sendto failures (counted as sent, then lost)
  std::vector<TimelineEvent> events;
};

std::string render_text(const TimelineSummary& summary, const ReportContext& context);
std::string render_json(const TimelineSummary& summary, const ReportContext& context);
/// A self-contained SVG document (no scripts, no external references).
std::string render_svg(const TimelineSummary& summary, const ReportContext& context);

/// Parses an --events file: one event per line, "UNIX_SECONDS[.FRACTION] LABEL...", where the
/// time is CLOCK_REALTIME (what `date +%s.%N` prints). Blank lines and lines starting with '#'
/// are skipped. Times are converted to monotonic with realtime_offset_ns. On a malformed line
/// returns nullopt and sets error to "FILE:LINE: reason".
std::optional<std::vector<TimelineEvent>> parse_events(std::string_view text,
                                                       std::string_view file_name,
                                                       std::int64_t realtime_offset_ns,
                                                       std::string& error);

}  // namespace xvrrp::probe
