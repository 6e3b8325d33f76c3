// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe/options.hpp"

#include <gtest/gtest.h>

namespace xvrrp::probe {
namespace {

ParseResult parse(std::vector<std::string_view> args) { return parse_options(args); }

TEST(Options, Defaults) {
  ParseResult r = parse({"192.0.2.100"});
  ASSERT_TRUE(r.options) << r.error;
  EXPECT_EQ(r.options->target.to_string(), "192.0.2.100");
  EXPECT_EQ(r.options->interval_ns, 1'000'000);
  EXPECT_FALSE(r.options->duration_ns);
  EXPECT_EQ(r.options->reply_timeout_ns, 1'000'000'000);
  EXPECT_EQ(r.options->arp_interval_ns, 10'000'000);
  EXPECT_FALSE(r.options->json);
  EXPECT_FALSE(r.options->quiet);
}

TEST(Options, AllOptionsBothSpellings) {
  ParseResult r =
      parse({"-i", "0.5", "--duration=2.5", "-I", "eth0", "--timeout", "300", "--arp-interval=0",
             "--json", "-q", "--svg", "out.svg", "--events=ev.txt", "198.51.100.7"});
  ASSERT_TRUE(r.options) << r.error;
  EXPECT_EQ(r.options->interval_ns, 500'000);
  EXPECT_EQ(*r.options->duration_ns, 2'500'000'000);
  EXPECT_EQ(r.options->iface, "eth0");
  EXPECT_EQ(r.options->reply_timeout_ns, 300'000'000);
  EXPECT_EQ(r.options->arp_interval_ns, 0);
  EXPECT_TRUE(r.options->json);
  EXPECT_TRUE(r.options->quiet);
  EXPECT_EQ(r.options->svg_file, "out.svg");
  EXPECT_EQ(r.options->events_file, "ev.txt");
}

TEST(Options, ErrorsAreOneClearLine) {
  struct Case {
    std::vector<std::string_view> args;
    const char* error;
  };
  for (const Case& c : std::vector<Case>{
           {{}, "missing VIP (try --help)"},
           {{"192.0.2.300"}, "bad VIP '192.0.2.300': not an IP address"},
           {{"2001:db8::1"}, "VIP '2001:db8::1' is IPv6: only IPv4 is supported"},
           {{"-i", "0", "192.0.2.1"}, "bad --interval '0': want milliseconds in 0.01..10000"},
           {{"-i", "fast", "192.0.2.1"}, "bad --interval 'fast': want milliseconds in 0.01..10000"},
           {{"--duration=-1", "192.0.2.1"}, "bad --duration '-1': want seconds > 0"},
           {{"192.0.2.1", "-d"}, "option '-d' needs a value"},
           {{"--frobnicate", "192.0.2.1"}, "unknown option '--frobnicate' (try --help)"},
           {{"--json=yes", "192.0.2.1"}, "option '--json' takes no value"},
           {{"192.0.2.1", "192.0.2.2"}, "more than one VIP given: '192.0.2.2'"},
       }) {
    ParseResult r = parse(c.args);
    EXPECT_FALSE(r.options);
    EXPECT_EQ(r.error, c.error);
  }
}

TEST(Options, Help) {
  ParseResult r = parse({"--help"});
  EXPECT_TRUE(r.help);
  EXPECT_NE(usage_text().find("--svg FILE"), std::string::npos);
}

}  // namespace
}  // namespace xvrrp::probe
