// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/config.hpp"

#include <gtest/gtest.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>

#include "parse_text.hpp"

namespace xvrrp::config {
namespace {

const std::string kData = XVRRP_CONFIG_TEST_DATA;

std::string pass_of(const Instance& in) {
  return std::string(reinterpret_cast<const char*>(in.auth_pass.data()),
                     strnlen(reinterpret_cast<const char*>(in.auth_pass.data()), 8));
}

// The error text for `text` parsed as "t.conf", or "" when it parses.
std::string error_of(const std::string& text) { return test::parse_error(text); }

bool has_warning(const Config& c, const std::string& needle) {
  for (const auto& w : c.warnings) {
    if (w.find(needle) != std::string::npos) return true;
  }
  return false;
}

// A valid instance body; tests append or substitute lines.
std::string instance(const std::string& extra, const std::string& name = "vi",
                     const std::string& vrid = "51") {
  return "vrrp_instance " + name + " {\n  interface eth0\n  virtual_router_id " + vrid + "\n" +
         extra + "}\n";
}

void check_seed(const Config& c, const std::string& router_id, bool master, int priority,
                const char* peer, const std::string& file) {
  EXPECT_EQ(c.global.router_id, router_id);
  ASSERT_EQ(c.instances.size(), 1u);
  const Instance& in = c.instances[0];
  EXPECT_EQ(in.name, "service-100");
  EXPECT_EQ(in.where, file + ":5");
  EXPECT_EQ(in.initial_master, master);
  EXPECT_EQ(in.interface, "eth0");
  EXPECT_EQ(in.vrid, 100);
  EXPECT_EQ(in.priority, priority);
  EXPECT_EQ(in.advert_int_cs, 100);
  EXPECT_EQ(in.version, 2);
  EXPECT_EQ(in.auth_type, 1);
  EXPECT_EQ(pass_of(in), "4h[-/BhJ");
  ASSERT_EQ(in.vips.size(), 1u);
  const Vip& v = in.vips[0];
  EXPECT_EQ(v.addr, *IpAddress::parse("192.0.2.100"));
  EXPECT_EQ(v.prefix_len, 24);
  ASSERT_TRUE(v.broadcast.has_value());
  EXPECT_EQ(*v.broadcast, *IpAddress::parse("192.0.2.255"));
  EXPECT_EQ(v.dev, "dummy0");
  EXPECT_EQ(v.scope, RT_SCOPE_UNIVERSE);
  EXPECT_EQ(v.label, "");
  EXPECT_TRUE(v.advertised);
  EXPECT_EQ(v.where, file + ":18");
  ASSERT_EQ(in.unicast_peers.size(), 1u);
  EXPECT_EQ(in.unicast_peers[0].addr, *IpAddress::parse(peer));
  EXPECT_EQ(in.unicast_peers[0].min_ttl, 0);
  EXPECT_EQ(in.unicast_peers[0].max_ttl, 255);
  EXPECT_FALSE(in.unicast_src_ip.has_value());
  ASSERT_EQ(in.tracked.size(), 2u);
  EXPECT_EQ(in.tracked[0].name, "eth0");
  EXPECT_EQ(in.tracked[0].weight, 0);
  EXPECT_EQ(in.tracked[1].name, "dummy0");
  EXPECT_TRUE(in.preempt);
  EXPECT_EQ(in.preempt_delay_ns, 0);
  EXPECT_EQ(in.garp_master_delay_ms, 5000u);
  EXPECT_EQ(in.garp_master_repeat, 5u);
  EXPECT_EQ(in.garp_master_refresh_ms, 0u);
  EXPECT_EQ(in.garp_master_refresh_repeat, 1u);
  EXPECT_FALSE(in.check_unicast_src);
  EXPECT_TRUE(in.instant_takeover);  // one unicast_peer: the only possible successor
  EXPECT_EQ(in.unicast_ttl, 255);
  EXPECT_EQ(in.family(), AF_INET);
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_EQ(c.warnings[0], file +
                               ":14: warning: auth_pass is 32 characters long; only the first 8 "
                               "are used (as keepalived)");
}

TEST(ConfigSeed, Server1Verbatim) {
  std::string file = kData + "/server-1.keepalived.conf";
  check_seed(load(file), "server-1", true, 100, "192.0.2.6", file);
}

TEST(ConfigSeed, Server2Verbatim) {
  std::string file = kData + "/server-2.keepalived.conf";
  check_seed(load(file), "server2-2", false, 50, "192.0.2.5", file);
}

TEST(ConfigSeed, SameInstanceComparesEqualExceptChangedFields) {
  Config a = load(kData + "/server-1.keepalived.conf");
  Config b = load(kData + "/server-2.keepalived.conf");
  EXPECT_FALSE(a.instances[0] == b.instances[0]);
  EXPECT_EQ(describe_diff(a.instances[0], b.instances[0]),
            "state 'MASTER' -> 'BACKUP', priority 100 -> 50, unicast_peer changed");
  EXPECT_TRUE(a.instances[0] == a.instances[0]);
  EXPECT_EQ(describe_diff(a.instances[0], a.instances[0]), "");
}

TEST(ConfigEquality, MovedLinesDoNotCountAsChange) {
  Config a = parse_string(instance("  virtual_ipaddress {\n 192.0.2.1/24\n }\n"), "a.conf");
  Config b = parse_string(
      "\n\n# moved\n" + instance("  virtual_ipaddress {\n\n 192.0.2.1/24\n }\n"), "b.conf");
  EXPECT_NE(a.instances[0].where, b.instances[0].where);
  EXPECT_TRUE(a.instances[0] == b.instances[0]);
  Config c =
      parse_string(instance("  virtual_ipaddress {\n 192.0.2.1/24 label eth0:1\n }\n"), "c.conf");
  EXPECT_FALSE(a.instances[0] == c.instances[0]);
  EXPECT_EQ(describe_diff(a.instances[0], c.instances[0]), "virtual_ipaddress changed");
}

TEST(ConfigDefaults, MinimalInstance) {
  Config c = parse_string(instance("virtual_ipaddress {\n192.0.2.1\n}\n"), "t.conf", "host-1");
  EXPECT_EQ(c.global.router_id, "host-1");
  const Instance& in = c.instances.at(0);
  EXPECT_FALSE(in.initial_master);
  EXPECT_EQ(in.priority, 100);
  EXPECT_EQ(in.advert_int_cs, 100);
  EXPECT_EQ(in.version, 2);
  EXPECT_EQ(in.auth_type, 0);
  EXPECT_EQ(in.vips.at(0).prefix_len, 32);
  EXPECT_EQ(in.vips.at(0).dev, "eth0");
  EXPECT_FALSE(in.vips.at(0).broadcast.has_value());
  EXPECT_TRUE(c.warnings.empty());
}

TEST(ConfigValues, FractionalAdvertIntForV3) {
  Config c = parse_string(instance("version 3\nadvert_int 0.01\n"
                                   "virtual_ipaddress {\n192.0.2.1/24\n}\n"),
                          "t.conf");
  EXPECT_EQ(c.instances.at(0).advert_int_cs, 1);
  EXPECT_EQ(c.instances.at(0).version, 3);
  c = parse_string(instance("advert_int 40.95\nversion 3\n"), "t.conf");
  EXPECT_EQ(c.instances.at(0).advert_int_cs, 4095);
  c = parse_string("global_defs {\nvrrp_version 3\n}\n" + instance("advert_int 1.250\n"), "t.conf");
  EXPECT_EQ(c.instances.at(0).advert_int_cs, 125);
  EXPECT_EQ(c.instances.at(0).version, 3);
}

TEST(ConfigValues, GlobalsAndOverrides) {
  Config c = parse_string(
      "global_defs {\n router_id r1\n vrrp_garp_master_delay 2\n vrrp_garp_master_repeat 3\n"
      " vrrp_garp_master_refresh 60\n vrrp_garp_master_refresh_repeat 2\n"
      " vrrp_check_unicast_src\n script_user root\n}\n" +
          instance("garp_master_delay 1\ngarp_master_repeat 7\n", "x", "1") +
          instance("garp_master_refresh 0.5\ngarp_master_refresh_repeat 4\n", "y", "2"),
      "t.conf");
  EXPECT_TRUE(c.warnings.size() == 2u);  // two instances without VIPs
  const Instance& x = c.instances.at(0);
  const Instance& y = c.instances.at(1);
  EXPECT_EQ(x.garp_master_delay_ms, 1000u);
  EXPECT_EQ(x.garp_master_repeat, 7u);
  EXPECT_EQ(x.garp_master_refresh_ms, 60000u);
  EXPECT_EQ(x.garp_master_refresh_repeat, 2u);
  EXPECT_TRUE(x.check_unicast_src);
  EXPECT_EQ(y.garp_master_delay_ms, 2000u);
  EXPECT_EQ(y.garp_master_repeat, 3u);
  EXPECT_EQ(y.garp_master_refresh_ms, 500u);
  EXPECT_EQ(y.garp_master_refresh_repeat, 4u);
}

TEST(ConfigValues, GlobalDefsAfterInstanceStillApply) {
  Config c = parse_string(instance("") + "global_defs {\nvrrp_garp_master_repeat 9\n}\n", "t.conf");
  EXPECT_EQ(c.instances.at(0).garp_master_repeat, 9u);
}

TEST(ConfigValues, FullInstance) {
  Config c = parse_string(instance(R"(state BACKUP
priority 255
nopreempt
preempt_delay 2.5
unicast_src_ip 192.0.2.5
unicast_ttl 64
check_unicast_src
unicast_peer {
  192.0.2.6 min_ttl 250 max_ttl 255
  192.0.2.7
}
virtual_ipaddress {
  192.0.2.100/24 brd + dev veth1 scope link label veth1:vip
  192.0.2.101/32 scope 200
}
virtual_ipaddress_excluded {
  2001:db8::1/64 dev veth2 scope host
}
track_interface {
  eth0 weight -20
  eth1 weight 253
  eth2
}
)"),
                          "t.conf");
  const Instance& in = c.instances.at(0);
  EXPECT_EQ(in.priority, 255);
  EXPECT_FALSE(in.preempt);
  EXPECT_EQ(in.preempt_delay_ns, 2'500'000'000);
  EXPECT_EQ(*in.unicast_src_ip, *IpAddress::parse("192.0.2.5"));
  EXPECT_EQ(in.unicast_ttl, 64);
  EXPECT_TRUE(in.check_unicast_src);
  ASSERT_EQ(in.unicast_peers.size(), 2u);
  EXPECT_EQ(in.unicast_peers[0].min_ttl, 250);
  EXPECT_EQ(in.unicast_peers[0].max_ttl, 255);
  ASSERT_EQ(in.vips.size(), 3u);
  EXPECT_EQ(*in.vips[0].broadcast, *IpAddress::parse("192.0.2.255"));
  EXPECT_EQ(in.vips[0].dev, "veth1");
  EXPECT_EQ(in.vips[0].scope, RT_SCOPE_LINK);
  EXPECT_EQ(in.vips[0].label, "veth1:vip");
  EXPECT_EQ(in.vips[1].scope, RT_SCOPE_SITE);
  EXPECT_EQ(in.vips[1].dev, "eth0");
  EXPECT_FALSE(in.vips[2].advertised);
  EXPECT_EQ(in.vips[2].addr.family, AF_INET6);
  EXPECT_EQ(in.vips[2].prefix_len, 64);
  EXPECT_EQ(in.vips[2].scope, RT_SCOPE_HOST);
  EXPECT_EQ(in.family(), AF_INET);
  ASSERT_EQ(in.tracked.size(), 3u);
  EXPECT_EQ(in.tracked[0].weight, -20);
  EXPECT_EQ(in.tracked[1].weight, 253);
  EXPECT_EQ(in.tracked[2].weight, 0);
  EXPECT_TRUE(c.warnings.empty()) << c.warnings.at(0);
}

TEST(ConfigValues, Ipv6InstanceDefaultsToVersion3) {
  Config c = parse_string(instance("virtual_ipaddress {\n2001:db8::10\n}\n"
                                   "unicast_peer {\n2001:db8::2\n}\n"),
                          "t.conf");
  const Instance& in = c.instances.at(0);
  EXPECT_EQ(in.version, 3);
  EXPECT_EQ(in.family(), AF_INET6);
  EXPECT_EQ(in.vips.at(0).prefix_len, 128);
}

TEST(ConfigValues, SameVridOnOtherFamilyOrInterfaceIsFine) {
  Config c = parse_string(instance("virtual_ipaddress {\n192.0.2.1\n}\n", "v4", "7") +
                              instance("virtual_ipaddress {\n2001:db8::1\n}\n", "v6", "7") +
                              "vrrp_instance other { interface eth1\n virtual_router_id 7\n"
                              "virtual_ipaddress { 192.0.2.2 }\n}\n",
                          "t.conf");
  EXPECT_EQ(c.instances.size(), 3u);
}

TEST(ConfigSyntax, BracesWithoutWhitespaceAndOnNextLine) {
  Config c = parse_string(
      "global_defs{router_id \"a b\"}\n"
      "vrrp_instance vi\n{\ninterface eth0\nvirtual_router_id 3\n"
      "virtual_ipaddress{192.0.2.1/24 dev eth0}\ntrack_interface{\neth1 weight 5}}\n",
      "t.conf");
  EXPECT_EQ(c.global.router_id, "a b");
  const Instance& in = c.instances.at(0);
  EXPECT_EQ(in.vrid, 3);
  ASSERT_EQ(in.vips.size(), 1u);
  EXPECT_EQ(in.vips[0].prefix_len, 24);
  ASSERT_EQ(in.tracked.size(), 1u);
  EXPECT_EQ(in.tracked[0].weight, 5);
}

TEST(ConfigSyntax, CommentsWithHashAndBang) {
  Config c = parse_string(
      "! keepalived style\n# shell style\nglobal_defs { # trailing\n"
      "  router_id r ! also trailing\n}\n",
      "t.conf");
  EXPECT_EQ(c.global.router_id, "r");
  EXPECT_TRUE(c.warnings.empty());
}

TEST(ConfigSyntax, QuotedStringsKeepShellSpecials) {
  Config c = parse_string(
      instance(R"(notify_master "/usr/local/bin/notify.sh 'a b' $HOME; echo # ! > /tmp/x"
notify_backup /bin/echo backup "two words"
notify_fault /bin/true
notify "/bin/logger -t vrrp"
notify_stop "/bin/echo \"quoted\" \\ done"
authentication {
  auth_type PASS
  auth_pass "a b#!$c"
}
)"),
      "t.conf");
  const Instance& in = c.instances.at(0);
  EXPECT_EQ(in.notify_master, "/usr/local/bin/notify.sh 'a b' $HOME; echo # ! > /tmp/x");
  EXPECT_EQ(in.notify_backup, "/bin/echo backup \"two words\"");
  EXPECT_EQ(in.notify_fault, "/bin/true");
  EXPECT_EQ(in.notify, "/bin/logger -t vrrp");
  EXPECT_EQ(in.notify_stop, "/bin/echo \"quoted\" \\ done");
  EXPECT_EQ(pass_of(in), "a b#!$c");
}

TEST(ConfigExtension, InstantTakeoverDefaultsOnWithOnePeerOnly) {
  const std::string vip = "  virtual_ipaddress {\n 192.0.2.1/24\n }\n";
  const std::string one = "  unicast_peer {\n 192.0.2.6\n }\n";
  const std::string two = "  unicast_peer {\n 192.0.2.6\n 192.0.2.7\n }\n";
  auto takeover = [](const std::string& text) {
    return parse_string(text, "t.conf").instances.at(0).instant_takeover;
  };
  EXPECT_TRUE(takeover(instance(vip + one)));
  EXPECT_FALSE(takeover(instance(vip + two)));
  EXPECT_FALSE(takeover(instance(vip)));  // multicast: any number of backups
  EXPECT_FALSE(takeover(instance(vip + one + "  xvrrp_instant_takeover off\n")));
  EXPECT_TRUE(takeover(instance(vip + two + "  xvrrp_instant_takeover on\n")));
  EXPECT_TRUE(takeover(instance(vip + "  xvrrp_instant_takeover on\n")));
  EXPECT_EQ(error_of(instance(vip + "  xvrrp_instant_takeover yes\n")),
            "t.conf:7: error: invalid xvrrp_instant_takeover 'yes' (expected on or off)");
  EXPECT_NE(error_of(instance(vip + "  xvrrp_instant_takeover\n")), "");
}

TEST(ConfigPolicy, OtherSubsystemsAreIgnoredWithOneSummaryWarning) {
  Config c = parse_string(
      "virtual_server 192.0.2.9 80 {\n"  // line 1
      "  real_server 192.0.2.10 80 { TCP_CHECK { connect_timeout 3 } }\n"
      "}\n"
      "global_defs {\n"                         // line 4
      "  notification_email {\n    a@b\n  }\n"  // line 5
      "  smtp_server 192.0.2.1\n"
      "  lvs_flush\n"
      "  future_keyword { x }\n"  // line 10
      "  router_id kept\n"
      "}\n"
      "virtual_server_group g {\n 192.0.2.9 80\n}\n"
      "virtual_server 192.0.2.11 80 {\n}\n" +
          instance("  smtp_alert\n  priority 90\n  virtual_ipaddress {\n 192.0.2.1\n }\n"),
      "t.conf");
  EXPECT_EQ(c.global.router_id, "kept");
  ASSERT_EQ(c.instances.size(), 1u);
  EXPECT_EQ(c.instances[0].priority, 90);
  const std::vector<std::string> ignored = {"virtual_server", "notification_email",   "smtp_server",
                                            "lvs_flush",      "virtual_server_group", "smtp_alert"};
  EXPECT_EQ(c.ignored, ignored);
  const std::vector<std::string> expected = {
      "t.conf:10: warning: unknown keyword 'future_keyword' in global_defs, ignored",
      "t.conf:1: warning: ignored, not part of VRRP: virtual_server, notification_email, "
      "smtp_server, lvs_flush, virtual_server_group, smtp_alert",
  };
  EXPECT_EQ(c.warnings, expected);
  const std::string report = check_report(c);
  EXPECT_NE(report.find("ignored, not part of VRRP: virtual_server notification_email"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("  priority 90\n"), std::string::npos) << report;
}

// Each VRRP keyword xvrrpd does not implement stops the load at its line.
TEST(ConfigPolicy, VrrpKeywordsNotImplementedAreRefusedAtTheirLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"track_group G {\n group {\n  vi\n }\n}\n", "t.conf:1: error: track_group is not supported"},
      {"bfd_instance b {\n neighbor_ip 192.0.2.1\n multihop\n}\n",
       "t.conf:3: error: multihop is not supported"},
      {"global_defs {\n vrrp_iptables\n}\n", "t.conf:2: error: vrrp_iptables is not supported"},
      {"global_defs {\n vrrp_future_knob 1\n}\n",
       "t.conf:2: error: unknown keyword 'vrrp_future_knob' in global_defs"},
      {"global_defs {\n vrrp_gna_interval 0.0001\n}\n",
       "t.conf:2: error: invalid vrrp_gna_interval '0.0001'"},
      {"global_defs {\n vrrp_mcast_group4 224.0.0.19\n}\n",
       "t.conf:2: error: vrrp_mcast_group4 224.0.0.19 is not supported by xvrrpd"},
      {instance("use_ipvlan\n"), "t.conf:4: error: use_ipvlan is not supported by xvrrpd"},
      {instance("use_vmac_addr\n"), "t.conf:4: error: use_vmac_addr is not supported by xvrrpd"},
      {instance("skip_check_adv_addr off\n"),
       "t.conf:4: error: skip_check_adv_addr off is not supported by xvrrpd"},
      {instance("skip_check_adv_addr maybe\n"),
       "t.conf:4: error: invalid skip_check_adv_addr 'maybe'"},
      {instance("typo_keyword 1\n"),
       "t.conf:4: error: unknown keyword 'typo_keyword' in "
       "vrrp_instance"},
      {instance("authentication {\n auth_hmac x\n}\n"),
       "t.conf:5: error: unknown keyword 'auth_hmac' in authentication"},
      {"@main global_defs {\n}\n", "t.conf:1: error: '@main': keepalived's conditional"},
      {"$IF=eth0\n", "t.conf:1: error: '$IF=eth0': keepalived's conditional"},
  };
  for (const auto& [text, message] : cases) {
    std::string err = error_of(text);
    EXPECT_EQ(err.rfind(message, 0), 0u) << text << "\n -> " << err;
  }
}

TEST(ConfigPolicy, ScriptUserAndSecurityAreParsedForTheRunner) {
  Config c = parse_string(
      "global_defs {\n script_user nobody nogroup\n enable_script_security\n"
      " vrrp_garp_interval 0.001\n}\n" +
          instance("dont_track_primary\nvirtual_ipaddress {\n192.0.2.1\n}\n"),
      "t.conf");
  EXPECT_EQ(c.global.script_user, "nobody");
  EXPECT_EQ(c.global.script_group, "nogroup");
  EXPECT_TRUE(c.global.script_security);
  EXPECT_EQ(c.instances.at(0).garp_interval_ms, 1u);
  EXPECT_FALSE(c.instances.at(0).track_primary);
  EXPECT_EQ(error_of("global_defs {\n script_user a b c\n}\n").rfind("t.conf:2: error:", 0), 0u);
}

TEST(ConfigPolicy, KeywordsWithKeepalivedsMeaningAreAccepted) {
  Config c = parse_string(
      "global_defs {\n vrrp_skip_check_adv_addr\n vrrp_mcast_group4 224.0.0.18\n"
      " vrrp_mcast_group6 ff02::12\n script_user root root\n}\n" +
          instance("accept\nskip_check_adv_addr\nskip_check_adv_addr on\n"
                   "mcast_src_ip 192.0.2.5\nstate MASTER\nstate BACKUP\n"
                   "virtual_ipaddress {\n192.0.2.1\n}\n"),
      "t.conf");
  const Instance& in = c.instances.at(0);
  EXPECT_EQ(c.global.script_user, "root");
  EXPECT_EQ(c.global.script_group, "root");
  EXPECT_EQ(in.unicast_src_ip, IpAddress::parse("192.0.2.5"));
  EXPECT_TRUE(in.initial_master);  // keepalived ignores BACKUP after MASTER
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_EQ(c.warnings[0],
            "t.conf:15: warning: state previously set as MASTER, ignoring BACKUP (as keepalived)");
}

// A message longer than the receive path accepts (XVRRP_MAX_VRRP_LEN) never
// reaches a peer: refused at the first address that does not fit.
TEST(ConfigPolicy, VipCountsPeersCannotReceiveAreRefused) {
  auto vips = [](int n, bool v6) {
    std::string s = "virtual_ipaddress {\n";
    for (int i = 1; i <= n; ++i) {
      s += v6 ? "2001:db8::" + std::to_string(i) + "\n"
              : "192.0." + std::to_string(2 + i / 250) + "." + std::to_string(1 + i % 250) + "\n";
    }
    return s + "}\n";
  };
  // v3 IPv6: 8 + 16 * 63 = 1016 bytes fit, 64 do not.
  EXPECT_EQ(error_of(instance(vips(63, true))), "");
  std::string err = error_of(instance(vips(64, true)));
  EXPECT_EQ(err.rfind("t.conf:68: error: vrrp_instance vi: more than 63 IPv6 virtual_ipaddress "
                      "entries for VRRPv3 (expected at most 63",
                      0),
            0u)
      << err;
  // v2 IPv4: 8 + 4 * 252 + 8 = 1024.
  EXPECT_EQ(error_of(instance(vips(252, false))), "");
  err = error_of(instance(vips(253, false)));
  EXPECT_NE(err.find("more than 252 IPv4 virtual_ipaddress entries for VRRPv2"), std::string::npos)
      << err;
  // v3 IPv4: 8 + 4 * 254 = 1024.
  EXPECT_EQ(error_of(instance("version 3\n" + vips(254, false))), "");
  err = error_of(instance("version 3\n" + vips(255, false)));
  EXPECT_NE(err.find("more than 254 IPv4"), std::string::npos) << err;
  // Excluded addresses are not advertised and do not count.
  EXPECT_EQ(error_of(instance(vips(63, true) + "virtual_ipaddress_excluded {\n2001:db8:1::1\n"
                                               "2001:db8:1::2\n}\n")),
            "");
}

TEST(ConfigWarnings, NopreemptWithStateMaster) {
  Config c = parse_string(instance("state MASTER\nnopreempt\nvirtual_ipaddress {\n192.0.2.1\n}\n"),
                          "t.conf");
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_EQ(c.warnings[0],
            "t.conf:5: warning: vrrp_instance vi: nopreempt needs state BACKUP (keepalived "
            "ignores it with state MASTER)");
  EXPECT_FALSE(c.instances[0].preempt);
}

TEST(ConfigWarnings, Priority255WithNopreemptIsFine) {
  Config c = parse_string(instance("priority 255\nnopreempt\nvirtual_ipaddress {\n192.0.2.1\n}\n"),
                          "t.conf");
  EXPECT_TRUE(c.warnings.empty());
}

TEST(ConfigWarnings, AuthenticationIgnoredForV3) {
  Config c = parse_string(instance("version 3\nauthentication {\nauth_type PASS\nauth_pass x\n}\n"
                                   "virtual_ipaddress {\n192.0.2.1\n}\n"),
                          "t.conf");
  EXPECT_EQ(c.instances[0].auth_type, 0);
  EXPECT_TRUE(has_warning(c, "t.conf:6: warning: vrrp_instance vi: authentication is not part"));
}

struct ErrorCase {
  std::string text;
  std::string message;
};

class ConfigErrorMessages : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ConfigErrorMessages, MessageNamesFileLineAndExpectation) {
  EXPECT_EQ(error_of(GetParam().text), GetParam().message);
}

const std::string kVip = "virtual_ipaddress {\n192.0.2.1\n}\n";

INSTANTIATE_TEST_SUITE_P(
    All, ConfigErrorMessages,
    ::testing::Values(
        ErrorCase{instance("", "vi", "300"),
                  "t.conf:3: error: virtual_router_id 300 out of range (expected 1..255)"},
        ErrorCase{instance("", "vi", "0"),
                  "t.conf:3: error: virtual_router_id 0 out of range (expected 1..255)"},
        ErrorCase{instance("", "vi", "abc"),
                  "t.conf:3: error: invalid virtual_router_id 'abc' (expected an integer 1..255)"},
        ErrorCase{instance("priority 0\n"),
                  "t.conf:4: error: priority 0 out of range (expected 1..255)"},
        ErrorCase{instance("priority 256\n"),
                  "t.conf:4: error: priority 256 out of range (expected 1..255)"},
        ErrorCase{instance("state master\n"),
                  "t.conf:4: error: invalid state 'master' (expected MASTER or BACKUP)"},
        ErrorCase{instance("version 4\n"),
                  "t.conf:4: error: version 4 out of range (expected 2..3)"},
        ErrorCase{"vrrp_instance vi {\nvirtual_router_id 1\n}\n",
                  "t.conf:1: error: vrrp_instance vi: missing interface (expected 'interface "
                  "IFNAME')"},
        ErrorCase{"vrrp_instance vi {\ninterface eth0\n}\n",
                  "t.conf:1: error: vrrp_instance vi: missing virtual_router_id (expected "
                  "'virtual_router_id 1..255')"},
        ErrorCase{instance("advert_int 0.5\n"),
                  "t.conf:4: error: advert_int 0.5 invalid for VRRPv2 (expected an integer "
                  "number of seconds 1..255)"},
        ErrorCase{instance("advert_int 256\n"),
                  "t.conf:4: error: advert_int 256 invalid for VRRPv2 (expected an integer "
                  "number of seconds 1..255)"},
        ErrorCase{instance("version 3\nadvert_int 41\n"),
                  "t.conf:5: error: advert_int 41 out of range for VRRPv3 (expected 0.01..40.95 "
                  "in steps of 0.01)"},
        ErrorCase{instance("version 3\nadvert_int 0\n"),
                  "t.conf:5: error: advert_int 0 out of range for VRRPv3 (expected 0.01..40.95 "
                  "in steps of 0.01)"},
        ErrorCase{instance("version 3\nadvert_int 0.005\n"),
                  "t.conf:5: error: invalid advert_int '0.005' (expected seconds: an integer "
                  "1..255 for VRRPv2, 0.01..40.95 in steps of 0.01 for VRRPv3)"},
        ErrorCase{instance("authentication {\nauth_type AH\n}\n"),
                  "t.conf:5: error: auth_type AH is not supported by xvrrpd (expected PASS)"},
        ErrorCase{instance("authentication {\nauth_type PASS\n}\n"),
                  "t.conf:5: error: vrrp_instance vi: auth_type PASS without auth_pass (expected "
                  "'auth_pass PASSWORD')"},
        ErrorCase{instance("virtual_ipaddress {\n192.0.2.300/24\n}\n"),
                  "t.conf:5: error: invalid virtual address '192.0.2.300' (expected an IPv4 or "
                  "IPv6 address)"},
        ErrorCase{instance("virtual_ipaddress {\n192.0.2.1/33\n}\n"),
                  "t.conf:5: error: prefix length 33 out of range (expected 0..32)"},
        ErrorCase{instance("virtual_ipaddress {\n2001:db8::1/129\n}\n"),
                  "t.conf:5: error: prefix length 129 out of range (expected 0..128)"},
        ErrorCase{instance("virtual_ipaddress {\n192.0.2.1/\n}\n"),
                  "t.conf:5: error: invalid prefix length '' (expected an integer 0..32)"},
        ErrorCase{instance("virtual_ipaddress {\n192.0.2.1 brd\n}\n"),
                  "t.conf:5: error: 'brd' needs a value (expected 'brd VALUE')"},
        ErrorCase{instance("virtual_ipaddress {\n192.0.2.1 scope galaxy\n}\n"),
                  "t.conf:5: error: invalid scope 'galaxy' (expected global, site, link, host, "
                  "nowhere or 0..255)"},
        ErrorCase{instance("virtual_ipaddress {\n192.0.2.1 colour blue\n}\n"),
                  "t.conf:5: error: unknown address option 'colour' (expected brd, dev, scope or "
                  "label)"},
        ErrorCase{instance("virtual_ipaddress {\n192.0.2.1\n2001:db8::1\n}\n"),
                  "t.conf:6: error: virtual_ipaddress mixes IPv4 and IPv6 addresses (expected "
                  "one address family per block)"},
        ErrorCase{instance(kVip + "virtual_ipaddress {\n2001:db8::1\n}\n"),
                  "t.conf:8: error: vrrp_instance vi: virtual_ipaddress mixes IPv4 and IPv6 "
                  "(expected one address family per instance)"},
        ErrorCase{instance(kVip + "unicast_peer {\n2001:db8::2\n}\n"),
                  "t.conf:1: error: vrrp_instance vi: unicast_peer 2001:db8::2 is IPv6 (expected "
                  "IPv4 like the virtual addresses)"},
        ErrorCase{instance(kVip + "unicast_src_ip 2001:db8::2\n"),
                  "t.conf:1: error: vrrp_instance vi: unicast_src_ip 2001:db8::2 is IPv6 "
                  "(expected IPv4 like the virtual addresses)"},
        ErrorCase{instance("unicast_peer {\n192.0.2.7 min_ttl 300\n}\n"),
                  "t.conf:5: error: min_ttl 300 out of range (expected 0..255)"},
        ErrorCase{instance("unicast_peer {\n192.0.2.7 min_ttl 200 max_ttl 100\n}\n"),
                  "t.conf:5: error: unicast_peer min_ttl 200 above max_ttl 100 (expected "
                  "min_ttl <= max_ttl)"},
        ErrorCase{instance("track_interface {\neth1 weight 254\n}\n"),
                  "t.conf:5: error: weight 254 out of range (expected -253..253)"},
        ErrorCase{instance("track_interface {\neth1 reverse\n}\n"),
                  "t.conf:5: error: unexpected 'reverse' in track_interface (expected 'IFNAME "
                  "[weight -253..253 [reverse]]')"},
        ErrorCase{instance("preempt_delay 1001\n"),
                  "t.conf:4: error: preempt_delay 1001 out of range (expected seconds 0..1000, at "
                  "most 3 decimals)"},
        ErrorCase{instance("unicast_ttl 0\n"),
                  "t.conf:4: error: unicast_ttl 0 out of range (expected 1..255)"},
        ErrorCase{instance("version 2\nvirtual_ipaddress {\n2001:db8::1\n}\n"),
                  "t.conf:4: error: vrrp_instance vi: VRRPv2 cannot protect IPv6 addresses "
                  "(expected version 3)"},
        ErrorCase{instance(kVip) + instance(kVip, "vi", "52"),
                  "t.conf:8: error: duplicate vrrp_instance name 'vi' (expected unique names; "
                  "first defined at t.conf:1)"},
        ErrorCase{instance(kVip, "a") + instance(kVip, "b"),
                  "t.conf:8: error: vrrp_instance b: virtual_router_id 51 on eth0 (IPv4) "
                  "already used by vrrp_instance a at t.conf:1 (expected a unique "
                  "virtual_router_id per interface and address family)"},
        ErrorCase{instance("interface eth0123456789abcdef\n"),
                  "t.conf:4: error: invalid interface 'eth0123456789abcdef' (expected an "
                  "interface name of 1..15 characters without '/', ':' or spaces)"},
        ErrorCase{instance("priority\n"),
                  "t.conf:4: error: wrong number of arguments to 'priority' (expected 'priority "
                  "1..255')"},
        ErrorCase{instance("notify_master\n"),
                  "t.conf:4: error: 'notify_master' needs a command (expected 'notify_master "
                  "\"SCRIPT ARGS\"')"},
        ErrorCase{"global_defs {\nvrrp_version 4\n}\n",
                  "t.conf:2: error: vrrp_version 4 out of range (expected 2..3)"},
        ErrorCase{"global_defs {\nrouter_id x\n",
                  "t.conf:1: error: block 'global_defs' is not "
                  "closed (expected '}' before end of file)"},
        ErrorCase{"}\n", "t.conf:1: error: unexpected '}' (expected a keyword)"},
        ErrorCase{"global_defs {\nrouter_id \"x\n}\n",
                  "t.conf:2: error: unterminated quoted string (expected a closing '\"' on the "
                  "same line)"},
        ErrorCase{"vrrp_instance {\n}\n",
                  "t.conf:1: error: wrong number of arguments to "
                  "'vrrp_instance' (expected 'vrrp_instance NAME {')"}));

TEST(ConfigErrors, Ipv6WithGlobalVersion2UsesV3AndWarns) {
  Config c = parse_string(
      "global_defs {\nvrrp_version 2\n}\n" + instance("virtual_ipaddress {\n2001:db8::1\n}\n"),
      "t.conf");
  EXPECT_EQ(c.instances.at(0).version, 3);
  EXPECT_TRUE(has_warning(c, "t.conf:4: warning: vrrp_instance vi: IPv6 instance uses VRRPv3"));
}

TEST(ConfigErrors, MissingFile) {
  try {
    load(kData + "/no-such.conf");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              kData + "/no-such.conf: error: cannot read: No such file or directory");
  }
}

