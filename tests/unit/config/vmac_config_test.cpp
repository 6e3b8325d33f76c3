// SPDX-License-Identifier: GPL-2.0-or-later
// use_vmac [NAME] and vmac_xmit_base (keepalived.conf(5)): the default name vrrp.VRID, the
// VIPs of the instance's own interface moved onto the macvlan, and what xvrrpd refuses.
#include <gtest/gtest.h>

#include <string>

#include "parse_text.hpp"

namespace xvrrp::config {
namespace {

using test::parse_error;
using test::parse_text;

std::string inst(const std::string& extra, const std::string& name = "vi",
                 const std::string& vips =
                     "  192.0.2.1/24\n  192.0.2.2/32 dev eth0\n"
                     "  198.51.100.1/32 dev dummy0\n") {
  return "vrrp_instance " + name + " {\n interface eth0\n virtual_router_id 51\n" + extra +
         " virtual_ipaddress {\n" + vips + " }\n}\n";
}

TEST(VmacConfig, DefaultNameAndTheInterfacesVipsMoveOntoIt) {
  const Instance i = parse_text(inst(" use_vmac\n")).instances.at(0);
  EXPECT_EQ(i.vmac, "vrrp.51");
  EXPECT_FALSE(i.vmac_xmit_base);
  ASSERT_EQ(i.vips.size(), 3U);
  EXPECT_EQ(i.vips[0].dev, "vrrp.51");  // no dev
  EXPECT_EQ(i.vips[1].dev, "vrrp.51");  // dev eth0, the instance's interface
  EXPECT_EQ(i.vips[2].dev, "dummy0");   // another device keeps it
  const Instance named = parse_text(inst(" use_vmac vm51\n vmac_xmit_base\n")).instances.at(0);
  EXPECT_EQ(named.vmac, "vm51");
  EXPECT_TRUE(named.vmac_xmit_base);
  EXPECT_EQ(parse_text(inst("")).instances.at(0).vmac, "");
}

TEST(VmacConfig, WhatIsRefusedOrIgnored) {
  EXPECT_EQ(parse_error(inst(" use_vmac\n version 3\n", "vi", "  2001:db8::1/64\n"))
                .rfind("t.conf:4: error: vrrp_instance vi: use_vmac with an IPv6 instance is not "
                       "supported by xvrrpd",
                       0),
            0U);
  EXPECT_EQ(parse_error(inst(" use_vmac eth0\n"))
                .rfind("t.conf:4: error: vrrp_instance vi: invalid use_vmac name 'eth0'", 0),
            0U);
  const std::string two = inst(" use_vmac v\n", "a") +
                          "vrrp_instance b {\n interface eth1\n virtual_router_id 52\n use_vmac v\n"
                          " virtual_ipaddress {\n  192.0.2.9/32\n }\n}\n";
  EXPECT_NE(parse_error(two).find("use_vmac v is already vrrp_instance a's"), std::string::npos)
      << parse_error(two);
  const Config c = parse_text(inst(" vmac_xmit_base\n"));
  EXPECT_FALSE(c.instances.at(0).vmac_xmit_base);
  ASSERT_FALSE(c.warnings.empty());
  EXPECT_NE(c.warnings.back().find("vmac_xmit_base without use_vmac, ignored"), std::string::npos);
}

}  // namespace
}  // namespace xvrrp::config
