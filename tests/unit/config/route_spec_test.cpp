// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/route_spec.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <sstream>

#include "parse_text.hpp"

namespace xvrrp::config {
namespace {

std::vector<std::string> split(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> w;
  for (std::string t; in >> t;) w.push_back(t);
  return w;
}

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

TEST(RouteSpec, KeepalivedExamples) {
  RouteSpec r = parse_route(split("src 192.0.2.1 to 198.51.100.0/24 via 192.0.2.254 dev eth1"));
  EXPECT_EQ(r.family, AF_INET);
  EXPECT_EQ(r.dst, (Prefix{ip("198.51.100.0"), 24}));
  EXPECT_EQ(r.src, ip("192.0.2.1"));
  EXPECT_EQ(r.via, ip("192.0.2.254"));
  EXPECT_EQ(r.dev, "eth1");
  EXPECT_EQ(r.table, kTableMain);
  EXPECT_EQ(r.protocol, kRouteProtoKeepalived);

  r = parse_route(split("198.51.100.0/24 dev eth2 no_track"));
  EXPECT_TRUE(r.no_track);
  EXPECT_FALSE(r.via);

  r = parse_route(split("blackhole 203.0.113.0/24"));
  EXPECT_EQ(r.type, RouteType::Blackhole);

  r = parse_route(split("0.0.0.0/0 gw 192.0.2.1 table 100"));
  EXPECT_EQ(r.dst, (Prefix{ip("0.0.0.0"), 0}));
  EXPECT_EQ(r.table, 100u);

  r =
      parse_route(split("2001:db8:1::/48 via 2001:db8::1 dev eth0 metric 12 scope global "
                        "protocol bird table main"));
  EXPECT_EQ(r.family, AF_INET6);
  EXPECT_EQ(r.metric, 12u);
  EXPECT_EQ(r.scope, 0);
  EXPECT_EQ(r.protocol, 12);

  r = parse_route(split("default dev eth0 inet6"));
  EXPECT_EQ(r.family, AF_INET6);
  EXPECT_EQ(r.dst.addr.family, AF_INET6);
  EXPECT_EQ(r.dst.len, 0);

  r = parse_route(split("192.0.2.7 dev eth0 table local scope host"));
  EXPECT_EQ(r.dst.len, 32);
  EXPECT_EQ(r.table, 255u);
  EXPECT_EQ(r.scope, 254);
}

TEST(RuleSpec, KeepalivedExamples) {
  RuleSpec r = parse_rule(split("from 192.0.2.0/24 table 1"));
  EXPECT_EQ(r.family, AF_INET);
  EXPECT_EQ(r.from, (Prefix{ip("192.0.2.0"), 24}));
  EXPECT_FALSE(r.to);
  EXPECT_EQ(r.table, 1u);

  r = parse_rule(split("to 192.0.2.0/24 table 1 no_track"));
  EXPECT_TRUE(r.no_track);

  r = parse_rule(split("from 198.51.100.0/24 to 203.0.113.0/26 table 6 iif eth0 preference 39"));
  EXPECT_EQ(r.to, (Prefix{ip("203.0.113.0"), 26}));
  EXPECT_EQ(r.iif, "eth0");
  EXPECT_EQ(r.preference, 39u);
}

TEST(RuleSpec, Options) {
  RuleSpec r = parse_rule(
      split("from 2001:db8::/32 iif eth0 oif eth1 fwmark 0x18/0xff tos 22 pref 39 lookup 7"));
  EXPECT_EQ(r.family, AF_INET6);
  EXPECT_EQ(r.iif, "eth0");
  EXPECT_EQ(r.oif, "eth1");
  EXPECT_EQ(r.fwmark, 0x18u);
  EXPECT_EQ(r.fwmask, 0xffu);
  EXPECT_EQ(r.tos, 22);
  EXPECT_EQ(r.preference, 39u);
  EXPECT_EQ(r.table, 7u);
  r = parse_rule(split("from all table 100 inet6"));
  EXPECT_EQ(r.from->addr.family, AF_INET6);
}

struct Bad {
  const char* line;
  std::size_t word;     // the offending word
  const char* message;  // a part of what()
};

TEST(RouteSpec, BadLinesNameTheWord) {
  const Bad cases[] = {
      {"198.51.100.0/24 via 192.0.2.1 onlink", 3, "route option 'onlink' is not supported"},
      {"198.51.100.0/24 nexthop via 192.0.2.1", 1, "route option 'nexthop'"},
      {"198.51.100.0/24 via 192.0.2.1 or 192.0.2.2", 3, "route option 'or'"},
      {"198.51.100.1/24 dev eth0", 0, "host bits set"},
      {"198.51.100.0/33 dev eth0", 0, "bad prefix length"},
      {"198.51.100.0/24 via 2001:db8::1", 2, "not of the line's address family"},
      {"198.51.100.0/24 dev eth0 inet6", 0, "not of the line's address family"},
      {"198.51.100.0/24", 1, "needs a gateway or a device"},
      {"198.51.100.0/24 dev", 2, "'dev' needs a value"},
      {"via 192.0.2.1 dev eth0", 4, "without a destination"},
      {"blackhole 198.51.100.0/24 dev eth0", 0, "takes no via or dev"},
      {"198.51.100.0/24 dev eth0 table 4294967296", 4, "bad table"},
      {"198.51.100.0/24 dev eth0 metric -1", 4, "bad metric"},
      {"198.51.100.0/24 dev eth0 scope galaxy", 4, "bad scope"},
      {"198.51.100.0/24 via 192.0.2.x", 2, "bad gateway"},
  };
  for (const auto& c : cases) {
    try {
      (void)parse_route(split(c.line));
      ADD_FAILURE() << c.line << ": accepted";
    } catch (const RouteSpecError& e) {
      EXPECT_EQ(e.word(), c.word) << c.line << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos)
          << c.line << ": " << e.what();
    }
  }
}

TEST(RuleSpec, BadLinesNameTheWord) {
  const Bad cases[] = {
      {"from 192.0.2.0/24", 2, "rule without a table"},
      {"from 192.0.2.0/24 table 1 goto 40", 4, "rule option 'goto' is not supported"},
      {"to 1:2:3:4:5:6:7:0/112 table 1 uidrange 1-2", 4, "rule option 'uidrange'"},
      {"from 192.0.2.0/24 to 2001:db8::/32 table 1", 3, "not of the line's address family"},
      {"from 192.0.2.1/24 table 1", 1, "host bits set"},
      {"from 192.0.2.0/24 table 1 fwmark 12/x", 5, "bad fwmark mask"},
      {"from 192.0.2.0/24 table 1 tos 256", 5, "bad tos"},
      {"not from 192.0.2.0/24 table 1", 0, "rule option 'not' is not supported"},
      {"from 192.0.2.0/24 table small", 3, "table 'small' is not a number"},
      {"from 192.0.2.0/24 table", 3, "'table' needs a value"},
  };
  for (const auto& c : cases) {
    try {
      (void)parse_rule(split(c.line));
      ADD_FAILURE() << c.line << ": accepted";
    } catch (const RouteSpecError& e) {
      EXPECT_EQ(e.word(), c.word) << c.line << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos)
          << c.line << ": " << e.what();
    }
  }
}