TEST(ConfigInclude, GlobsRelativeToIncludingFile) {
  std::string main = kData + "/include/main.conf";
  Config c = load(main);
  EXPECT_EQ(c.global.router_id, "incl");
  ASSERT_EQ(c.instances.size(), 2u);
  EXPECT_EQ(c.instances[0].name, "a");
  EXPECT_EQ(c.instances[1].name, "b");
  EXPECT_EQ(c.instances[0].where, kData + "/include/conf.d/10-a.conf:1");
  ASSERT_EQ(c.instances[1].vips.size(), 1u);
  EXPECT_EQ(c.instances[1].vips[0].addr, *IpAddress::parse("192.0.2.20"));
  EXPECT_EQ(c.instances[1].vips[0].where, kData + "/include/conf.d/../vips-b.inc:2");
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_EQ(c.warnings[0], main + ":5: warning: include conf.d/none-*.conf matched no files");
}

TEST(ConfigInclude, LoopIsDetected) {
  try {
    load(kData + "/loop/a.conf");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    std::string what = e.what();
    EXPECT_EQ(e.where(), kData + "/loop/b.conf:2");
    EXPECT_NE(what.find("error: include loop: "), std::string::npos) << what;
    EXPECT_NE(what.find("a.conf -> "), std::string::npos) << what;
  }
}

