// SPDX-License-Identifier: GPL-2.0-or-later
// static_ipaddress / static_routes / static_rules and default_interface (keepalived.conf(5),
// "Static routes/addresses/rules"): parsed with the grammar of virtual_ipaddress,
// virtual_routes and virtual_rules; an address without dev goes on default_interface.
#include <gtest/gtest.h>

#include <string>

#include "parse_text.hpp"

namespace xvrrp::config {
namespace {

using test::parse_error;
using test::parse_text;

TEST(StaticConfig, BlocksParseWithTheVirtualGrammar) {
  const Config c = parse_text(
      "static_ipaddress {\n 198.51.100.7/24 dev eth1 label eth1:s\n 2001:db8:1::7/64 dev eth1\n"
      " 203.0.113.7/32\n}\n"
      "static_routes {\n 203.0.113.0/24 via 198.51.100.1 dev eth1 table 100\n}\n"
      "static_rules {\n from 198.51.100.7/32 table 100 priority 10\n}\n");
  ASSERT_EQ(c.static_addresses.size(), 3U);
  EXPECT_EQ(c.static_addresses[0].addr.to_string(), "198.51.100.7");
  EXPECT_EQ(c.static_addresses[0].prefix_len, 24);
  EXPECT_EQ(c.static_addresses[0].dev, "eth1");
  EXPECT_EQ(c.static_addresses[0].label, "eth1:s");
  EXPECT_EQ(c.static_addresses[0].where, "t.conf:2");
  EXPECT_TRUE(c.static_addresses[1].addr.is_v6());
  EXPECT_EQ(c.static_addresses[2].dev, "eth0");  // keepalived's default_interface
  ASSERT_EQ(c.static_routes.size(), 1U);
  EXPECT_EQ(to_string(c.static_routes[0]), "203.0.113.0/24 via 198.51.100.1 dev eth1 table 100");
  ASSERT_EQ(c.static_rules.size(), 1U);
  EXPECT_TRUE(c.instances.empty());
}

TEST(StaticConfig, DefaultInterfaceAppliesWhereverGlobalDefsIs) {
  const Config c = parse_text(
      "static_ipaddress {\n 203.0.113.7/32\n}\nglobal_defs {\n default_interface bond0\n}\n");
  EXPECT_EQ(c.global.default_interface, "bond0");
  EXPECT_EQ(c.static_addresses.at(0).dev, "bond0");
}

TEST(StaticConfig, BadLinesNameFileAndLine) {
  EXPECT_EQ(parse_error("static_ipaddress {\n 203.0.113.300/32\n}\n")
                .rfind("t.conf:2: error: invalid virtual address '203.0.113.300'", 0),
            0U)
      << parse_error("static_ipaddress {\n 203.0.113.300/32\n}\n");
  EXPECT_EQ(parse_error("static_routes {\n 203.0.113.0/24 via\n}\n").rfind("t.conf:2: error:", 0),
            0U);
  EXPECT_EQ(parse_error("static_rules {\n from nowhere table 1\n}\n").rfind("t.conf:2: error:", 0),
            0U);
  EXPECT_EQ(parse_error("global_defs {\n default_interface\n}\n").rfind("t.conf:2: error:", 0), 0U);
}

}  // namespace
}  // namespace xvrrp::config