TEST(RouteSpec, TextRoundTrips) {
  for (const char* line : {"src 192.0.2.1 198.51.100.0/24 via 192.0.2.254 dev eth1",
                           "blackhole 203.0.113.0/24 table 7 metric 5",
                           "2001:db8:1::/48 via fe80::1 dev eth0 scope 253 protocol 12 no_track",
                           "0.0.0.0/0 via 192.0.2.1 table 100"}) {
    const RouteSpec r = parse_route(split(line));
    EXPECT_EQ(parse_route(split(to_string(r))), r) << line << " -> " << to_string(r);
  }
  for (const char* line : {"from 192.0.2.0/24 table 1 preference 100",
                           "to 2001:db8::/32 iif eth0 fwmark 24/12 tos 4 table 9 no_track"}) {
    const RuleSpec r = parse_rule(split(line));
    EXPECT_EQ(parse_rule(split(to_string(r))), r) << line << " -> " << to_string(r);
  }
  EXPECT_EQ(to_string(parse_route(split("198.51.100.0/24 via 192.0.2.1"))),
            "198.51.100.0/24 via 192.0.2.1");
  EXPECT_EQ(to_string(parse_rule(split("from 192.0.2.0/24 table 1 pref 10"))),
            "from 192.0.2.0/24 preference 10 table 1");
}

constexpr const char* kInstance = R"(vrrp_instance v {
interface eth0
virtual_router_id 5
priority 100
virtual_ipaddress {
192.0.2.100/24
}
)";

TEST(RouteSpec, ParsedInTheInstanceInFileOrder) {
  const Config c = test::parse_text(std::string(kInstance) + R"(virtual_routes {
198.51.100.0/24 via 192.0.2.1
blackhole 203.0.113.0/24 table 7
}
virtual_rules {
from 192.0.2.100 table 7 preference 100
}
}
)",
                                    test::options(true));
  ASSERT_EQ(c.instances.size(), 1u);
  ASSERT_EQ(c.instances[0].virtual_routes.size(), 2u);
  EXPECT_EQ(to_string(c.instances[0].virtual_routes[1]), "blackhole 203.0.113.0/24 table 7");
  ASSERT_EQ(c.instances[0].virtual_rules.size(), 1u);
  EXPECT_EQ(c.instances[0].virtual_rules[0].from, (Prefix{ip("192.0.2.100"), 32}));
}

TEST(RouteSpec, BadLineIsFileAndLineOfTheWord) {
  EXPECT_EQ(
      test::parse_error(std::string(kInstance) + "virtual_routes {\n198.51.100.0/24 dev eth0\n"
                                                 "198.51.100.0/24 via\n}\n}\n",
                        test::options(true)),
      "t.conf:10: error: virtual_routes: 'via' needs a value");
  EXPECT_EQ(test::parse_error(std::string(kInstance) +
                                  "virtual_rules {\nfrom 192.0.2.0/24 table 1 goto 4\n}\n}\n",
                              test::options(true)),
            "t.conf:9: error: virtual_rules: rule option 'goto' is not supported by xvrrpd "
            "(expected [from PREFIX] [to PREFIX] [iif NAME] [oif NAME] [fwmark N[/M]] [tos N] "
            "[preference N] table ID [inet6] [no_track])");
}

}  // namespace
}  // namespace xvrrp::config
