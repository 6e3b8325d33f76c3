// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe/report.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <regex>
#include <string>
#include <vector>

namespace xvrrp::probe {
namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr Mac kMacA{0x02, 0, 0, 0, 0, 0x0a};
constexpr Mac kMacB{0x02, 0, 0, 0, 0, 0x0b};

// A minimal JSON reader: validates the syntax and collects every key path with its raw
// scalar text ("outage.duration_ms" -> "301.000"), so tests can check fields and types.
class JsonChecker {
 public:
  explicit JsonChecker(const std::string& text) : s_(text) {}
  bool parse() {
    skip();
    if (!value("")) return false;
    skip();
    return pos_ == s_.size();
  }
  std::map<std::string, std::string> fields;

 private:
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool string(std::string& out) {
    if (pos_ >= s_.size() || s_[pos_] != '"') return false;
    for (++pos_; pos_ < s_.size() && s_[pos_] != '"'; ++pos_) {
      if (static_cast<unsigned char>(s_[pos_]) < 0x20) return false;
      if (s_[pos_] == '\\') ++pos_;
      out += s_[pos_];
    }
    if (pos_ >= s_.size()) return false;
    ++pos_;
    return true;
  }
  bool value(const std::string& path) {
    skip();
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_];
    if (c == '{' || c == '[') {
      char close = c == '{' ? '}' : ']';
      ++pos_;
      skip();
      if (pos_ < s_.size() && s_[pos_] == close) {
        ++pos_;
        fields[path] = c == '{' ? "{}" : "[]";
        return true;
      }
      for (int index = 0;; ++index) {
        std::string child = path + (path.empty() ? "" : ".");
        if (c == '{') {
          std::string key;
          skip();
          if (!string(key)) return false;
          skip();
          if (pos_ >= s_.size() || s_[pos_++] != ':') return false;
          child += key;
        } else {
          child += std::to_string(index);
        }
        if (!value(child)) return false;
        skip();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < s_.size() && s_[pos_] == close) {
          ++pos_;
          fields[path] = c == '{' ? "{...}" : "[...]";
          return true;
        }
        return false;
      }
    }
    if (c == '"') {
      std::string text;
      if (!string(text)) return false;
      fields[path] = "\"" + text + "\"";
      return true;
    }
    static const std::regex scalar(
        R"(^(true|false|null|-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?))");
    std::smatch m;
    std::string rest = s_.substr(pos_, 64);
    if (!std::regex_search(rest, m, scalar)) return false;
    fields[path] = m.str(0);
    pos_ += m.length(0);
    return true;
  }
  const std::string& s_;
  std::size_t pos_ = 0;
};

bool is_number(const std::string& v) {
  return std::regex_match(v, std::regex(R"(-?[0-9]+(\.[0-9]+)?)"));
}

// Well-formedness for the SVG subset we write: every tag closes in order, attributes quoted,
// no stray '<' or '&' in text.
bool well_formed_xml(const std::string& doc, std::string& why) {
  std::vector<std::string> open;
  std::size_t i = 0;
  while ((i = doc.find('<', i)) != std::string::npos) {
    std::size_t end = doc.find('>', i);
    if (end == std::string::npos) return why = "unterminated tag", false;
    std::string tag = doc.substr(i + 1, end - i - 1);
    if (tag.find('<') != std::string::npos) return why = "'<' inside a tag: " + tag, false;
    std::size_t quotes = std::count(tag.begin(), tag.end(), '"');
    if (quotes % 2) return why = "unbalanced quotes: " + tag, false;
    if (tag.starts_with("?")) {
    } else if (tag.starts_with("/")) {
      if (open.empty() || open.back() != tag.substr(1)) return why = "mismatched </" + tag, false;
      open.pop_back();
    } else if (!tag.ends_with("/")) {
      open.push_back(tag.substr(0, tag.find_first_of(" \n")));
    }
    std::size_t next = doc.find('<', end);
    std::string text =
        doc.substr(end + 1, next == std::string::npos ? std::string::npos : next - end - 1);
    for (std::size_t a = text.find('&'); a != std::string::npos; a = text.find('&', a + 1)) {
      if (!std::regex_search(text.substr(a), std::regex("^&(lt|gt|amp|quot);"))) {
        return why = "bare '&' in text", false;
      }
    }
    i = end + 1;
  }
  if (!open.empty()) return why = "unclosed <" + open.back() + ">", false;
  return true;
}

