// SPDX-License-Identifier: GPL-2.0-or-later
// bfd_instance, track_bfd and master_bfd: keepalived's syntax and defaults
// (keepalived.conf(5) "BFD CONFIGURATION", keepalived/include/bfd.h), errors at FILE:LINE.
#include <gtest/gtest.h>

#include <string>

#include "config/config.hpp"
#include "parse_text.hpp"

namespace xvrrp::config {
namespace {

Config parse(const std::string& text) {
  return test::parse_text(text, test::options(!kDaemonRunsBfd));
}

std::string error_of(const std::string& text) {
  return test::parse_error(text, test::options(!kDaemonRunsBfd));
}

// Line 1: "bfd_instance b {", the body, then "}".
std::string bfd(const std::string& body, const std::string& name = "b") {
  return "bfd_instance " + name + " {\n" + body + "}\n";
}

std::string instance(const std::string& extra) {
  return "vrrp_instance vi {\n interface eth0\n virtual_router_id 51\n"
         " unicast_peer {\n  192.0.2.2\n }\n virtual_ipaddress {\n  192.0.2.100/24\n }\n" +
         extra + "}\n";
}

TEST(ConfigBfd, KeepalivedDefaults) {
  const Config c = parse(bfd(" neighbor_ip 192.0.2.2\n"));
  ASSERT_EQ(c.bfd_instances.size(), 1u);
  const BfdInstance& b = c.bfd_instances[0];
  EXPECT_EQ(b.name, "b");
  EXPECT_EQ(b.where, "t.conf:1");
  EXPECT_EQ(b.neighbor_ip, *IpAddress::parse("192.0.2.2"));
  EXPECT_FALSE(b.source_ip);
  EXPECT_EQ(b.min_rx_us, 10000u);
  EXPECT_EQ(b.min_tx_us, 10000u);
  EXPECT_EQ(b.idle_tx_us, 1000000u);
  EXPECT_EQ(b.multiplier, 5);
  EXPECT_FALSE(b.passive);
  EXPECT_EQ(b.ttl, 255);
  EXPECT_EQ(b.max_hops, 0);
  EXPECT_EQ(b.weight, 0);
  EXPECT_FALSE(b.weight_reverse);
  EXPECT_TRUE(b.vrrp);
}

TEST(ConfigBfd, EveryOption) {
  const Config c =
      parse(bfd(" neighbour_ip 2001:db8::2\n source_ip 2001:db8::1\n min_rx 3.312\n min_tx 20\n"
                " idle_tx 2000.5\n multiplier 3\n passive\n hoplimit 254\n max_hops 1\n"
                " weight -20 reverse\n vrrp\n"));
  const BfdInstance& b = c.bfd_instances.at(0);
  EXPECT_EQ(b.neighbor_ip, *IpAddress::parse("2001:db8::2"));
  EXPECT_EQ(b.source_ip, IpAddress::parse("2001:db8::1"));
  EXPECT_EQ(b.min_rx_us, 3312u);
  EXPECT_EQ(b.min_tx_us, 20000u);
  EXPECT_EQ(b.idle_tx_us, 2000500u);
  EXPECT_EQ(b.multiplier, 3);
  EXPECT_TRUE(b.passive);
  EXPECT_EQ(b.ttl, 254);
  EXPECT_EQ(b.max_hops, 1);
  EXPECT_EQ(b.weight, -20);
  EXPECT_TRUE(b.weight_reverse);
  EXPECT_TRUE(b.vrrp);
}

TEST(ConfigBfd, CheckerOnlyCannotBeTrackedByVrrp) {
  const Config c = parse(bfd(" neighbor_ip 192.0.2.2\n checker\n"));
  EXPECT_FALSE(c.bfd_instances.at(0).vrrp);
  EXPECT_EQ(
      error_of(bfd(" neighbor_ip 192.0.2.2\n checker\n") + instance(" track_bfd {\n  b\n }\n")),
      "t.conf:15: error: vrrp_instance vi: track_bfd b: the bfd_instance says 'checker' "
      "only (expected 'vrrp' in it, or no process keyword)");
  EXPECT_TRUE(parse(bfd(" neighbor_ip 192.0.2.2\n checker\n vrrp\n")).bfd_instances.at(0).vrrp);
}

TEST(ConfigBfd, MaxHopsAboveTtlIsClampedWithAWarning) {
  const Config c = parse(bfd(" neighbor_ip 192.0.2.2\n ttl 10\n max_hops 20\n"));
  EXPECT_EQ(c.bfd_instances.at(0).max_hops, 10);
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_EQ(c.warnings[0],
            "t.conf:1: warning: bfd_instance b: max_hops exceeds ttl/hoplimit - setting to "
            "ttl/hoplimit");
}

TEST(ConfigBfd, TrackBfdTakesTheInstancesWeightUnlessTheLineSaysOtherwise) {
  const Config c =
      parse(bfd(" neighbor_ip 192.0.2.2\n weight 30 reverse\n") +
            bfd(" neighbor_ip 192.0.2.3\n", "c") + bfd(" neighbor_ip 192.0.2.4\n", "d") +
            instance(" track_bfd {\n  b\n  c weight -10\n  d weight 5 noreverse\n }\n"));
  const auto& t = c.instances.at(0).track_bfds;
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0], (TrackedBfd{"b", 30, true}));
  EXPECT_EQ(t[1], (TrackedBfd{"c", -10, false}));
  EXPECT_EQ(t[2], (TrackedBfd{"d", 5, false}));
}

