// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/rules.hpp"

#include <gtest/gtest.h>

#include "config/config.hpp"

namespace xvrrp::policy {
namespace {

using core::kNanosPerSecond;
using core::State;

IpAddress ip(const char* s) { return IpAddress::parse(s).value(); }

TEST(RateLimit, OncePerInterval) {
  RateLimit r(kNanosPerSecond);
  EXPECT_TRUE(r.allow(5));
  EXPECT_FALSE(r.allow(6));
  EXPECT_FALSE(r.allow(5 + kNanosPerSecond - 1));
  EXPECT_TRUE(r.allow(5 + kNanosPerSecond));
  EXPECT_EQ(r.suppressed(), 2U);
}

TEST(RetryBackoff, DoublesUpToTheCapAndStopsOnSuccess) {
  RetryBackoff b(kNanosPerSecond, 4 * kNanosPerSecond);
  EXPECT_FALSE(b.pending());
  EXPECT_FALSE(b.due(core::kNever - 1));
  EXPECT_EQ(b.failed(10), kNanosPerSecond);
  EXPECT_TRUE(b.pending());
  EXPECT_FALSE(b.due(10 + kNanosPerSecond - 1));
  EXPECT_TRUE(b.due(10 + kNanosPerSecond));
  EXPECT_EQ(b.failed(20), 2 * kNanosPerSecond);
  EXPECT_EQ(b.failed(30), 4 * kNanosPerSecond);
  EXPECT_EQ(b.failed(40), 4 * kNanosPerSecond);
  EXPECT_TRUE(b.due(40 + 4 * kNanosPerSecond));
  b.succeeded();
  EXPECT_FALSE(b.pending());
  EXPECT_EQ(b.failed(50), kNanosPerSecond);  // a new failure starts again from the first wait
  b.cancel();
  EXPECT_FALSE(b.due(core::kNever - 1));
}

TEST(Reclaim, OnlyAMasterThatStaysMasterAfterALowerAdvert) {
  EXPECT_TRUE(reclaim_after_lower_advert(true, State::Master, 50, 100));
  EXPECT_FALSE(reclaim_after_lower_advert(true, State::Master, 0, 100));    // resignation
  EXPECT_FALSE(reclaim_after_lower_advert(true, State::Master, 100, 100));  // equal
  EXPECT_FALSE(reclaim_after_lower_advert(true, State::Backup, 50, 100));   // lost
  EXPECT_FALSE(reclaim_after_lower_advert(false, State::Master, 50, 100));  // just won
}

TEST(ChooseSource, FirstPrimaryIpv4ThatIsNotAVip) {
  const std::vector<AddressCandidate> addrs = {
      {ip("198.51.100.1"), false, false},  // a /32 VIP listed first
      {ip("192.0.2.1"), false, false},
      {ip("192.0.2.7"), true, false},
  };
  const std::vector<IpAddress> vips = {ip("198.51.100.1")};
  EXPECT_EQ(choose_source(addrs, AF_INET, vips), ip("192.0.2.1"));
  EXPECT_EQ(choose_source(addrs, AF_INET, {}), ip("198.51.100.1"));
}

TEST(ChooseSource, SecondaryWhenNoPrimaryIsLeft) {
  const std::vector<AddressCandidate> addrs = {{ip("192.0.2.7"), true, false}};
  EXPECT_EQ(choose_source(addrs, AF_INET, {}), ip("192.0.2.7"));
  EXPECT_EQ(choose_source({}, AF_INET, {}), std::nullopt);
}

TEST(ChooseSource, Ipv6NonTentativeLinkLocalOnly) {
  const std::vector<AddressCandidate> addrs = {
      {ip("2001:db8::1"), false, false},
      {ip("fe80::1"), false, true},
      {ip("fe80::2"), false, false},
  };
  EXPECT_EQ(choose_source(addrs, AF_INET6, {}), ip("fe80::2"));
  const std::vector<IpAddress> vips = {ip("fe80::2")};
  EXPECT_EQ(choose_source(addrs, AF_INET6, vips), std::nullopt);
}

// keepalived 2.2.7 does the same (it records only scope-link IPv6 addresses of the
// interface as its source, keepalived_netlink.c), and so does RFC 5798 §5.1.2.1: a global
// address listed first, a global VIP, or global unicast peers never make the source global.
// Only unicast_src_ip does (refresh_source uses it as given).
TEST(ChooseSource, Ipv6UnicastToGlobalPeersStillLeavesFromTheLinkLocal) {
  const std::vector<AddressCandidate> addrs = {
      {ip("2001:db8::5"), false, false},
      {ip("2001:db8::100"), false, false},
      {ip("fe80::5"), false, false},
  };
  const std::vector<IpAddress> vips = {ip("2001:db8::100")};
  EXPECT_EQ(choose_source(addrs, AF_INET6, vips), ip("fe80::5"));
  // No link-local (yet, or removed): no source rather than a global one.
  const std::vector<AddressCandidate> globals = {{ip("2001:db8::5"), false, false}};
  EXPECT_EQ(choose_source(globals, AF_INET6, {}), std::nullopt);
  // Never an IPv4 address for an IPv6 instance, nor the reverse.
  const std::vector<AddressCandidate> mixed = {{ip("192.0.2.5"), false, false},
                                               {ip("fe80::5"), false, false}};
  EXPECT_EQ(choose_source(mixed, AF_INET6, {}), ip("fe80::5"));
  EXPECT_EQ(choose_source(mixed, AF_INET, {}), ip("192.0.2.5"));
}

TEST(RealtimePriority, SubSecondAdvertsOrBfdIntervalsAskForIt) {
  config::Config cfg;
  config::Instance slow;
  slow.advert_int_cs = 100;
  cfg.instances.push_back(slow);
  EXPECT_EQ(realtime_priority(cfg, 0), -1);  // the article's pair: 1 s adverts, no BFD
  config::BfdInstance bfd;
  bfd.min_tx_us = bfd.min_rx_us = 1000000;
  cfg.bfd_instances.push_back(bfd);
  EXPECT_EQ(realtime_priority(cfg, 0), -1);
  // master_bfd at 10 ms x 3 beside 1 s adverts: the peer declares us Down after 30 ms.
  cfg.bfd_instances.back().min_tx_us = 10000;
  EXPECT_EQ(realtime_priority(cfg, 0), kDefaultRealtimePriority);
  cfg.bfd_instances.back().min_tx_us = 1000000;
  cfg.bfd_instances.back().min_rx_us = 10000;
  EXPECT_EQ(realtime_priority(cfg, 0), kDefaultRealtimePriority);
  cfg.bfd_instances.clear();
  cfg.instances.back().advert_int_cs = 1;
  EXPECT_EQ(realtime_priority(cfg, 0), kDefaultRealtimePriority);
  // The operator's --realtime-priority wins either way (0 on the command line is -1 here).
  EXPECT_EQ(realtime_priority(cfg, -1), -1);
  EXPECT_EQ(realtime_priority(cfg, 50), 50);
  cfg.instances.back().advert_int_cs = 100;
  EXPECT_EQ(realtime_priority(cfg, 5), 5);
}

}  // namespace
}  // namespace xvrrp::policy