TEST(ConfigInclude, SelfIncludeIsALoop) {
  try {
    load(kData + "/loop/self.conf");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where(), kData + "/loop/self.conf:1");
  }
}

TEST(ConfigInclude, MissingLiteralFileIsAnError) {
  try {
    load(kData + "/loop/missing.conf");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              kData + "/loop/missing.conf:3: error: include does-not-exist.conf: no such file");
  }
}

TEST(ConfigInclude, ParseStringResolvesAgainstItsName) {
  Config c = parse_string("include conf.d/*.conf\n", kData + "/include/virtual.conf");
  EXPECT_EQ(c.instances.size(), 2u);
}

// A NUL used to send the word scanner into an endless loop; every control
// byte but tab, CR and LF is now refused where it is.
TEST(ConfigLexer, NulByteIsRefusedWithFileLine) {
  const char raw[] = "global_defs {\n  router_id a\0b\n}\n";
  const std::string text(raw, sizeof raw - 1);
  EXPECT_EQ(error_of(text),
            "t.conf:2: error: control byte 0x00 in configuration (expected text: only tab, CR "
            "and LF may appear; is this a binary file?)");
}

TEST(ConfigLexer, ControlBytesAreRefusedInsideQuotesAndComments) {
  for (const std::string& bad : {std::string(1, '\0'), std::string("\x01"), std::string("\x1b"),
                                 std::string("\x7f"), std::string("\f"), std::string("\v")}) {
    // The quoted notify command is on line 6, the comment on line 3.
    std::string err = error_of("\n\n" + instance("notify \"/bin/x" + bad + "\"\n"));
    EXPECT_EQ(err.rfind("t.conf:6: error: control byte 0x", 0), 0u) << err;
    err = error_of("\n\n# comment " + bad + "\n");
    EXPECT_EQ(err.rfind("t.conf:3: error: control byte 0x", 0), 0u) << err;
  }
}