TEST(ConfigBfd, BfdInstanceMayFollowTheVrrpInstance) {
  const Config c = parse(instance(" master_bfd b\n") + bfd(" neighbor_ip 192.0.2.2\n"));
  EXPECT_EQ(c.instances.at(0).master_bfd, "b");
  EXPECT_TRUE(c.warnings.empty());
}

TEST(ConfigBfd, MasterBfdWhoseNeighborIsNoPeerWarns) {
  const Config c = parse(instance(" master_bfd b\n") + bfd(" neighbor_ip 192.0.2.9\n"));
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_EQ(c.warnings[0],
            "t.conf:10: warning: vrrp_instance vi: master_bfd b: neighbor_ip 192.0.2.9 is not a "
            "unicast_peer; it never is the master");
}

TEST(ConfigBfd, GatedUntilTheDaemonRunsSessions) {
  std::string err;
  try {
    parse_string(bfd(" neighbor_ip 192.0.2.2\n"), "t.conf");
  } catch (const ConfigError& e) {
    err = e.what();
  }
  if (kDaemonRunsBfd) {
    EXPECT_EQ(err, "");
  } else {
    EXPECT_EQ(err,
              "t.conf:1: error: bfd_instance is not supported by xvrrpd (parsed, but the daemon "
              "does not apply it yet)");
  }
}

TEST(ConfigBfd, CheckReportListsTheSessions) {
  const std::string r = check_report(parse(bfd(" neighbor_ip 192.0.2.2\n min_rx 20\n")));
  EXPECT_NE(r.find("bfd_instance b (t.conf:1)\n  neighbor_ip 192.0.2.2\n"), std::string::npos);
  EXPECT_NE(r.find("  min_rx_us 20000\n"), std::string::npos);
}

struct BadCase {
  std::string text;
  std::string message;
};

class ConfigBfdErrors : public testing::TestWithParam<BadCase> {};

