// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe/report.hpp"

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>

#include "common/json_quote.hpp"

namespace xvrrp::probe {
namespace {

std::string format(const char* fmt, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

double to_ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

// Milliseconds with microsecond resolution; JSON numbers and human text alike.
std::string ms_text(std::int64_t ns) { return format("%.3f", to_ms(ns)); }

std::string wall_clock(std::int64_t realtime_ns) {
  std::time_t secs = static_cast<std::time_t>(realtime_ns / 1'000'000'000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char hms[16];
  std::strftime(hms, sizeof hms, "%H:%M:%S", &tm);
  return format("%s.%06" PRId64, hms, (realtime_ns % 1'000'000'000) / 1000);
}

std::string wall_date(std::int64_t realtime_ns) {
  std::time_t secs = static_cast<std::time_t>(realtime_ns / 1'000'000'000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S %z", &tm);
  return date;
}

std::string mac_or_unknown(const std::optional<Mac>& mac) {
  return mac ? mac_to_string(*mac) : "unknown";
}

std::string json_string(std::string_view s) { return json_quoted(s); }

std::string json_ms(const std::optional<std::int64_t>& ns) { return ns ? ms_text(*ns) : "null"; }
std::string json_mac(const std::optional<Mac>& mac) {
  return mac ? json_string(mac_to_string(*mac)) : "null";
}
std::string json_u32(const std::optional<std::uint32_t>& v) {
  return v ? std::to_string(*v) : "null";
}

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t') out += c;
    }
  }
  return out;
}

}  // namespace

std::string render_text(const TimelineSummary& s, const ReportContext& c) {
  std::string out;
  auto wall = [&c](std::int64_t mono_ns) { return wall_clock(mono_ns + c.realtime_offset_ns); };
  out += format("xvrrp-probe %s", c.target.c_str());
  if (!c.interface.empty()) out += format(" via %s", c.interface.c_str());
  out += format(" (%s, %s ICMP), interval %s ms, ran %s ms\n", c.on_link ? "on-link" : "routed",
                c.icmp_socket.c_str(), ms_text(c.interval_ns).c_str(),
                ms_text(s.end_ns - s.start_ns).c_str());
  out += format("probes:  %" PRIu64 " sent, %" PRIu64 " received, %" PRIu64 " lost, %" PRIu64
                " in flight at stop, %" PRIu64 " duplicate replies\n",
                s.sent, s.answered, s.lost, s.in_flight, s.duplicate_replies);
  if (c.send_errors) {
    out +=
        format("warning: %" PRIu64 " probes could not be sent (counted as lost)\n", c.send_errors);
  }
  if (c.schedule_overruns) {
    out += format("warning: the sender fell behind its schedule %" PRIu64 " times\n",
                  c.schedule_overruns);
  }
  if (!s.outage) {
    out += "outage:  none measured (no probe sent)\n";
  } else {
    const Outage& o = *s.outage;
    if (s.answered == 0) {
      out += format("outage:  no reply at all for the whole run (%s ms)\n",
                    ms_text(o.duration_ns).c_str());
    } else {
      out += format("outage:  %s ms (longest gap between replies), from %s to %s\n",
                    ms_text(o.duration_ns).c_str(), wall(o.start_ns).c_str(),
                    o.end_ns ? wall(*o.end_ns).c_str() : "end of run (never recovered)");
    }
    out += format("         %" PRIu64 " probes lost in it", o.lost_probes);
    if (o.recovery_ns) {
      out += format("; first reply after it came %s ms after the first lost probe was sent",
                    ms_text(*o.recovery_ns).c_str());
    }
    out += "\n";
    out +=
        format("MAC:     before %s, after %s%s\n", mac_or_unknown(o.mac_before).c_str(),
               mac_or_unknown(o.mac_after).c_str(), c.on_link ? "" : " (VIP not on-link: no ARP)");
  }
  if (s.rtt_p50_ns) {
    out += format("RTT:     p50 %s ms, p99 %s ms, max %s ms\n", ms_text(*s.rtt_p50_ns).c_str(),
                  ms_text(*s.rtt_p99_ns).c_str(), ms_text(*s.rtt_max_ns).c_str());
  } else {
    out += "RTT:     no replies\n";
  }
  for (const auto& m : s.mac_changes) {
    if (m.from) {
      out += format("MAC change at %s: %s -> %s\n", wall(m.at_ns).c_str(),
                    mac_to_string(*m.from).c_str(), mac_to_string(m.to).c_str());
    } else {
      out +=
          format("MAC first seen at %s: %s\n", wall(m.at_ns).c_str(), mac_to_string(m.to).c_str());
    }
  }
  for (const auto& e : c.events) {
    out += "event at " + wall(e.at_ns) + ": " + e.label + "\n";  // labels may be long
  }
  return out;
}

std::string render_json(const TimelineSummary& s, const ReportContext& c) {
  auto offset = [&s](std::int64_t ns) { return ms_text(ns - s.start_ns); };
  auto unix_ms = [&c](std::int64_t ns) { return ms_text(ns + c.realtime_offset_ns); };
  std::string out = "{\n";
  out += "  \"schema\": \"xvrrp-probe/1\",\n";
  out += "  \"target\": " + json_string(c.target) + ",\n";
  out += "  \"interface\": " + (c.interface.empty() ? "null" : json_string(c.interface)) + ",\n";
  out += std::string("  \"on_link\": ") + (c.on_link ? "true" : "false") + ",\n";
  out += "  \"icmp_socket\": " + json_string(c.icmp_socket) + ",\n";
  out += "  \"interval_ms\": " + ms_text(c.interval_ns) + ",\n";
  out += "  \"reply_timeout_ms\": " + ms_text(c.reply_timeout_ns) + ",\n";
  out += "  \"start_unix_ms\": " + unix_ms(s.start_ns) + ",\n";
  out += "  \"duration_ms\": " + ms_text(s.end_ns - s.start_ns) + ",\n";
  out += format("  \"probes\": {\"sent\": %" PRIu64 ", \"received\": %" PRIu64
                ", \"lost\": %" PRIu64 ", \"in_flight\": %" PRIu64 ", \"duplicates\": %" PRIu64,
                s.sent, s.answered, s.lost, s.in_flight, s.duplicate_replies);
  out += format(", \"unknown_replies\": %" PRIu64 ", \"schedule_overruns\": %" PRIu64
                ", \"send_errors\": %" PRIu64 "},\n",
                s.unknown_replies, c.schedule_overruns, c.send_errors);
  out += "  \"rtt_ms\": {\"p50\": " + json_ms(s.rtt_p50_ns) +
         ", \"p99\": " + json_ms(s.rtt_p99_ns) + ", \"max\": " + json_ms(s.rtt_max_ns) + "},\n";
  if (!s.outage) {
    out += "  \"outage\": null,\n";
  } else {
    const Outage& o = *s.outage;
    out += "  \"outage\": {\n";
    out += "    \"duration_ms\": " + ms_text(o.duration_ns) + ",\n";
    out += std::string("    \"recovered\": ") + (o.recovered ? "true" : "false") + ",\n";
    out += "    \"start_offset_ms\": " + offset(o.start_ns) + ",\n";
    out += "    \"end_offset_ms\": " + (o.end_ns ? offset(*o.end_ns) : "null") + ",\n";
    out += "    \"start_unix_ms\": " + unix_ms(o.start_ns) + ",\n";
    out += "    \"end_unix_ms\": " + (o.end_ns ? unix_ms(*o.end_ns) : "null") + ",\n";
    out += "    \"lost_probes\": " + std::to_string(o.lost_probes) + ",\n";
    out += "    \"first_lost_seq\": " + json_u32(o.first_lost_seq) + ",\n";
    out += "    \"recovery_ms\": " + json_ms(o.recovery_ns) + ",\n";
    out += "    \"first_reply_seq\": " + json_u32(o.first_reply_seq) + ",\n";
    out += "    \"mac_before\": " + json_mac(o.mac_before) + ",\n";
    out += "    \"mac_after\": " + json_mac(o.mac_after) + "\n";
    out += "  },\n";
  }
  out += "  \"mac_changes\": [";
  for (std::size_t i = 0; i < s.mac_changes.size(); ++i) {
    const auto& m = s.mac_changes[i];
    out += std::string(i ? ",\n" : "\n") + "    {\"offset_ms\": " + offset(m.at_ns) +
           ", \"unix_ms\": " + unix_ms(m.at_ns) + ", \"from\": " + json_mac(m.from) +
           ", \"to\": " + json_mac(m.to) + "}";
  }
  out += s.mac_changes.empty() ? "],\n" : "\n  ],\n";
  out += "  \"events\": [";
  for (std::size_t i = 0; i < c.events.size(); ++i) {
    const auto& e = c.events[i];
    out += std::string(i ? ",\n" : "\n") + "    {\"offset_ms\": " + offset(e.at_ns) +
           ", \"unix_ms\": " + unix_ms(e.at_ns) + ", \"label\": " + json_string(e.label) + "}";
  }
  out += c.events.empty() ? "]\n" : "\n  ]\n";
  out += "}\n";
  return out;
}

namespace {

constexpr const char* kPalette[] = {"#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e",
                                    "#17becf", "#8c564b", "#e377c2", "#bcbd22"};
constexpr const char* kUnknownColour = "#7f7f7f";
constexpr const char* kLostColour = "#d62728";

// 1, 2 or 5 times a power of ten, in ns, giving about `target` ticks over span_ns.
std::int64_t nice_step(std::int64_t span_ns, int target) {
  double raw = std::max(1.0, static_cast<double>(span_ns) / target);
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * magnitude >= raw) return static_cast<std::int64_t>(m * magnitude);
  }
  return static_cast<std::int64_t>(10 * magnitude);
}

std::string time_label(std::int64_t offset_ns, std::int64_t step_ns) {
  if (step_ns >= 1'000'000'000) return format("%.0f s", static_cast<double>(offset_ns) / 1e9);
  if (step_ns >= 100'000'000) return format("%.1f s", static_cast<double>(offset_ns) / 1e9);
  if (step_ns >= 1'000'000) return format("%.0f ms", to_ms(offset_ns));
  return format("%.3f ms", to_ms(offset_ns));
}

}  // namespace

std::string render_svg(const TimelineSummary& s, const ReportContext& c) {
  constexpr int kWidth = 1000, kHeight = 416;
  constexpr int kLeft = 80, kRight = 970;
  constexpr int kReplyTop = 78, kReplyBottom = 168;
  constexpr int kRttTop = 198, kRttBottom = 306;
  constexpr int kAxisY = 316;
  constexpr int kPlotWidth = kRight - kLeft;

  const std::int64_t t0 = s.start_ns;
  const std::int64_t span = std::max<std::int64_t>(s.end_ns - s.start_ns, 1);
  auto x_of = [&](std::int64_t ns) {
    double frac = static_cast<double>(ns - t0) / static_cast<double>(span);
    return kLeft + std::clamp(frac, 0.0, 1.0) * kPlotWidth;
  };

  // Colours by MAC in order of first appearance; unknown stays grey.
  std::map<Mac, std::string> colour_of;
  std::vector<Mac> legend_macs;
  auto colour = [&](const std::optional<Mac>& mac) -> std::string {
    if (!mac) return kUnknownColour;
    auto it = colour_of.find(*mac);
    if (it != colour_of.end()) return it->second;
    std::string col = kPalette[legend_macs.size() % std::size(kPalette)];
    colour_of.emplace(*mac, col);
    legend_macs.push_back(*mac);
    return col;
  };
  for (const auto& m : s.mac_changes) colour(m.to);
  bool any_unknown = false;

  std::string out;
  out += format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n",
      kWidth, kHeight, kWidth, kHeight);
  out += "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out +=
      "<text x=\"" + std::to_string(kLeft) + "\" y=\"22\" font-size=\"16\" font-weight=\"bold\">" +
      xml_escape("xvrrp-probe " + c.target + (c.interface.empty() ? "" : " via " + c.interface)) +
      "</text>\n";
  std::string subtitle = wall_date(t0 + c.realtime_offset_ns) + " | " + std::to_string(s.sent) +
                         " sent, " + std::to_string(s.answered) + " received, " +
                         std::to_string(s.lost) + " lost | interval " + ms_text(c.interval_ns) +
                         " ms";
  if (s.rtt_p50_ns) {
    subtitle +=
        " | RTT p50 " + ms_text(*s.rtt_p50_ns) + " ms, p99 " + ms_text(*s.rtt_p99_ns) + " ms";
  }
  out +=
      format("<text x=\"%d\" y=\"40\" fill=\"#444\">", kLeft) + xml_escape(subtitle) + "</text>\n";

