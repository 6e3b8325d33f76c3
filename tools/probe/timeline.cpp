// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe/timeline.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>
#include <utility>

namespace xvrrp::probe {

std::string mac_to_string(const Mac& mac) {
  char text[18];
  std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
                mac[4], mac[5]);
  return text;
}

std::optional<std::int64_t> percentile(std::vector<std::int64_t> values, double p) {
  if (values.empty() || !(p > 0.0) || p > 100.0) return std::nullopt;
  std::sort(values.begin(), values.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  rank = std::clamp<std::size_t>(rank, 1, values.size());
  return values[rank - 1];
}

namespace {

struct LostProbe {
  std::int64_t send_ns;
  std::uint32_t seq;
};

std::optional<Mac> latest_sighting_at_or_before(const std::vector<MacSighting>& sorted,
                                                std::int64_t at_ns) {
  auto it = std::upper_bound(sorted.begin(), sorted.end(), at_ns,
                             [](std::int64_t t, const MacSighting& s) { return t < s.at_ns; });
  if (it == sorted.begin()) return std::nullopt;
  return std::prev(it)->mac;
}

std::optional<Mac> latest_sighting_in(const std::vector<MacSighting>& sorted, std::int64_t after_ns,
                                      std::int64_t until_ns) {
  std::optional<Mac> found;
  for (const auto& s : sorted) {
    if (s.at_ns > until_ns) break;
    if (s.at_ns > after_ns) found = s.mac;
  }
  return found;
}

// A candidate gap: [start_ns, end_ns) where lost probes sent in [lost_from_ns, lost_until_ns)
// belong to it. before/after index into answered (-1 when absent).
struct Gap {
  std::int64_t start_ns;
  std::int64_t end_ns;
  std::int64_t lost_from_ns;
  std::int64_t lost_until_ns;
  long before;
  long after;
};

}  // namespace

TimelineSummary analyze(const TimelineInput& input) {
  TimelineSummary out;
  out.end_ns = input.end_ns;

  std::unordered_map<std::uint32_t, std::int64_t> send_by_seq;
  send_by_seq.reserve(input.sends.size());
  for (const auto& s : input.sends) send_by_seq.emplace(s.seq, s.send_ns);
  out.sent = send_by_seq.size();
  if (input.sends.empty()) return out;
  out.start_ns =
      std::min_element(input.sends.begin(), input.sends.end(),
                       [](const ProbeSent& a, const ProbeSent& b) { return a.send_ns < b.send_ns; })
          ->send_ns;

  std::vector<MacSighting> sightings = input.sightings;
  std::stable_sort(sightings.begin(), sightings.end(),
                   [](const MacSighting& a, const MacSighting& b) { return a.at_ns < b.at_ns; });

  std::vector<ProbeReply> replies = input.replies;
  std::stable_sort(replies.begin(), replies.end(), [](const ProbeReply& a, const ProbeReply& b) {
    return a.reply_ns < b.reply_ns;
  });
  std::unordered_map<std::uint32_t, bool> answered_seq;
  for (const auto& r : replies) {
    auto sent = send_by_seq.find(r.seq);
    if (sent == send_by_seq.end()) {
      ++out.unknown_replies;
      continue;
    }
    if (!answered_seq.emplace(r.seq, true).second) {
      ++out.duplicate_replies;
      continue;
    }
    AnsweredProbe a{r.seq, sent->second, r.reply_ns, r.mac};
    if (!a.mac) a.mac = latest_sighting_at_or_before(sightings, r.reply_ns);
    out.answered_probes.push_back(a);
  }
  out.answered = out.answered_probes.size();

  std::vector<LostProbe> lost;  // by send time
  for (const auto& [seq, send_ns] : send_by_seq) {
    if (answered_seq.count(seq)) continue;
    if (input.end_ns - send_ns < input.reply_timeout_ns) {
      ++out.in_flight;
    } else {
      lost.push_back({send_ns, seq});
    }
  }
  std::sort(lost.begin(), lost.end(), [](const LostProbe& a, const LostProbe& b) {
    return a.send_ns != b.send_ns ? a.send_ns < b.send_ns : a.seq < b.seq;
  });
  out.lost = lost.size();
  for (const auto& l : lost) out.lost_probes.push_back({l.seq, l.send_ns});

  auto lost_in = [&lost](std::int64_t from_ns, std::int64_t until_ns) {
    auto first = std::lower_bound(lost.begin(), lost.end(), from_ns,
                                  [](const LostProbe& l, std::int64_t t) { return l.send_ns < t; });
    auto last = std::lower_bound(first, lost.end(), until_ns,
                                 [](const LostProbe& l, std::int64_t t) { return l.send_ns < t; });
    return std::make_pair(first, last);
  };

  const auto& ans = out.answered_probes;
  std::vector<Gap> gaps;
  if (ans.empty()) {
    gaps.push_back({out.start_ns, input.end_ns, out.start_ns, input.end_ns + 1, -1, -1});
  } else {
    gaps.push_back({out.start_ns, ans.front().reply_ns, out.start_ns, ans.front().reply_ns, -1, 0});
    for (std::size_t i = 1; i < ans.size(); ++i) {
      gaps.push_back({ans[i - 1].reply_ns, ans[i].reply_ns, ans[i - 1].send_ns, ans[i].reply_ns,
                      static_cast<long>(i - 1), static_cast<long>(i)});
    }
    gaps.push_back({ans.back().reply_ns, input.end_ns, ans.back().send_ns, input.end_ns + 1,
                    static_cast<long>(ans.size() - 1), -1});
  }

  const Gap* best = nullptr;
  for (const auto& g : gaps) {
    bool edge = g.before < 0 || g.after < 0;
    if (edge && !ans.empty()) {
      auto [first, last] = lost_in(g.lost_from_ns, g.lost_until_ns);
      if (first == last) continue;  // an edge gap without loss is just the run's margin
    }
    if (!best || g.end_ns - g.start_ns > best->end_ns - best->start_ns) best = &g;
  }

  if (best) {
    Outage o;
    o.start_ns = best->start_ns;
    o.duration_ns = best->end_ns - best->start_ns;
    o.recovered = best->after >= 0;
    if (o.recovered) {
      o.end_ns = best->end_ns;
      o.first_reply_seq = ans[best->after].seq;
    }
    auto [first, last] = lost_in(best->lost_from_ns, best->lost_until_ns);
    o.lost_probes = static_cast<std::uint64_t>(last - first);
    if (first != last) {
      o.first_lost_seq = first->seq;
      o.first_lost_send_ns = first->send_ns;
      if (o.recovered) o.recovery_ns = best->end_ns - first->send_ns;
    }
    if (best->before >= 0) o.mac_before = ans[best->before].mac;
    if (!o.mac_before) o.mac_before = latest_sighting_at_or_before(sightings, best->start_ns);
    if (best->after >= 0) o.mac_after = ans[best->after].mac;
    if (!o.mac_after) o.mac_after = latest_sighting_in(sightings, best->start_ns, best->end_ns);
    out.outage = o;
  }

  std::vector<std::int64_t> rtts;
  rtts.reserve(ans.size());
  for (const auto& a : ans) rtts.push_back(a.rtt_ns());
  out.rtt_p50_ns = percentile(rtts, 50.0);
  out.rtt_p99_ns = percentile(rtts, 99.0);
  out.rtt_max_ns = percentile(rtts, 100.0);

  // Every observation of who owns the VIP, in time order: replies with a captured MAC and
  // ARP sightings. Replies attributed from a sighting add nothing new, so they are skipped.
  std::vector<std::pair<std::int64_t, Mac>> observations;
  for (const auto& s : sightings) observations.emplace_back(s.at_ns, s.mac);
  for (const auto& r : replies) {
    if (r.mac && send_by_seq.count(r.seq)) observations.emplace_back(r.reply_ns, *r.mac);
  }
  std::stable_sort(observations.begin(), observations.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::optional<Mac> current;
  for (const auto& [at_ns, mac] : observations) {
    if (current && *current == mac) continue;
    out.mac_changes.push_back({at_ns, current, mac});
    current = mac;
  }
  return out;
}

}  // namespace xvrrp::probe