TEST_P(ConfigBfdErrors, NameFileLineAndExpectation) {
  EXPECT_EQ(error_of(GetParam().text), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    All, ConfigBfdErrors,
    testing::Values(
        BadCase{bfd(" min_rx 10\n"),
                "t.conf:1: error: bfd_instance b: missing neighbor_ip (expected 'neighbor_ip "
                "ADDRESS')"},
        BadCase{bfd(" neighbor_ip nowhere\n"),
                "t.conf:2: error: invalid neighbor_ip 'nowhere' (expected an IPv4 or IPv6 "
                "address)"},
        BadCase{bfd(" neighbor_ip 192.0.2.2\n source_ip 2001:db8::1\n"),
                "t.conf:1: error: bfd_instance b: source_ip 2001:db8::1 is IPv6 (expected IPv4 "
                "like neighbor_ip)"},
        BadCase{bfd(" neighbor_ip 192.0.2.2\n min_rx fast\n"),
                "t.conf:3: error: invalid min_rx 'fast' (expected milliseconds 1..4294967, at "
                "most 3 decimals)"},
        BadCase{bfd(" neighbor_ip 192.0.2.2\n min_tx 0.5\n"),
                "t.conf:3: error: min_tx 0.5 out of range (expected milliseconds 1..4294967, at "
                "most 3 decimals)"},
        BadCase{bfd(" neighbor_ip 192.0.2.2\n min_rx 1.0001\n"),
                "t.conf:3: error: invalid min_rx '1.0001' (expected milliseconds 1..4294967, at "
                "most 3 decimals)"},
        BadCase{bfd(" neighbor_ip 192.0.2.2\n idle_tx 999\n"),
                "t.conf:3: error: idle_tx 999 out of range (expected milliseconds 1000..4294967, "
                "at most 3 decimals)"},
        BadCase{bfd(" neighbor_ip 192.0.2.2\n multiplier 0\n"),
                "t.conf:3: error: multiplier 0 out of range (expected 1..255)"},
        BadCase{bfd(" neighbor_ip 192.0.2.2\n multiplier 256\n"),
                "t.conf:3: error: multiplier 256 out of range (expected 1..255)"},
        BadCase{bfd(" neighbor_ip 192.0.2.2\n ttl 0\n"),
                "t.conf:3: error: ttl 0 out of range (expected 1..255)"},
        BadCase{bfd(" neighbor_ip 192.0.2.2\n max_hops 256\n"),
                "t.conf:3: error: max_hops 256 out of range (expected 0..255)"},
        BadCase{bfd(" neighbor_ip 192.0.2.2\n weight 254\n"),
                "t.conf:3: error: weight 254 out of range (expected -253..253)"},
        BadCase{bfd(" neighbor_ip 192.0.2.2\n weight 1 backwards\n"),
                "t.conf:3: error: unexpected 'backwards' (expected 'weight -253..253 [reverse]')"},
        BadCase{bfd(" neighbor_ip 192.0.2.2\n passive yes\n"),
                "t.conf:3: error: wrong number of arguments to 'passive' (expected 'passive')"},
        BadCase{bfd(" neighbor_ip 192.0.2.2\n multihop\n"),
                "t.conf:3: error: multihop is not supported by xvrrpd (multihop BFD (RFC 5883) "
                "is not implemented)"},
        BadCase{bfd(" neighbor_ip 192.0.2.2\n echo\n"),
                "t.conf:3: error: unknown keyword 'echo' in bfd_instance (expected a keyword of "
                "keepalived.conf(5) that xvrrpd implements; see the README's keyword list)"},
        BadCase{bfd(" neighbor_ip 192.0.2.2\n", "a-very-long-bfd-instance-name-over-31"),
                "t.conf:1: error: bfd_instance name 'a-very-long-bfd-instance-name-over-31' is "
                "too long (expected at most 31 characters)"},
        BadCase{bfd(" neighbor_ip 192.0.2.2\n") + bfd(" neighbor_ip 192.0.2.3\n"),
                "t.conf:4: error: duplicate bfd_instance name 'b' (expected unique names; first "
                "defined at t.conf:1)"},
        BadCase{bfd(" neighbor_ip 192.0.2.2\n") + bfd(" neighbor_ip 192.0.2.2\n", "c"),
                "t.conf:4: error: bfd_instance c: duplicate neighbor_ip 192.0.2.2 (expected one "
                "bfd_instance per neighbor and source; bfd_instance b at t.conf:1)"},
        BadCase{instance(" track_bfd {\n  nope\n }\n"),
                "t.conf:11: error: vrrp_instance vi: track_bfd nope: no such bfd_instance "
                "(expected the name of a bfd_instance block)"},
        BadCase{bfd(" neighbor_ip 192.0.2.2\n") + instance(" track_bfd {\n  b\n  b weight 2\n }\n"),
                "t.conf:15: error: bfd_instance b tracked twice (expected each bfd_instance "
                "once)"},
        BadCase{bfd(" neighbor_ip 192.0.2.2\n") + instance(" track_bfd {\n  b weight\n }\n"),
                "t.conf:14: error: unexpected 'weight' in track_bfd (expected 'NAME [weight "
                "-253..253 [reverse|noreverse]]')"},
        BadCase{instance(" master_bfd nope\n"),
                "t.conf:10: error: vrrp_instance vi: master_bfd nope: no such bfd_instance "
                "(expected the name of a bfd_instance block)"},
        BadCase{bfd(" neighbor_ip 2001:db8::2\n") + instance(" master_bfd b\n"),
                "t.conf:13: error: vrrp_instance vi: master_bfd b: neighbor_ip 2001:db8::2 is "
                "IPv6 (expected IPv4, the family of the instance's master)"},
        BadCase{instance(" master_bfd\n"),
                "t.conf:10: error: wrong number of arguments to 'master_bfd' (expected "
                "'master_bfd NAME')"}));

}  // namespace
}  // namespace xvrrp::config