  // Outage first, so replies and markers draw over the shading.
  if (s.outage) {
    const Outage& o = *s.outage;
    double x1 = x_of(o.start_ns);
    double x2 = x_of(o.end_ns.value_or(s.end_ns));
    double w = std::max(x2 - x1, 2.0);
    out += format(
        "<rect class=\"outage\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\" "
        "fill-opacity=\"0.18\" stroke=\"%s\" stroke-opacity=\"0.6\"/>\n",
        x1, kReplyTop - 8, w, kRttBottom - kReplyTop + 16, kLostColour, kLostColour);
    std::string label = "outage " + ms_text(o.duration_ns) + " ms";
    if (!o.recovered) label += " (not recovered)";
    label += ", " + std::to_string(o.lost_probes) + " lost";
    double label_x = std::clamp(x1 + w / 2, kLeft + 100.0, kRight - 100.0);
    out += format(
        "<text class=\"outage-label\" x=\"%.2f\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\" "
        "font-weight=\"bold\">",
        label_x, kReplyTop - 12, kLostColour);
    out += xml_escape(label) + "</text>\n";
  }

  // Lane frames and labels.
  for (auto [top, bottom, name] :
       {std::tuple{kReplyTop, kReplyBottom, "replies"}, std::tuple{kRttTop, kRttBottom, "RTT"}}) {
    out += format(
        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#ccc\"/>\n",
        kLeft, top, kPlotWidth, bottom - top);
    out += format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", kLeft - 8,
                  (top + bottom) / 2 + 4, name);
  }

