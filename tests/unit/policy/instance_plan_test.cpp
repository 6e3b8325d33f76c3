// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/instance_plan.hpp"

#include <gtest/gtest.h>

#include "common/abi_convert.hpp"
#include "core/packet.hpp"
#include "test_config.hpp"

namespace xvrrp::policy {
namespace {

IpAddress ip(const char* s) { return IpAddress::parse(s).value(); }

TEST(InstancePlan, ArticleUnicastPair) {
  const InstancePlan p = plan_instance(test::instance());
  EXPECT_EQ(p.params.vrid, 100);
  EXPECT_EQ(p.params.base_priority, 100);
  EXPECT_EQ(p.params.advert_int_cs, 100);
  EXPECT_EQ(p.family, AF_INET);
  ASSERT_EQ(p.destinations.size(), 1U);
  EXPECT_EQ(p.destinations[0], ip("192.0.2.2"));
  ASSERT_EQ(p.peers.size(), 1U);
  EXPECT_EQ(p.vrid_config.flags, XVRRP_CFG_UNICAST | XVRRP_CFG_CHECK_PEER);
  EXPECT_EQ(p.send_ttl, 255);
  ASSERT_EQ(p.vips.size(), 1U);
  EXPECT_EQ(p.vips[0].dev, "dummy0");
  EXPECT_EQ(p.advertised, std::vector<IpAddress>{ip("198.51.100.1")});
  EXPECT_TRUE(is_vip(p, ip("198.51.100.1")));
  EXPECT_FALSE(is_vip(p, ip("192.0.2.1")));
}

TEST(InstancePlan, UnicastAcceptsAnyTtlWithoutAPeerRange) {
  // keepalived checks the TTL of multicast adverts only.
  const InstancePlan p = plan_instance(test::instance());
  EXPECT_EQ(p.vrid_config.min_ttl, 0);
  EXPECT_EQ(p.vrid_config.max_ttl, 255);
}

TEST(InstancePlan, PeerTtlRangeNarrowsTheCheck) {
  config::Instance cfg = test::instance();
  cfg.unicast_peers[0].min_ttl = 250;
  const InstancePlan p = plan_instance(cfg);
  EXPECT_EQ(p.peers[0].min_ttl, 250);
  EXPECT_EQ(p.peers[0].max_ttl, 255);
  EXPECT_EQ(p.vrid_config.min_ttl, 250);
  EXPECT_EQ(p.vrid_config.max_ttl, 255);
}

TEST(InstancePlan, APeerWithoutRangeKeepsTheVridOpen) {
  config::Instance cfg = test::instance();
  cfg.unicast_peers[0].min_ttl = 250;
  cfg.unicast_peers.push_back({ip("192.0.2.3"), 0, 255});
  const InstancePlan p = plan_instance(cfg);
  EXPECT_EQ(p.vrid_config.min_ttl, 0);
  EXPECT_EQ(p.vrid_config.max_ttl, 255);
  EXPECT_EQ(p.peers[0].min_ttl, 250);  // still narrow per peer
}

TEST(InstancePlan, MulticastRequiresTtl255AndSendsToTheGroup) {
  config::Instance cfg = test::instance("  unicast_ttl 64\n");
  cfg.unicast_peers.clear();
  cfg.unicast_src_ip.reset();
  const InstancePlan p = plan_instance(cfg);
  EXPECT_TRUE(p.multicast());
  EXPECT_EQ(p.vrid_config.flags, 0);
  EXPECT_EQ(p.vrid_config.min_ttl, 255);
  EXPECT_EQ(p.vrid_config.max_ttl, 255);
  EXPECT_EQ(p.destinations, std::vector<IpAddress>{packet::vrrp_multicast_v4()});
  EXPECT_EQ(p.send_ttl, 255);
}

TEST(InstancePlan, UnicastTtlIsTheSendTtl) {
  EXPECT_EQ(plan_instance(test::instance("  unicast_ttl 64\n")).send_ttl, 64);
}

TEST(InstancePlan, V2PasswordGoesToTheFilterV3NeverAuthenticates) {
  config::Instance cfg =
      test::instance("  authentication {\n    auth_type PASS\n    auth_pass secret12\n  }\n");
  InstancePlan p = plan_instance(cfg);
  EXPECT_EQ(p.vrid_config.auth_type, XVRRP_AUTH_PASS);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(p.vrid_config.auth_pass), 8), "secret12");
  cfg.version = 3;
  p = plan_instance(cfg);
  EXPECT_EQ(p.vrid_config.auth_type, XVRRP_AUTH_NONE);
  EXPECT_EQ(p.vrid_config.version, 3);
}