TimelineSummary failover_summary() {
  TimelineInput in;
  for (std::uint32_t seq = 0; seq < 2000; ++seq) {
    in.sends.push_back({seq, seq * kMs});
    if (seq >= 800 && seq < 1100) continue;
    in.replies.push_back({seq, seq * kMs + kMs / 10, seq < 800 ? kMacA : kMacB});
  }
  in.end_ns = 1999 * kMs + 250 * kMs;
  in.reply_timeout_ns = 200 * kMs;
  return analyze(in);
}

ReportContext context() {
  ReportContext c;
  c.target = "192.0.2.100";
  c.interface = "eth0";
  c.on_link = true;
  c.realtime_offset_ns = 1'700'000'000'000 * kMs;
  c.events.push_back({500 * kMs, "reboot <master> & wait"});
  return c;
}

TEST(ReportJson, ParsesAndHasTheStableFields) {
  std::string json = render_json(failover_summary(), context());
  JsonChecker checker(json);
  ASSERT_TRUE(checker.parse()) << json;
  auto& f = checker.fields;
  for (const char* key : {"schema",
                          "target",
                          "interface",
                          "on_link",
                          "icmp_socket",
                          "interval_ms",
                          "reply_timeout_ms",
                          "start_unix_ms",
                          "duration_ms",
                          "probes.sent",
                          "probes.received",
                          "probes.lost",
                          "probes.in_flight",
                          "probes.duplicates",
                          "probes.unknown_replies",
                          "probes.schedule_overruns",
                          "probes.send_errors",
                          "rtt_ms.p50",
                          "rtt_ms.p99",
                          "rtt_ms.max",
                          "outage.duration_ms",
                          "outage.recovered",
                          "outage.start_offset_ms",
                          "outage.end_offset_ms",
                          "outage.start_unix_ms",
                          "outage.end_unix_ms",
                          "outage.lost_probes",
                          "outage.first_lost_seq",
                          "outage.recovery_ms",
                          "outage.first_reply_seq",
                          "outage.mac_before",
                          "outage.mac_after",
                          "mac_changes.1.offset_ms",
                          "mac_changes.1.unix_ms",
                          "mac_changes.1.from",
                          "mac_changes.1.to",
                          "events.0.offset_ms",
                          "events.0.unix_ms",
                          "events.0.label"}) {
    EXPECT_TRUE(f.count(key)) << "missing " << key;
  }
  EXPECT_EQ(f["schema"], "\"xvrrp-probe/1\"");
  EXPECT_EQ(f["target"], "\"192.0.2.100\"");
  EXPECT_EQ(f["outage.duration_ms"], "301.000");
  EXPECT_EQ(f["outage.start_offset_ms"], "799.100");
  EXPECT_EQ(f["outage.lost_probes"], "300");
  EXPECT_EQ(f["outage.recovery_ms"], "300.100");
  EXPECT_EQ(f["outage.recovered"], "true");
  EXPECT_EQ(f["outage.mac_before"], "\"02:00:00:00:00:0a\"");
  EXPECT_EQ(f["outage.mac_after"], "\"02:00:00:00:00:0b\"");
  EXPECT_EQ(f["probes.sent"], "2000");
  EXPECT_EQ(f["probes.received"], "1700");
  EXPECT_EQ(f["probes.lost"], "300");
  EXPECT_EQ(f["rtt_ms.p50"], "0.100");
  EXPECT_EQ(f["mac_changes.0.from"], "null");
  EXPECT_EQ(f["events.0.label"], "\"reboot <master> & wait\"");
  EXPECT_EQ(f["outage.start_unix_ms"], "1700000000799.100");
  for (const char* key : {"duration_ms", "interval_ms", "start_unix_ms", "outage.end_unix_ms",
                          "events.0.offset_ms"}) {
    EXPECT_TRUE(is_number(f[key])) << key << " = " << f[key];
  }
}

