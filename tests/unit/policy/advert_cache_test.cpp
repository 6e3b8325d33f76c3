// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/advert_cache.hpp"

#include <gtest/gtest.h>

#include "test_config.hpp"

namespace xvrrp::policy {
namespace {

IpAddress ip(const char* s) { return IpAddress::parse(s).value(); }

TEST(AdvertCache, SteadyStateEncodesOnce) {
  const config::Instance cfg = test::instance();
  const InstancePlan plan = plan_instance(cfg);
  AdvertCache cache;
  cache.set_content(cfg, plan);
  const auto first = cache.get(0, ip("192.0.2.1"), ip("192.0.2.2"), 100);
  ASSERT_FALSE(first.empty());
  for (int i = 0; i < 10; ++i) cache.get(0, ip("192.0.2.1"), ip("192.0.2.2"), 100);
  EXPECT_EQ(cache.encodes(), 1U);
  const auto bytes = std::vector<std::uint8_t>(first.begin(), first.end());
  packet::Advert expected;
  expected.version = 2;
  expected.vrid = 100;
  expected.priority = 100;
  expected.addrs = {ip("198.51.100.1")};
  EXPECT_EQ(bytes, packet::encode(expected, ip("192.0.2.1"), ip("192.0.2.2")));
}

TEST(AdvertCache, PrioritySourceAndContentChangesReencode) {
  config::Instance cfg = test::instance();
  AdvertCache cache;
  cache.set_content(cfg, plan_instance(cfg));
  cache.get(0, ip("192.0.2.1"), ip("192.0.2.2"), 100);
  EXPECT_EQ(cache.get(0, ip("192.0.2.1"), ip("192.0.2.2"), 0)[2], 0);  // priority byte
  cache.get(0, ip("192.0.2.9"), ip("192.0.2.2"), 0);
  EXPECT_EQ(cache.encodes(), 3U);
  cfg.priority = 110;
  cache.set_content(cfg, plan_instance(cfg));
  cache.get(0, ip("192.0.2.9"), ip("192.0.2.2"), 0);
  EXPECT_EQ(cache.encodes(), 4U);
}

TEST(AdvertCache, OneEntryPerDestination) {
  config::Instance cfg = test::instance();
  cfg.version = 3;  // v3's checksum covers the destination
  cfg.unicast_peers.push_back({ip("192.0.2.3"), 0, 255});
  const InstancePlan plan = plan_instance(cfg);
  AdvertCache cache;
  cache.set_content(cfg, plan);
  for (int round = 0; round < 3; ++round)
    for (std::size_t i = 0; i < plan.destinations.size(); ++i)
      cache.get(i, ip("192.0.2.1"), plan.destinations[i], 100);
  EXPECT_EQ(cache.encodes(), 2U);
  const auto a = cache.get(0, ip("192.0.2.1"), plan.destinations[0], 100);
  const auto a_bytes = std::vector<std::uint8_t>(a.begin(), a.end());
  const auto b = cache.get(1, ip("192.0.2.1"), plan.destinations[1], 100);
  EXPECT_NE(a_bytes, std::vector<std::uint8_t>(b.begin(), b.end()));
}

TEST(AdvertCache, ContentThatGrowsIsEncodedWholeUpToTheLimit) {
  config::Instance cfg = test::instance();
  cfg.version = 3;
  AdvertCache cache;
  cache.set_content(cfg, plan_instance(cfg));
  ASSERT_FALSE(cache.get(0, ip("192.0.2.1"), ip("192.0.2.2"), 100).empty());
  // 100 more addresses: the entry's buffer, sized to the first message, must grow.
  for (int i = 2; i <= 101; ++i) {
    config::Vip v = cfg.vips.front();
    v.addr = ip(("198.51.100." + std::to_string(i)).c_str());
    cfg.vips.push_back(v);
  }
  const InstancePlan plan = plan_instance(cfg);
  cache.set_content(cfg, plan);
  const auto grown = cache.get(0, ip("192.0.2.1"), ip("192.0.2.2"), 100);
  packet::Advert expected;
  expected.version = 3;
  expected.vrid = cfg.vrid;
  expected.priority = 100;
  expected.advert_int_cs = cfg.advert_int_cs;
  expected.addrs = plan.advertised;
  EXPECT_EQ(std::vector<std::uint8_t>(grown.begin(), grown.end()),
            packet::encode(expected, ip("192.0.2.1"), ip("192.0.2.2")));
  // 8 + 87 x 16 = 1400 bytes fits kMaxMessage; 88 addresses do not, and say so.
  auto v6 = [&](int n) {
    config::Instance c = test::instance();
    c.version = 3;
    c.vips.clear();
    for (int i = 1; i <= n; ++i) {
      config::Vip v;
      v.addr = ip(("2001:db8::" + std::to_string(i)).c_str());
      v.prefix_len = 128;
      c.vips.push_back(v);
    }
    return c;
  };
  const config::Instance fits = v6(87), over = v6(88);
  cache.set_content(fits, plan_instance(fits));
  EXPECT_EQ(cache.get(0, ip("fe80::1"), ip("ff02::12"), 100).size(), AdvertCache::kMaxMessage);
  cache.set_content(over, plan_instance(over));
  EXPECT_TRUE(cache.get(0, ip("fe80::1"), ip("ff02::12"), 100).empty());
  EXPECT_NE(cache.problem(), nullptr);
}

TEST(AdvertCache, FamilyMismatchIsAProblemNotACrash) {
  const config::Instance cfg = test::instance();
  AdvertCache cache;
  cache.set_content(cfg, plan_instance(cfg));
  EXPECT_TRUE(cache.get(0, ip("2001:db8::1"), ip("192.0.2.2"), 100).empty());
  EXPECT_NE(cache.problem(), nullptr);
}

}  // namespace
}  // namespace xvrrp::policy