  // Replies lane: one column per pixel; a column with a reply is filled with the colour of
  // the MAC that answered; runs of equal columns merge into one rect. Lost probes are red
  // ticks under the lane at their send time.
  std::vector<std::string> column(kPlotWidth);
  std::vector<std::int64_t> column_rtt(kPlotWidth, -1);
  auto column_of = [&](std::int64_t ns) {
    return std::clamp(static_cast<int>(x_of(ns)) - kLeft, 0, kPlotWidth - 1);
  };
  for (const auto& a : s.answered_probes) {
    int col = column_of(a.reply_ns);
    if (!a.mac) any_unknown = true;
    column[col] = colour(a.mac);
    column_rtt[col] = std::max(column_rtt[col], a.rtt_ns());
  }
  out += "<g class=\"replies\">\n";
  for (int i = 0; i < kPlotWidth;) {
    int j = i;
    while (j < kPlotWidth && column[j] == column[i]) ++j;
    if (!column[i].empty()) {
      out += format("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n", kLeft + i,
                    kReplyTop + 1, j - i, kReplyBottom - kReplyTop - 2, column[i].c_str());
    }
    i = j;
  }
  out += "</g>\n<g class=\"lost\">\n";
  std::vector<bool> lost_column(kPlotWidth, false);
  for (const auto& l : s.lost_probes) lost_column[column_of(l.send_ns)] = true;
  for (int i = 0; i < kPlotWidth;) {
    int j = i;
    while (j < kPlotWidth && lost_column[j] == lost_column[i]) ++j;
    if (lost_column[i]) {
      out += format("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"6\" fill=\"%s\"/>\n", kLeft + i,
                    kReplyBottom + 3, j - i, kLostColour);
    }
    i = j;
  }
  out += "</g>\n";