TEST(ConfigLexer, TabsAndCrlfAreText) {
  Config c = parse_string("global_defs {\r\n\trouter_id\tr1\r\n}\r\n", "t.conf");
  EXPECT_EQ(c.global.router_id, "r1");
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "xvrrp-config-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  void write(const std::string& name, const std::string& content) const {
    std::filesystem::create_directories(std::filesystem::path(path_ + "/" + name).parent_path());
    std::ofstream(path_ + "/" + name, std::ios::binary) << content;
  }

 private:
  std::string path_;
};

TEST(ConfigLexer, IncludeGlobMatchingABinaryFileIsRefused) {
  TempDir dir;
  dir.write("main.conf", "global_defs {\n router_id r\n}\ninclude conf.d/*\n");
  dir.write("conf.d/10-ok.conf", instance("virtual_ipaddress {\n192.0.2.1\n}\n"));
  dir.write("conf.d/20-blob", std::string("\x7f"
                                          "ELF\x02\x01\x01\0\0\0\n\x03\0",
                                          14));
  try {
    load(dir.path() + "/main.conf");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where(), dir.path() + "/conf.d/20-blob:1");
    EXPECT_NE(std::string(e.what()).find("control byte 0x7f"), std::string::npos) << e.what();
  }
}

// A FIFO would block the read forever (a reload's parse would never end).
TEST(ConfigLexer, IncludeOfAFifoOrDirectoryIsRefusedWithoutReading) {
  TempDir dir;
  dir.write("main.conf", "global_defs {\n router_id r\n}\ninclude conf.d/*\n");
  dir.write("conf.d/10-ok.conf", instance("virtual_ipaddress {\n192.0.2.1\n}\n"));
  ASSERT_EQ(::mkfifo((dir.path() + "/conf.d/20-fifo").c_str(), 0600), 0);
  try {
    load(dir.path() + "/main.conf");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where(), dir.path() + "/main.conf:4");
    EXPECT_NE(std::string(e.what()).find("20-fifo: is not a regular file"), std::string::npos)
        << e.what();
  }
  ::unlink((dir.path() + "/conf.d/20-fifo").c_str());
  // A glob skips the directories it matches.
  std::filesystem::create_directories(dir.path() + "/conf.d/30-dir");
  EXPECT_EQ(load(dir.path() + "/main.conf").instances.size(), 1U);
  try {
    load(dir.path() + "/conf.d");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where(), dir.path() + "/conf.d");
  }
}