TEST(ReportJson, NullsWhenNothingAnswered) {
  TimelineInput in;
  in.sends.push_back({0, 0});
  in.end_ns = 5000 * kMs;
  ReportContext c;
  c.target = "192.0.2.1";
  std::string json = render_json(analyze(in), c);
  JsonChecker checker(json);
  ASSERT_TRUE(checker.parse()) << json;
  EXPECT_EQ(checker.fields["rtt_ms.p50"], "null");
  EXPECT_EQ(checker.fields["interface"], "null");
  EXPECT_EQ(checker.fields["outage.recovered"], "false");
  EXPECT_EQ(checker.fields["outage.end_offset_ms"], "null");
  EXPECT_EQ(checker.fields["outage.mac_before"], "null");
  EXPECT_EQ(checker.fields["mac_changes"], "[]");

  std::string empty = render_json(analyze(TimelineInput{}), c);
  JsonChecker empty_checker(empty);
  ASSERT_TRUE(empty_checker.parse()) << empty;
  EXPECT_EQ(empty_checker.fields["outage"], "null");
}

TEST(ReportJson, CheckerRejectsBrokenJson) {
  for (const char* bad : {"{", "{\"a\": }", "{\"a\": 1,}", "[1 2]", "{\"a\": 01}"}) {
    std::string text = bad;
    EXPECT_FALSE(JsonChecker(text).parse()) << bad;
  }
}

TEST(ReportSvg, WellFormedWithOutageShadedAndLabelled) {
  std::string svg = render_svg(failover_summary(), context());
  std::string why;
  EXPECT_TRUE(well_formed_xml(svg, why)) << why;
  EXPECT_TRUE(svg.starts_with("<?xml"));
  EXPECT_NE(svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("href"), std::string::npos);  // self-contained

  // The outage rect spans 799.1 .. 1100.1 ms of a 2249 ms run over 890 px from x=80.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      svg, m,
      std::regex(R"re(<rect class="outage" x="([0-9.]+)" y="[0-9]+" width="([0-9.]+)")re")));
  double x = std::stod(m[1]), width = std::stod(m[2]);
  EXPECT_NEAR(x, 80 + 799.1 / 2249.0 * 890, 0.5);
  EXPECT_NEAR(width, 301.0 / 2249.0 * 890, 0.5);
  EXPECT_NE(svg.find("outage 301.000 ms"), std::string::npos);
  // Both MACs in the legend, in distinct colours, and the change marked.
  EXPECT_NE(svg.find("MAC 02:00:00:00:00:0a"), std::string::npos);
  EXPECT_NE(svg.find("MAC 02:00:00:00:00:0b"), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#1f77b4\""), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#2ca02c\""), std::string::npos);
  EXPECT_NE(svg.find("class=\"mac-change\""), std::string::npos);
  EXPECT_NE(svg.find("reboot &lt;master&gt; &amp; wait"), std::string::npos);
  EXPECT_NE(svg.find("time since the first probe"), std::string::npos);
}

TEST(ReportSvg, CheckerRejectsBrokenXml) {
  std::string why;
  EXPECT_FALSE(well_formed_xml("<svg><g></svg>", why));
  EXPECT_FALSE(well_formed_xml("<svg><text>a & b</text></svg>", why));
  EXPECT_FALSE(well_formed_xml("<svg><rect x=\"1/></svg>", why));
  EXPECT_TRUE(well_formed_xml("<svg><g><rect x=\"1\"/></g></svg>", why)) << why;
}

