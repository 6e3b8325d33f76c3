// SPDX-License-Identifier: GPL-2.0-or-later
// The keywords that change how a router reacts to other routers' adverts, and the start-up
// delay: keepalived's spellings, defaults from global_defs, per-instance overrides, and bad
// values named with file and line.
#include <gtest/gtest.h>

#include <string>

#include "parse_text.hpp"

namespace xvrrp::config {
namespace {

using test::parse_error;
using test::parse_text;

std::string with(const std::string& globals, const std::string& inst) {
  return "global_defs {\n router_id r1\n" + globals +
         "}\n"
         "vrrp_instance vi {\n interface eth0\n virtual_router_id 51\n" +
         inst + " virtual_ipaddress {\n  192.0.2.1/24\n }\n}\n";
}

TEST(FailoverKeywords, DefaultsAreKeepalivedsAndTheRfcs) {
  const Config c = parse_text(with("", ""));
  const Instance& i = c.instances.at(0);
  EXPECT_EQ(i.down_timer_adverts, 3);
  EXPECT_FALSE(i.lower_prio_no_advert);
  EXPECT_FALSE(i.higher_prio_send_advert);
  EXPECT_EQ(i.garp_lower_prio_repeat, 5u);  // vrrp_garp_master_repeat's default
  EXPECT_EQ(i.garp_lower_prio_delay_ms, 0u);
  EXPECT_EQ(c.global.startup_delay_ms, 0u);
}

// keepalived.conf(5): vrrp_min_garp sends one gratuitous ARP/NA with no repeat, without
// overriding a vrrp_garp_master_* line given before it.
TEST(FailoverKeywords, MinGarpIsOneGarpWithoutRepeat) {
  const Instance i = parse_text(with(" vrrp_min_garp\n", "")).instances.at(0);
  EXPECT_EQ(i.garp_master_repeat, 1u);
  EXPECT_EQ(i.garp_master_delay_ms, 0u);
  EXPECT_EQ(i.garp_master_refresh_ms, 0u);
  EXPECT_EQ(i.garp_master_refresh_repeat, 0u);
  EXPECT_EQ(i.garp_lower_prio_repeat, 1u);  // follows vrrp_garp_master_repeat
  const Instance kept =
      parse_text(with(" vrrp_garp_master_repeat 3\n vrrp_min_garp on\n", "")).instances.at(0);
  EXPECT_EQ(kept.garp_master_repeat, 3u);
  EXPECT_EQ(kept.garp_master_delay_ms, 0u);
  const Instance off = parse_text(with(" vrrp_min_garp false\n", "")).instances.at(0);
  EXPECT_EQ(off.garp_master_repeat, 5u);
  EXPECT_EQ(off.garp_master_delay_ms, 5000u);
  EXPECT_EQ(parse_error(with(" vrrp_min_garp maybe\n", "")).rfind("t.conf:3: error:", 0), 0u);
}

TEST(FailoverKeywords, GlobalsAreTheInstancesDefaults) {
  const Config c =
      parse_text(with(" vrrp_down_timer_adverts 5\n vrrp_lower_prio_no_advert\n"
                      " vrrp_higher_prio_send_advert on\n vrrp_garp_lower_prio_repeat 2\n"
                      " vrrp_garp_lower_prio_delay 10\n vrrp_startup_delay 5.5\n",
                      ""));
  const Instance& i = c.instances.at(0);
  EXPECT_EQ(i.down_timer_adverts, 5);
  EXPECT_TRUE(i.lower_prio_no_advert);
  EXPECT_TRUE(i.higher_prio_send_advert);
  EXPECT_EQ(i.garp_lower_prio_repeat, 2u);
  EXPECT_EQ(i.garp_lower_prio_delay_ms, 10000u);
  EXPECT_EQ(c.global.startup_delay_ms, 5500u);
}

TEST(FailoverKeywords, InstanceKeywordsOverrideTheGlobals) {
  const Config c = parse_text(
      with(" vrrp_down_timer_adverts 5\n vrrp_lower_prio_no_advert yes\n"
           " vrrp_higher_prio_send_advert\n vrrp_garp_lower_prio_repeat 2\n",
           " down_timer_adverts 1\n lower_prio_no_advert false\n higher_prio_send_advert off\n"
           " garp_lower_prio_repeat 0\n garp_lower_prio_delay 3\n"));
  const Instance& i = c.instances.at(0);
  EXPECT_EQ(i.down_timer_adverts, 1);
  EXPECT_FALSE(i.lower_prio_no_advert);
  EXPECT_FALSE(i.higher_prio_send_advert);
  EXPECT_EQ(i.garp_lower_prio_repeat, 0u);
  EXPECT_EQ(i.garp_lower_prio_delay_ms, 3000u);
}

// keepalived: an instance's garp_lower_prio_repeat defaults to the global one, which defaults
// to the global vrrp_garp_master_repeat, not to the instance's garp_master_repeat.
TEST(FailoverKeywords, LowerPrioRepeatFollowsTheGlobalGarpRepeat) {
  const Config c = parse_text(with(" vrrp_garp_master_repeat 3\n", " garp_master_repeat 7\n"));
  EXPECT_EQ(c.instances.at(0).garp_master_repeat, 7u);
  EXPECT_EQ(c.instances.at(0).garp_lower_prio_repeat, 3u);
}

TEST(FailoverKeywords, BadValuesNameFileAndLine) {
  EXPECT_NE(parse_error(with("", " down_timer_adverts 0\n")).find("t.conf:7:"), std::string::npos);
  EXPECT_NE(parse_error(with("", " down_timer_adverts 101\n")).find("down_timer_adverts"),
            std::string::npos);
  EXPECT_NE(parse_error(with(" vrrp_down_timer_adverts x\n", "")).find("t.conf:3:"),
            std::string::npos);
  const std::string bad_bool = parse_error(with("", " lower_prio_no_advert maybe\n"));
  EXPECT_NE(bad_bool.find("t.conf:7:"), std::string::npos) << bad_bool;
  EXPECT_NE(bad_bool.find("expected true, false"), std::string::npos) << bad_bool;
  EXPECT_NE(parse_error(with("", " garp_lower_prio_delay 1.5\n")).find("whole seconds"),
            std::string::npos);
  EXPECT_NE(parse_error(with(" vrrp_startup_delay 3601\n", "")).find("t.conf:3:"),
            std::string::npos);
  EXPECT_NE(parse_error(with(" vrrp_startup_delay -1\n", "")).find("vrrp_startup_delay"),
            std::string::npos);
}

}  // namespace
}  // namespace xvrrp::config
