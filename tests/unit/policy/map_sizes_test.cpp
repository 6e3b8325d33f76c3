// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/map_sizes.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "config/config.hpp"
#include "xvrrp/abi.h"

namespace xvrrp::policy {
namespace {

MapSizes sized(std::size_t instances, std::size_t peers) {
  auto r = size_maps(instances, peers);
  EXPECT_TRUE(std::holds_alternative<MapSizes>(r)) << std::get<std::string>(r);
  return std::get<MapSizes>(r);
}

bool power_of_two(std::uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

TEST(MapSizes, RecordIsTheEventPlusTheRingHeader) {
  EXPECT_EQ(ring_record_bytes(), sizeof(xvrrp_advert_event) + 8);
  EXPECT_EQ(ring_record_bytes() % 8, 0u);
}

TEST(MapSizes, SmallConfigurationsKeepTheCompiledSizes) {
  EXPECT_EQ(sized(0, 0), default_map_sizes());
  EXPECT_EQ(sized(1, 1), default_map_sizes());
  // 255 instances: two records each still fit in the compiled 64 KiB ring.
  EXPECT_EQ(sized(255, 255), default_map_sizes());
  EXPECT_EQ(default_map_sizes().ring_bytes, static_cast<std::uint32_t>(XVRRP_EVENTS_BYTES));
}

// Every instance changing at once must fit in the ring, with room for a
// reload that rebuilds all of them (twice the instances in the tables).
TEST(MapSizes, EveryInstanceFitsTwiceFromOneToTheLimit) {
  for (std::size_t n : {1u, 254u, 255u, 256u, 273u, 510u, 1020u, 1024u, 4097u, 16384u}) {
    const MapSizes s = sized(n, n);
    SCOPED_TRACE(n);
    EXPECT_GE(ring_burst_capacity(s), 2 * n);
    EXPECT_TRUE(power_of_two(s.ring_bytes));
    EXPECT_GE(s.ring_bytes, static_cast<std::uint32_t>(XVRRP_EVENTS_BYTES));
    // Not more than twice what two records per instance need.
    if (s.ring_bytes > XVRRP_EVENTS_BYTES) {
      EXPECT_LT(s.ring_bytes, 4 * n * ring_record_bytes());
    }
    EXPECT_GE(s.instances, 2 * n);
    EXPECT_GE(s.instances, static_cast<std::uint32_t>(XVRRP_MAX_INSTANCES));
    EXPECT_EQ(s.counters - s.instances,
              static_cast<std::uint32_t>(XVRRP_COUNTER_ENTRIES - XVRRP_MAX_INSTANCES));
    EXPECT_GE(s.peers, 2 * n);
    EXPECT_GE(s.jitter_peers, 2 * n);
    EXPECT_EQ(s.vips, static_cast<std::uint32_t>(XVRRP_MAX_VIPS));
    EXPECT_EQ(ring_burst_problem(s, n), std::nullopt);
  }
}

TEST(MapSizes, FourLinksOf255) {
  const MapSizes s = sized(1020, 1020);
  EXPECT_EQ(s.ring_bytes, 256u * 1024);
  EXPECT_EQ(s.instances, 2040u);
}

TEST(MapSizes, BeyondTheLimitsIsRefusedNamingThem) {
  auto r = size_maps(XVRRP_INSTANCES_LIMIT + 1, 0);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find("XVRRP_INSTANCES_LIMIT"), std::string::npos);
  EXPECT_NE(std::get<std::string>(r).find(std::to_string(XVRRP_INSTANCES_LIMIT + 1)),
            std::string::npos);
  r = size_maps(1, XVRRP_PEERS_LIMIT + 1);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find("XVRRP_PEERS_LIMIT"), std::string::npos);
  r = size_maps(1, 1, XVRRP_VIPS_LIMIT + 1);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find("XVRRP_VIPS_LIMIT"), std::string::npos);
}

TEST(MapSizes, AReloadBeyondTheBurstIsNamed) {
  const MapSizes s = sized(255, 255);
  const std::size_t fits = ring_burst_capacity(s);
  EXPECT_EQ(ring_burst_problem(s, fits), std::nullopt);
  const auto problem = ring_burst_problem(s, fits + 1);
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find(std::to_string(fits + 1) + " are configured"), std::string::npos);
}

TEST(MapSizes, ConfigurationCountsEveryInstancesPeers) {
  std::vector<config::Instance> instances(1000);
  for (auto& in : instances) {
    in.unicast_peers.resize(3);
    in.vips.resize(2);
  }
  const auto r = size_maps(instances);
  ASSERT_TRUE(std::holds_alternative<MapSizes>(r));
  EXPECT_EQ(std::get<MapSizes>(r).peers, 6000u);
  EXPECT_EQ(std::get<MapSizes>(r).vips, 4000u);
  auto expected = size_maps(1000, 3000, 2000);
  ASSERT_TRUE(std::holds_alternative<MapSizes>(expected));
  EXPECT_EQ(std::get<MapSizes>(r), std::get<MapSizes>(expected));
}

}  // namespace
}  // namespace xvrrp::policy