TEST(ConfigRouterId, DefaultComesFromTheCaller) {
  const std::string body = instance("virtual_ipaddress {\n192.0.2.1\n}\n");
  EXPECT_EQ(parse_string(body, "t.conf").global.router_id, "");
  EXPECT_EQ(parse_string(body, "t.conf", "node-a").global.router_id, "node-a");
  EXPECT_EQ(parse_string("global_defs {\nrouter_id mine\n}\n" + body, "t.conf", "node-a")
                .global.router_id,
            "mine");
}

TEST(ConfigRouterId, PathUnsafeValuesAreRefused) {
  const std::string expected =
      " (expected 1..64 printable characters, not '.' or '..', without '/')";
  auto with = [](const std::string& id) { return "global_defs {\n router_id " + id + "\n}\n"; };
  EXPECT_EQ(error_of(with("../../x")), "t.conf:2: error: invalid router_id '../../x'" + expected);
  EXPECT_EQ(error_of(with("a/b")), "t.conf:2: error: invalid router_id 'a/b'" + expected);
  EXPECT_EQ(error_of(with("..")), "t.conf:2: error: invalid router_id '..'" + expected);
  EXPECT_EQ(error_of(with(".")), "t.conf:2: error: invalid router_id '.'" + expected);
  EXPECT_EQ(error_of(with("\"\"")), "t.conf:2: error: empty router_id" + expected);
  EXPECT_EQ(error_of(with(std::string(65, 'r'))),
            "t.conf:2: error: router_id is 65 characters long" + expected);
  EXPECT_EQ(error_of(with(std::string(64, 'r'))), "");
  try {
    parse_string("", "t.conf", "bad/host");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where(), "default router_id");
  }
}

