// SPDX-License-Identifier: GPL-2.0-or-later
// vrrp_strict / strict_mode and accept / no_accept, with keepalived's meaning
// (vrrp_complete_instance): what strict mode forbids on the wire is refused at the
// instance's line, what it only forbids is reset with a warning, and accept mode's default
// follows strict mode and the address owner.
#include <gtest/gtest.h>

#include <string>

#include "parse_text.hpp"

namespace xvrrp::config {
namespace {

using test::parse_error;
using test::parse_text;

std::string with(const std::string& globals, const std::string& inst,
                 const std::string& vips = "  192.0.2.1/24\n") {
  return "global_defs {\n router_id r1\n" + globals +
         "}\n"
         "vrrp_instance vi {\n interface eth0\n virtual_router_id 51\n" +
         inst + " virtual_ipaddress {\n" + vips + " }\n}\n";
}

bool has_warning(const Config& c, const std::string& needle) {
  for (const auto& w : c.warnings)
    if (w.find(needle) != std::string::npos) return true;
  return false;
}

TEST(StrictMode, OffByDefaultWithAcceptMode) {
  const Instance i = parse_text(with("", "")).instances.at(0);
  EXPECT_FALSE(i.strict_mode);
  EXPECT_TRUE(i.accept);
}

TEST(StrictMode, VrrpStrictMakesNoAcceptTheDefaultBelowTheOwner) {
  const Config c = parse_text(with(" vrrp_strict\n", ""));
  const Instance& i = c.instances.at(0);
  EXPECT_TRUE(c.global.vrrp_strict);
  EXPECT_TRUE(i.strict_mode);
  EXPECT_FALSE(i.accept);
  EXPECT_TRUE(c.warnings.empty()) << c.warnings.at(0);
  const Instance owner =
      parse_text(with(" vrrp_strict\n", " state MASTER\n priority 255\n")).instances.at(0);
  EXPECT_TRUE(owner.accept);
  EXPECT_TRUE(owner.initial_master);
}

TEST(StrictMode, InstanceKeywordOverridesTheGlobal) {
  EXPECT_FALSE(parse_text(with(" vrrp_strict\n", " strict_mode off\n")).instances[0].strict_mode);
  EXPECT_TRUE(parse_text(with(" vrrp_strict\n", " strict_mode off\n")).instances[0].accept);
  EXPECT_TRUE(parse_text(with("", " strict_mode\n")).instances[0].strict_mode);
  EXPECT_TRUE(parse_text(with("", " strict_mode yes\n")).instances[0].strict_mode);
}

TEST(StrictMode, AcceptAndNoAcceptAreExplicit) {
  EXPECT_FALSE(parse_text(with("", " no_accept\n")).instances[0].accept);
  EXPECT_FALSE(parse_text(with("", " no_accept\n")).instances[0].strict_mode);
  // VRRPv3 in strict mode may accept.
  const Config v3 = parse_text(with(" vrrp_strict\n", " version 3\n accept\n"));
  EXPECT_TRUE(v3.instances[0].accept);
  // RFC 3768 has no accept mode: keepalived resets it in strict mode.
  const Config v2 = parse_text(with(" vrrp_strict\n", " accept\n"));
  EXPECT_FALSE(v2.instances[0].accept);
  EXPECT_TRUE(has_warning(v2,
                          "t.conf:8: warning: vrrp_instance vi: accept mode is not part of "
                          "VRRPv2"));
}

TEST(StrictMode, WhatBreaksTheWireIsRefusedAtTheInstance) {
  EXPECT_EQ(parse_error(with(" vrrp_strict\n", " unicast_peer {\n  192.0.2.2\n }\n"))
                .rfind("t.conf:5: error: vrrp_instance vi: unicast_peer is not allowed in strict "
                       "mode (vrrp_strict",
                       0),
            0u);
  EXPECT_EQ(parse_error(with("", " strict_mode\n", ""))
                .rfind("t.conf:4: error: vrrp_instance vi: strict mode (strict_mode) needs at "
                       "least one virtual_ipaddress",
                       0),
            0u);
}

TEST(StrictMode, WhatItOnlyForbidsIsResetWithAWarning) {
  const Config c = parse_text(
      with(" vrrp_strict\n",
           " state MASTER\n priority 100\n preempt_delay 5\n down_timer_adverts 5\n"
           " garp_lower_prio_repeat 3\n lower_prio_no_advert off\n higher_prio_send_advert\n"
           " authentication {\n  auth_type PASS\n  auth_pass secret\n }\n"));
  const Instance& i = c.instances.at(0);
  EXPECT_FALSE(i.initial_master);
  EXPECT_EQ(i.preempt_delay_ns, 0);
  EXPECT_EQ(i.down_timer_adverts, 3);
  EXPECT_EQ(i.garp_lower_prio_repeat, 0u);
  EXPECT_TRUE(i.lower_prio_no_advert);
  EXPECT_FALSE(i.higher_prio_send_advert);
  EXPECT_EQ(i.auth_type, 0);
  for (const char* what :
       {"state MASTER with priority 100", "preempt_delay is not", "down_timer_adverts 5",
        "garp_lower_prio_repeat is not", "lower_prio_no_advert off", "higher_prio_send_advert",
        "authentication is not allowed in strict mode (vrrp_strict): reset"})
    EXPECT_TRUE(has_warning(c, what)) << what;
  // Without the explicit lines, the strict defaults apply silently.
  const Config quiet = parse_text(with(" vrrp_strict\n", ""));
  EXPECT_TRUE(quiet.instances[0].lower_prio_no_advert);
  EXPECT_EQ(quiet.instances[0].garp_lower_prio_repeat, 0u);
  EXPECT_TRUE(quiet.warnings.empty());
}

TEST(StrictMode, FirstIpv6VipShouldBeLinkLocal) {
  const Config c = parse_text(with(" vrrp_strict\n", " version 3\n", "  2001:db8::1/64\n"));
  EXPECT_TRUE(has_warning(c, "first IPv6 virtual_ipaddress must be link-local"));
  const Config ll =
      parse_text(with(" vrrp_strict\n", " version 3\n", "  fe80::1/64\n  2001:db8::1/64\n"));
  EXPECT_FALSE(has_warning(ll, "link-local"));
}

}  // namespace
}  // namespace xvrrp::config