  // RTT lane: the worst RTT of each column, linear from 0 to the run's maximum.
  std::int64_t rtt_scale = std::max<std::int64_t>(s.rtt_max_ns.value_or(1), 1);
  out += "<g class=\"rtt\">\n";
  for (int i = 0; i < kPlotWidth; ++i) {
    if (column_rtt[i] < 0) continue;
    double y = kRttBottom -
               static_cast<double>(column_rtt[i]) / static_cast<double>(rtt_scale) *
                   (kRttBottom - kRttTop - 4) -
               2;
    out += format("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.5\" fill=\"%s\"/>\n", kLeft + i + 0.5, y,
                  column[i].c_str());
  }
  out += "</g>\n";
  out += format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#444\">%s ms</text>\n",
                kLeft - 8, kRttTop + 10, ms_text(rtt_scale).c_str());
  out += format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#444\">0</text>\n", kLeft - 8,
                kRttBottom);

  // MAC changes and user events as vertical markers.
  for (const auto& m : s.mac_changes) {
    if (!m.from) continue;  // the first sighting is not a change
    double x = x_of(m.at_ns);
    out += format(
        "<line class=\"mac-change\" x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"%s\" "
        "stroke-dasharray=\"4 3\"/>\n",
        x, kReplyTop, x, kRttBottom, colour(m.to).c_str());
  }
  for (std::size_t i = 0; i < c.events.size(); ++i) {
    const TimelineEvent& e = c.events[i];
    double x = x_of(e.at_ns);
    out += format(
        "<line class=\"event\" x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"#000\" "
        "stroke-dasharray=\"1 3\"/>\n",
        x, kReplyTop - 4, x, kRttBottom);
    // Labels step down in three rows so neighbouring events stay readable.
    out += format("<text x=\"%.2f\" y=\"%d\" font-size=\"10\">", x + 3,
                  kRttTop + 12 + static_cast<int>(i % 3) * 12) +
           xml_escape(e.label) + "</text>\n";
  }

  // Time axis.
  out += format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n", kLeft, kAxisY,
                kRight, kAxisY);
  std::int64_t step = nice_step(span, 10);
  for (std::int64_t t = 0; t <= span; t += step) {
    double x = x_of(t0 + t);
    out += format("<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"#000\"/>\n", x,
                  kAxisY, x, kAxisY + 5);
    out += format("<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x, kAxisY + 18,
                  time_label(t, step).c_str());
  }
  out +=
      format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time since the first probe</text>\n",
             (kLeft + kRight) / 2, kAxisY + 36);

  // Legend.
  int lx = kLeft, ly = kAxisY + 62;
  auto legend_item = [&](const std::string& fill, const std::string& text, const char* extra) {
    out += format("<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"%s/>\n", lx,
                  ly - 10, fill.c_str(), extra);
    out += format("<text x=\"%d\" y=\"%d\">", lx + 16, ly) + xml_escape(text) + "</text>\n";
    lx += 16 + static_cast<int>(text.size()) * 7 + 20;
  };
  out += "<g class=\"legend\">\n";
  for (const auto& mac : legend_macs) legend_item(colour(mac), "MAC " + mac_to_string(mac), "");
  if (any_unknown || legend_macs.empty()) legend_item(kUnknownColour, "MAC unknown", "");
  legend_item(kLostColour, "lost probe", "");
  legend_item(kLostColour, "outage", " fill-opacity=\"0.18\"");
  out += "</g>\n</svg>\n";
  return out;
}