// keepalived's doc/samples with VRRP sections: each loads with only other
// subsystems ignored, or stops at the first keyword xvrrpd does not implement.
struct SampleCase {
  std::string file;
  // Empty: loads. Otherwise the start of the error after "FILE:".
  std::string error;
  size_t instances = 0;
  std::vector<std::string> ignored;
};

void PrintTo(const SampleCase& c, std::ostream* os) { *os << c.file; }

SampleCase refused_sample(const std::string& file, const std::string& error) {
  return {file, error, 0, {}};
}

class ConfigSamples : public ::testing::TestWithParam<SampleCase> {};

TEST_P(ConfigSamples, LoadsOrNamesTheUnsupportedKeyword) {
  const SampleCase& c = GetParam();
  const std::string path = kData + "/samples/" + c.file;
  try {
    Config cfg = load(path, "host");
    EXPECT_TRUE(c.error.empty()) << "loaded, expected " << c.error;
    EXPECT_EQ(cfg.instances.size(), c.instances);
    EXPECT_EQ(cfg.ignored, c.ignored);
    for (const auto& w : cfg.warnings) {
      // Only the summary of other subsystems and keepalived's own notes.
      EXPECT_EQ(w.find("unknown keyword"), std::string::npos) << w;
    }
  } catch (const ConfigError& e) {
    EXPECT_FALSE(c.error.empty()) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind(path + ":" + c.error, 0), 0u) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Keepalived, ConfigSamples,
    ::testing::Values(SampleCase{"keepalived.conf.vrrp",
                                 "",
                                 4,
                                 {"notification_email", "notification_email_from", "smtp_server",
                                  "smtp_connect_timeout", "smtp_alert"}},
                      SampleCase{"keepalived.conf.sample",
                                 "",
                                 1,
                                 {"notification_email", "notification_email_from", "smtp_server",
                                  "smtp_connect_timeout", "virtual_server"}},
                      refused_sample("keepalived.conf.SSL_GET",
                                     "20: error: auth_type AH is not supported by xvrrpd"),
                      refused_sample("keepalived.conf.conditional_conf",
                                     "3: error: '@high': keepalived's conditional"),
                      SampleCase{"keepalived.conf.track_interface", "", 1, {}},
                      SampleCase{"keepalived.conf.vrrp.localcheck", "", 9, {}},
                      // The old syntax (names without group { }): keepalived warns and drops
                      // the group; xvrrpd refuses it rather than lose the sync.
                      refused_sample("keepalived.conf.vrrp.lvs_syncd",
                                     "4: error: unknown keyword 'VI_2' in vrrp_sync_group "
                                     "(expected 'group { INSTANCE ... }'"),
                      // keepalived 1.x's multipath shorthand, and a typo in the sample itself.
                      refused_sample("keepalived.conf.vrrp.routes",
                                     "30: error: virtual_routes: route option 'or' is not "
                                     "supported by xvrrpd"),
                      refused_sample("keepalived.conf.vrrp.rules",
                                     "11: error: static_rules: bad prefix '192.168.100./24'"),
                      SampleCase{"keepalived.conf.vrrp.scripts", "", 3, {"smtp_alert"}},
                      SampleCase{"keepalived.conf.vrrp.static_ipaddress", "", 1, {}},
                      SampleCase{"keepalived.conf.vrrp.sync", "", 9, {}}),
    [](const ::testing::TestParamInfo<SampleCase>& info) {
      std::string name = info.param.file.substr(std::string("keepalived.conf.").size());
      for (auto& ch : name) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return name;
    });