TEST(ReportSvg, WellFormedForEmptyAndTotalLoss) {
  ReportContext c = context();
  std::string why;
  EXPECT_TRUE(well_formed_xml(render_svg(analyze(TimelineInput{}), c), why)) << why;
  TimelineInput in;
  for (std::uint32_t seq = 0; seq < 10; ++seq) in.sends.push_back({seq, seq * kMs});
  in.end_ns = 2000 * kMs;
  std::string svg = render_svg(analyze(in), c);
  EXPECT_TRUE(well_formed_xml(svg, why)) << why;
  EXPECT_NE(svg.find("not recovered"), std::string::npos);
  EXPECT_NE(svg.find("MAC unknown"), std::string::npos);
}

TEST(ReportText, SummaryNamesTheNumbers) {
  std::string text = render_text(failover_summary(), context());
  EXPECT_NE(text.find("outage:  301.000 ms"), std::string::npos) << text;
  EXPECT_NE(text.find("300 lost"), std::string::npos) << text;
  EXPECT_NE(text.find("before 02:00:00:00:00:0a, after 02:00:00:00:00:0b"), std::string::npos);
  EXPECT_NE(text.find("300.100 ms after the first lost probe"), std::string::npos) << text;
  EXPECT_NE(text.find("p50 0.100 ms, p99 0.100 ms"), std::string::npos) << text;
  EXPECT_NE(text.find("MAC change at"), std::string::npos) << text;

  ReportContext routed = context();
  routed.on_link = false;
  TimelineSummary s = failover_summary();
  s.outage->mac_before.reset();
  s.outage->mac_after.reset();
  EXPECT_NE(render_text(s, routed).find("before unknown, after unknown (VIP not on-link"),
            std::string::npos);
}

TEST(Events, ParsesRealtimeSecondsIntoMonotonic) {
  std::string error;
  auto events = parse_events("# comment\n\n1700000000.5 master down\n1700000001 back\n", "ev.txt",
                             1'699'999'000 * 1'000'000'000LL, error);
  ASSERT_TRUE(events) << error;
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].at_ns, 1000 * 1'000'000'000LL + 500 * kMs);
  EXPECT_EQ((*events)[0].label, "master down");
  EXPECT_EQ((*events)[1].at_ns, 1001 * 1'000'000'000LL);
}

TEST(Events, MalformedLineNamesFileAndLine) {
  std::string error;
  EXPECT_FALSE(parse_events("1 ok\nsoon reboot\n", "ev.txt", 0, error));
  EXPECT_EQ(error, "ev.txt:2: expected UNIX_SECONDS[.FRACTION] LABEL");
  EXPECT_FALSE(parse_events("12.5\n", "ev.txt", 0, error));
  EXPECT_EQ(error, "ev.txt:1: missing label after the time");
  EXPECT_FALSE(parse_events("12x label\n", "ev.txt", 0, error));
  EXPECT_EQ(error, "ev.txt:1: expected a space between the time and the label");
}

// Seconds up to 10^13 were accepted and multiplied by 10^9: a signed overflow (undefined
// behaviour) for a line such as "9999999999999 x".
TEST(Events, TimeBeyondYear2262IsRefusedNotOverflowed) {
  std::string error;
  EXPECT_FALSE(parse_events("9999999999999 x\n", "ev.txt", 0, error));
  EXPECT_EQ(error, "ev.txt:1: time out of range");
  EXPECT_FALSE(parse_events("99999999999999999999999 x\n", "ev.txt", 0, error));
  auto ok = parse_events("9000000000 last\n", "ev.txt", 0, error);
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)[0].at_ns, 9'000'000'000LL * 1'000'000'000LL);
}

}  // namespace
}  // namespace xvrrp::probe