std::optional<std::vector<TimelineEvent>> parse_events(std::string_view text,
                                                       std::string_view file_name,
                                                       std::int64_t realtime_offset_ns,
                                                       std::string& error) {
  std::vector<TimelineEvent> events;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front())))
      line.remove_prefix(1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())))
      line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;

    auto fail = [&](const char* why) {
      error = std::string(file_name) + ":" + std::to_string(line_no) + ": " + why;
      return std::nullopt;
    };
    std::size_t i = 0;
    std::int64_t secs = 0;
    // Seconds are kept below 2^63 ns (year 2262), so secs * 1e9 cannot overflow.
    constexpr std::int64_t kMaxSecs = 9'000'000'000;
    while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) {
      secs = secs * 10 + (line[i++] - '0');
      if (secs > kMaxSecs) return fail("time out of range");
    }
    if (i == 0) return fail("expected UNIX_SECONDS[.FRACTION] LABEL");
    std::int64_t frac_ns = 0;
    if (i < line.size() && line[i] == '.') {
      ++i;
      std::int64_t scale = 100'000'000;
      std::size_t digits = 0;
      while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) {
        frac_ns += (line[i++] - '0') * scale;
        scale /= 10;
        ++digits;
      }
      if (digits == 0) return fail("expected digits after '.'");
    }
    if (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) {
      return fail("expected a space between the time and the label");
    }
    std::string_view label = line.substr(i);
    while (!label.empty() && std::isspace(static_cast<unsigned char>(label.front())))
      label.remove_prefix(1);
    if (label.empty()) return fail("missing label after the time");
    events.push_back({secs * 1'000'000'000 + frac_ns - realtime_offset_ns, std::string(label)});
  }
  return events;
}

}  // namespace xvrrp::probe