// Every sample file is in the table above.
TEST(ConfigSamples, EverySampleFileIsChecked) {
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(kData + "/samples")) {
    if (e.path().filename().string().rfind("keepalived.conf.", 0) == 0) ++files;
  }
  EXPECT_EQ(files, 12u);
}

// ---- vrrp_script / track_script ----

Config parse_unapplied(const std::string& text) {
  return test::parse_text(text, test::options(true));
}

std::string unapplied_error_of(const std::string& text) {
  return test::parse_error(text, test::options(true));
}

const std::string kScriptChk =
    "vrrp_script chk {\n"
    "  script \"/usr/bin/check --port 80\"\n"
    "  interval 0.5\n"
    "  timeout 2.25\n"
    "  weight -60 reverse\n"
    "  rise 3\n"
    "  fall 2\n"
    "  user nobody nogroup\n"
    "  init_fail\n"
    "}\n"
    "vrrp_script other {\n script /bin/true\n}\n"
    "vrrp_script unused {\n script /bin/false\n}\n";

TEST(ConfigScripts, AcceptedNowThatTheDaemonRunsThem) {
  ASSERT_TRUE(kDaemonRunsScripts);
  const Config c = parse_string(kScriptChk + instance("track_script {\n chk\n}\n"), "t.conf");
  ASSERT_EQ(c.scripts.size(), 1u);
  EXPECT_EQ(c.scripts[0].name, "chk");
  ASSERT_EQ(c.instances[0].track_scripts.size(), 1u);
  EXPECT_EQ(c.instances[0].track_scripts[0].weight, -60);
  EXPECT_EQ(error_of("vrrp_script c {\n interval 0\n}\n"),
            "t.conf:2: error: interval 0 out of range (expected seconds 0.001..4294)");
}

