// SPDX-License-Identifier: GPL-2.0-or-later
// Byte layout of every include/xvrrp/abi.h struct, as the BPF side (clang -target bpf)
// lays it out: any drift here silently corrupts map reads.
#include <gtest/gtest.h>

#include <cstddef>
#include <type_traits>

#include "xvrrp/abi.h"

namespace {

template <typename T>
constexpr bool kAbiSafe = std::is_trivially_copyable_v<T>&& std::is_standard_layout_v<T>;

TEST(AbiLayout, VridKey) {
  static_assert(kAbiSafe<xvrrp_vrid_key>);
  EXPECT_EQ(sizeof(xvrrp_vrid_key), 8u);
  EXPECT_EQ(offsetof(xvrrp_vrid_key, ifindex), 0u);
  EXPECT_EQ(offsetof(xvrrp_vrid_key, vrid), 4u);
  EXPECT_EQ(offsetof(xvrrp_vrid_key, family), 5u);
  EXPECT_EQ(offsetof(xvrrp_vrid_key, pad), 6u);
}

TEST(AbiLayout, VridConfig) {
  static_assert(kAbiSafe<xvrrp_vrid_config>);
  EXPECT_EQ(sizeof(xvrrp_vrid_config), 16u);
  EXPECT_EQ(offsetof(xvrrp_vrid_config, version), 0u);
  EXPECT_EQ(offsetof(xvrrp_vrid_config, auth_type), 1u);
  EXPECT_EQ(offsetof(xvrrp_vrid_config, min_ttl), 2u);
  EXPECT_EQ(offsetof(xvrrp_vrid_config, max_ttl), 3u);
  EXPECT_EQ(offsetof(xvrrp_vrid_config, advert_int_cs), 4u);
  EXPECT_EQ(offsetof(xvrrp_vrid_config, flags), 6u);
  EXPECT_EQ(offsetof(xvrrp_vrid_config, auth_pass), 8u);
  EXPECT_EQ(sizeof(xvrrp_vrid_config::auth_pass), static_cast<size_t>(XVRRP_AUTH_PASS_LEN));
}

TEST(AbiLayout, PeerKeyAndValue) {
  static_assert(kAbiSafe<xvrrp_peer_key>);
  static_assert(kAbiSafe<xvrrp_peer_value>);
  EXPECT_EQ(sizeof(xvrrp_peer_key), 24u);
  EXPECT_EQ(offsetof(xvrrp_peer_key, vrid), 0u);
  EXPECT_EQ(offsetof(xvrrp_peer_key, addr), 8u);
  EXPECT_EQ(sizeof(xvrrp_peer_key::addr), 16u);
  EXPECT_EQ(sizeof(xvrrp_peer_value), 8u);
  EXPECT_EQ(offsetof(xvrrp_peer_value, min_ttl), 0u);
  EXPECT_EQ(offsetof(xvrrp_peer_value, max_ttl), 1u);
  EXPECT_EQ(offsetof(xvrrp_peer_value, pad), 2u);
  EXPECT_EQ(offsetof(xvrrp_peer_value, flags), 4u);
}

TEST(AbiLayout, AdvertEvent) {
  static_assert(kAbiSafe<xvrrp_advert_event>);
  EXPECT_EQ(sizeof(xvrrp_advert_event), 112u);
  EXPECT_EQ(offsetof(xvrrp_advert_event, ts_ns), 0u);
  EXPECT_EQ(offsetof(xvrrp_advert_event, ifindex), 8u);
  EXPECT_EQ(offsetof(xvrrp_advert_event, family), 12u);
  EXPECT_EQ(offsetof(xvrrp_advert_event, version), 13u);
  EXPECT_EQ(offsetof(xvrrp_advert_event, vrid), 14u);
  EXPECT_EQ(offsetof(xvrrp_advert_event, priority), 15u);
  EXPECT_EQ(offsetof(xvrrp_advert_event, src), 16u);
  EXPECT_EQ(offsetof(xvrrp_advert_event, advert_int_cs), 32u);
  EXPECT_EQ(offsetof(xvrrp_advert_event, naddrs), 34u);
  EXPECT_EQ(offsetof(xvrrp_advert_event, flags), 35u);
  EXPECT_EQ(offsetof(xvrrp_advert_event, addr_hash), 36u);
  EXPECT_EQ(offsetof(xvrrp_advert_event, ttl), 40u);
  EXPECT_EQ(offsetof(xvrrp_advert_event, pad), 41u);
  EXPECT_EQ(offsetof(xvrrp_advert_event, addrs), 48u);
  EXPECT_EQ(sizeof(xvrrp_advert_event::addrs), 4u * XVRRP_EVENT_ADDR_WORDS);
}

TEST(AbiLayout, Counters) {
  static_assert(kAbiSafe<xvrrp_counters>);
  EXPECT_EQ(sizeof(xvrrp_counters), 112u);
  EXPECT_EQ(offsetof(xvrrp_counters, accepted), 0u);
  EXPECT_EQ(offsetof(xvrrp_counters, suppressed), 8u);
  EXPECT_EQ(offsetof(xvrrp_counters, rejected), 16u);
  EXPECT_EQ(sizeof(xvrrp_counters::rejected), 8u * XVRRP_REJECT_MAX);
  EXPECT_EQ(sizeof(xvrrp_counters) % 16, 0u);
}

TEST(AbiLayout, Jitter) {
  static_assert(kAbiSafe<xvrrp_jitter>);
  EXPECT_EQ(sizeof(xvrrp_jitter), 288u);
  EXPECT_EQ(offsetof(xvrrp_jitter, last_ns), 0u);
  EXPECT_EQ(offsetof(xvrrp_jitter, samples), 8u);
  EXPECT_EQ(offsetof(xvrrp_jitter, bucket), 16u);
  EXPECT_EQ(sizeof(xvrrp_jitter::bucket), 8u * XVRRP_JITTER_BUCKETS);
}

TEST(AbiLayout, LastSeen) {
  static_assert(kAbiSafe<xvrrp_last_seen>);
  EXPECT_EQ(sizeof(xvrrp_last_seen), 40u);
  EXPECT_EQ(offsetof(xvrrp_last_seen, ts_ns), 0u);
  EXPECT_EQ(offsetof(xvrrp_last_seen, count), 8u);
  EXPECT_EQ(offsetof(xvrrp_last_seen, src), 16u);
  EXPECT_EQ(offsetof(xvrrp_last_seen, addr_hash), 32u);
  EXPECT_EQ(offsetof(xvrrp_last_seen, advert_int_cs), 36u);
  EXPECT_EQ(offsetof(xvrrp_last_seen, priority), 38u);
  EXPECT_EQ(offsetof(xvrrp_last_seen, naddrs), 39u);
}

TEST(AbiLayout, Meta) {
  static_assert(kAbiSafe<xvrrp_meta>);
  EXPECT_EQ(sizeof(xvrrp_meta), 16u);
  EXPECT_EQ(offsetof(xvrrp_meta, abi_version), 0u);
  EXPECT_EQ(offsetof(xvrrp_meta, daemon_pid), 4u);
  EXPECT_EQ(offsetof(xvrrp_meta, started_ns), 8u);
}

TEST(AbiLayout, CounterEntriesHoldEveryInstanceAndTheNotOursEntries) {
  EXPECT_GE(XVRRP_COUNTER_ENTRIES, XVRRP_MAX_INSTANCES + 2);
  EXPECT_EQ(XVRRP_VRID_NOT_OURS, 0);
  EXPECT_EQ(XVRRP_REJECT_MAX, 12);
  EXPECT_EQ(XVRRP_REJECT_BAD_DEST, XVRRP_REJECT_MAX - 1);
}

}  // namespace