TEST(InstancePlan, GarpParamsInNanoseconds) {
  const InstancePlan p = plan_instance(
      test::instance("  garp_master_delay 2\n  garp_master_repeat 3\n  garp_master_refresh 60\n"));
  EXPECT_EQ(p.garp.delay, 2 * core::kNanosPerSecond);
  EXPECT_EQ(p.garp.repeat, 3);
  EXPECT_EQ(p.garp.refresh, 60 * core::kNanosPerSecond);
  config::Instance cfg = test::instance();
  cfg.garp_interval_ms = 20;
  EXPECT_EQ(plan_instance(cfg).garp.interval, 20 * 1'000'000);
}

TEST(InstancePlan, ExcludedVipsAreInstalledNotAdvertised) {
  const InstancePlan p = plan_instance(
      test::instance("  virtual_ipaddress_excluded {\n    203.0.113.5/24 dev eth0\n  }\n"));
  EXPECT_EQ(p.vips.size(), 2U);
  EXPECT_EQ(p.advertised.size(), 1U);
  EXPECT_FALSE(p.vips[1].advertised);
}

TEST(InstancePlan, NoAcceptBelowTheOwnerFiltersTheVips) {
  config::Instance cfg = test::instance();
  EXPECT_FALSE(plan_instance(cfg).filter_vips);  // accept mode by default
  cfg.accept = false;
  EXPECT_TRUE(plan_instance(cfg).filter_vips);
  cfg.priority = 255;  // the address owner always accepts (RFC 5798 §6.1)
  EXPECT_FALSE(plan_instance(cfg).filter_vips);
}

TEST(FilteredAddresses, VipsOfFilteringPlansThatWantThemOnceEach) {
  config::Instance cfg =
      test::instance("  virtual_ipaddress_excluded {\n    203.0.113.5/24 dev eth0\n  }\n");
  cfg.accept = false;
  const InstancePlan filtering = plan_instance(cfg);
  const InstancePlan accepting = plan_instance(test::instance());
  ASSERT_EQ(filtering.vips.size(), 2U);
  EXPECT_TRUE(filtered_addresses({}).empty());
  EXPECT_TRUE(filtered_addresses({{&filtering, false}, {&accepting, true}}).empty());
  const auto both = filtered_addresses({{&filtering, true}, {&filtering, true}});
  ASSERT_EQ(both.size(), 2U);  // advertised and excluded, each once
  EXPECT_EQ(both[0], filtering.vips[0].addr);
  EXPECT_EQ(both[1], filtering.vips[1].addr);
}

}  // namespace
}  // namespace xvrrp::policy

namespace xvrrp::policy {
namespace {

TEST(FenceKeys, EveryVipOnceOnTheInstancesInterfaceWithItsOwnFamily) {
  InstancePlan p = plan_instance(test::instance());
  VipPlan v6;
  v6.addr = IpAddress::parse("2001:db8::100").value();
  v6.prefix_len = 64;
  v6.advertised = false;
  p.vips.push_back(v6);
  p.vips.push_back(p.vips.front());  // configured twice
  const auto keys = fence_keys(p, 7);
  ASSERT_EQ(keys.size(), 2U);
  EXPECT_EQ(keys[0].ifindex, 7U);
  EXPECT_EQ(keys[0].family, XVRRP_AF_INET);
  EXPECT_EQ(from_abi(keys[0].addr, keys[0].family), IpAddress::parse("198.51.100.1").value());
  EXPECT_EQ(keys[0].addr[1] | keys[0].addr[2] | keys[0].addr[3], 0U);
  EXPECT_EQ(keys[1].family, XVRRP_AF_INET6);
  EXPECT_EQ(from_abi(keys[1].addr, keys[1].family), v6.addr);
  for (const auto& k : keys) EXPECT_EQ(k.pad[0] | k.pad[1] | k.pad[2], 0);
}

TEST(FenceKeys, AfterThreeOwnAdvertIntervals) {
  InstancePlan p = plan_instance(test::instance());
  EXPECT_EQ(fence_after_ns(p), 3'000'000'000ULL);
  p.params.advert_int_cs = 1;
  EXPECT_EQ(fence_after_ns(p), 30'000'000ULL);
}

}  // namespace
}  // namespace xvrrp::policy