TEST(ConfigScripts, EveryOptionAndPerReferenceWeights) {
  Config c = parse_unapplied(kScriptChk +
                             instance("track_script {\n"
                                      "  chk\n"
                                      "  other weight 10\n"
                                      "}\n"
                                      "virtual_ipaddress {\n192.0.2.1\n}\n") +
                             instance("track_script {\n"
                                      "  chk weight 5 noreverse\n"
                                      "  other weight -7 reverse\n"
                                      "}\n"
                                      "virtual_ipaddress {\n192.0.2.2\n}\n",
                                      "vj", "52"));
  ASSERT_EQ(c.scripts.size(), 2u);  // "unused" is tracked by nobody
  const VrrpScript& chk = c.scripts[0];
  EXPECT_EQ(chk.name, "chk");
  EXPECT_EQ(chk.where, "t.conf:1");
  EXPECT_EQ(chk.script, "/usr/bin/check --port 80");
  EXPECT_EQ(chk.interval_ms, 500u);
  EXPECT_EQ(chk.timeout_ms, 2250u);
  EXPECT_EQ(chk.weight, -60);
  EXPECT_TRUE(chk.weight_reverse);
  EXPECT_EQ(chk.rise, 3u);
  EXPECT_EQ(chk.fall, 2u);
  EXPECT_EQ(chk.user, "nobody");
  EXPECT_EQ(chk.group, "nogroup");
  EXPECT_TRUE(chk.init_fail);
  const VrrpScript& other = c.scripts[1];
  EXPECT_EQ(other.interval_ms, 1000u);  // keepalived's defaults
  EXPECT_EQ(other.timeout_ms, 0u);
  EXPECT_EQ(other.weight, 0);
  EXPECT_EQ(other.rise, 1u);
  EXPECT_EQ(other.fall, 1u);
  EXPECT_FALSE(other.init_fail);

  const auto& vi = c.instances.at(0).track_scripts;
  ASSERT_EQ(vi.size(), 2u);
  EXPECT_EQ(vi[0].script, chk);
  EXPECT_EQ(vi[0].weight, -60);  // the script's own
  EXPECT_TRUE(vi[0].weight_reverse);
  EXPECT_EQ(vi[1].weight, 10);
  EXPECT_FALSE(vi[1].weight_reverse);
  const auto& vj = c.instances.at(1).track_scripts;
  ASSERT_EQ(vj.size(), 2u);
  EXPECT_EQ(vj[0].weight, 5);
  EXPECT_FALSE(vj[0].weight_reverse);  // noreverse overrides the script's reverse
  EXPECT_EQ(vj[1].weight, -7);
  EXPECT_TRUE(vj[1].weight_reverse);
}

TEST(ConfigScripts, BadValuesNameTheirLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"vrrp_script c {\n interval 0.0001\n script x\n}\n",
       "t.conf:2: error: invalid interval '0.0001' (expected seconds 0..4294, at most 3 decimals)"},
      {"vrrp_script c {\n timeout 5000\n script x\n}\n",
       "t.conf:2: error: timeout 5000 out of range (expected seconds 0..4294, at most 3 decimals)"},
      {"vrrp_script c {\n weight 254\n script x\n}\n",
       "t.conf:2: error: weight 254 out of range (expected -253..253)"},
      {"vrrp_script c {\n weight 2 backwards\n script x\n}\n",
       "t.conf:2: error: unexpected 'backwards' (expected 'weight -253..253 [reverse]')"},
      {"vrrp_script c {\n rise 0\n script x\n}\n",
       "t.conf:2: error: rise 0 out of range (expected 1..2147483647)"},
      {"vrrp_script c {\n user\n script x\n}\n",
       "t.conf:2: error: wrong number of arguments to 'user' (expected 'user USER [GROUP]')"},
      {"vrrp_script c {\n interval 1\n}\n",
       "t.conf:1: error: vrrp_script c: missing script (expected 'script \"PATH ARGS\"')"},
      {"vrrp_script c {\n script x\n}\nvrrp_script c {\n script y\n}\n",
       "t.conf:4: error: duplicate vrrp_script name 'c' (expected unique names; first defined at "
       "t.conf:1)"},
      {"vrrp_script c {\n script x\n bogus 1\n}\n",
       "t.conf:3: error: unknown keyword 'bogus' in vrrp_script (expected a keyword of "
       "keepalived.conf(5) that xvrrpd implements; see the README's keyword list)"},
      {instance("track_script {\n nope\n}\n"),
       "t.conf:5: error: vrrp_instance vi: track_script nope: no such vrrp_script (expected the "
       "name of a vrrp_script block)"},
      {"vrrp_script c {\n script x\n}\n" + instance("track_script {\n c\n c weight 1\n}\n"),
       "t.conf:9: error: vrrp_script c tracked twice (expected each script once)"},
      {"vrrp_script c {\n script x\n}\n" + instance("track_script {\n c weight\n}\n"),
       "t.conf:8: error: unexpected 'weight' in track_script (expected 'NAME [weight -253..253 "
       "[reverse|noreverse]]')"},
      {"vrrp_script c {\n script x\n}\n" + instance("track_script {\n c weight 1 sideways\n}\n"),
       "t.conf:8: error: unexpected 'sideways' in track_script (expected 'NAME [weight -253..253 "
       "[reverse|noreverse]]')"},
  };
  for (const auto& [text, message] : cases) {
    EXPECT_EQ(unapplied_error_of(text), message) << text;
  }
}

// keepalived's own health-check sample parses completely once scripts are
// accepted; only the sync group of the scripts sample remains refused.
TEST(ConfigScripts, KeepalivedLocalcheckSampleParses) {
  ParseOptions o;
  o.accept_unapplied = true;
  Config c = load(kData + "/samples/keepalived.conf.vrrp.localcheck", o);
  ASSERT_EQ(c.instances.size(), 9u);
  EXPECT_EQ(c.scripts.size(), 5u);
  const auto& t = c.instances[0].track_scripts;
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0].script.name, "chk_sshd");
  EXPECT_EQ(t[0].weight, -4);
  EXPECT_EQ(t[0].script.fall, 2u);
  EXPECT_EQ(t[0].script.interval_ms, 2000u);
  EXPECT_EQ(t[1].script.name, "chk_haproxy");
  EXPECT_EQ(t[1].weight, 2);
  EXPECT_TRUE(c.ignored.empty());
}

// The IPv6 advert source is the link-local address unless unicast_src_ip says otherwise
// (keepalived 2.2.7 too): global unicast peers without it get a warning naming the fix.
TEST(ConfigWarnings, Ipv6GlobalPeersWithoutUnicastSrcIp) {
  const std::string vip = "  virtual_ipaddress {\n 2001:db8::100/64\n }\n";
  auto warnings_of = [](const std::string& text) { return parse_string(text, "t.conf").warnings; };
  const auto w = warnings_of(instance(vip + "  unicast_peer {\n 2001:db8::6\n }\n"));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("t.conf:1: warning: vrrp_instance vi: IPv6 unicast_peer with a global "
                      "address but no unicast_src_ip: adverts leave from the link-local address "
                      "of eth0"),
            std::string::npos)
      << w[0];
  EXPECT_TRUE(
      warnings_of(
          instance(vip + "  unicast_src_ip 2001:db8::5\n  unicast_peer {\n 2001:db8::6\n }\n"))
          .empty());
  EXPECT_TRUE(warnings_of(instance(vip + "  unicast_peer {\n fe80::6\n }\n")).empty());
  EXPECT_TRUE(warnings_of(instance(vip)).empty());  // multicast
  // IPv4 has no link-local default: the interface's primary address is the source.
  EXPECT_TRUE(warnings_of(instance("  virtual_ipaddress {\n 192.0.2.100/24\n }\n"
                                   "  unicast_peer {\n 192.0.2.6\n }\n"))
                  .empty());
}

}  // namespace
}  // namespace xvrrp::config
