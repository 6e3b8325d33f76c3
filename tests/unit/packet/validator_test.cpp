// SPDX-License-Identifier: GPL-2.0-or-later
// Receive validator: one test per reject reason, accepted event contents, VLAN/QinQ,
// IPv4 options, Ethernet padding, truncation at every length, non-VRRP traffic.
#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/packet.hpp"

namespace xvrrp::packet {
namespace {

using Bytes = std::vector<std::uint8_t>;
using Kind = Verdict::Kind;

constexpr std::uint32_t kIfindex = 7;
constexpr std::uint64_t kTs = 123456789;

IpAddress ip(const char* text) {
  auto a = IpAddress::parse(text);
  if (!a) throw std::invalid_argument(text);
  return *a;
}

// vrid + 256 for IPv6: which counters entry (on kIfindex) a verdict names.
std::uint32_t slot_of(const Verdict& v) {
  return v.counter_key.vrid + (v.counter_key.family == XVRRP_AF_INET6 ? 256u : 0u);
}

std::string describe(const Verdict& v) {
  switch (v.kind) {
    case Kind::NotVrrp:
      return "NotVrrp";
    case Kind::NotOurs:
      return std::string("NotOurs ") + reject_reason_name(v.reason);
    case Kind::Accepted:
      return "Accepted";
    case Kind::Rejected:
      return std::string("Rejected ") + reject_reason_name(v.reason) + " slot " +
             std::to_string(slot_of(v));
  }
  return "?";
}

#define EXPECT_NOT_OURS(verdict, why)                  \
  do {                                                 \
    const Verdict v_ = (verdict);                      \
    EXPECT_EQ(v_.kind, Kind::NotOurs) << describe(v_); \
    EXPECT_EQ(v_.reason, (why)) << describe(v_);       \
  } while (0)

#define EXPECT_REJECTED(verdict, why, slot)             \
  do {                                                  \
    const Verdict v_ = (verdict);                       \
    EXPECT_EQ(v_.kind, Kind::Rejected) << describe(v_); \
    EXPECT_EQ(v_.reason, (why)) << describe(v_);        \
    EXPECT_EQ(slot_of(v_), (slot)) << describe(v_);     \
  } while (0)

void patch_be16(Bytes& f, std::size_t off, std::uint16_t v) {
  f[off] = static_cast<std::uint8_t>(v >> 8);
  f[off + 1] = static_cast<std::uint8_t>(v);
}

class ValidatorTest : public ::testing::Test {
 protected:
  // The article's server-1 as seen by server-2: v2 unicast 192.0.2.5 -> 192.0.2.6.
  void SetUp() override {
    v2.version = 2;
    v2.vrid = 100;
    v2.priority = 100;
    v2.advert_int_cs = 100;
    v2.auth_type = XVRRP_AUTH_PASS;
    std::memcpy(v2.auth_data.data(), "4h[-/BhJ", 8);
    v2.addrs = {ip("192.0.2.100")};

    v2_cfg.version = 2;
    v2_cfg.auth_type = XVRRP_AUTH_PASS;
    v2_cfg.advert_int_cs = 100;
    std::memcpy(v2_cfg.auth_pass, "4h[-/BhJ", 8);
    tables.set_vrid(make_vrid_key(kIfindex, 100, AF_INET), v2_cfg);

    v3.version = 3;
    v3.vrid = 50;
    v3.priority = 150;
    v3.advert_int_cs = 35;
    v3.addrs = {ip("2001:db8::100"), ip("2001:db8::101")};
    v3_cfg.version = 3;
    v3_cfg.advert_int_cs = 100;  // v3 never compares intervals
    tables.set_vrid(make_vrid_key(kIfindex, 50, AF_INET6), v3_cfg);

    v3v4 = v3;
    v3v4.addrs = {ip("198.51.100.10")};
    tables.set_vrid(make_vrid_key(kIfindex, 50, AF_INET), v3_cfg);
  }

  Verdict check(const Bytes& frame) const { return validate_frame(frame, kIfindex, kTs, tables); }

  Bytes v2_frame(const FrameOptions& opts = {}) const {
    return build_advert_frame(opts, v2, ip("192.0.2.5"), ip("224.0.0.18"));
  }
  Bytes v3_v6_frame(const FrameOptions& opts = {}) const {
    return build_advert_frame(opts, v3, ip("fe80::5"), ip("ff02::12"));
  }
  Bytes v3_v4_frame(ChecksumMode mode, const FrameOptions& opts = {}) const {
    return build_advert_frame(opts, v3v4, ip("198.51.100.5"), ip("224.0.0.18"), mode);
  }

  MapTables tables;
  Advert v2, v3, v3v4;
  xvrrp_vrid_config v2_cfg{}, v3_cfg{};
};

// ---- Accepted ---------------------------------------------------------------

TEST_F(ValidatorTest, AcceptsArticleV2AndFillsEvent) {
  const Verdict v = check(v2_frame());
  ASSERT_EQ(v.kind, Kind::Accepted) << describe(v);
  EXPECT_EQ(v.reason, -1);
  EXPECT_EQ(slot_of(v), 100u);
  const xvrrp_advert_event& e = v.event;
  EXPECT_EQ(e.ts_ns, kTs);
  EXPECT_EQ(e.ifindex, kIfindex);
  EXPECT_EQ(e.family, XVRRP_AF_INET);
  EXPECT_EQ(e.version, 2);
  EXPECT_EQ(e.vrid, 100);
  EXPECT_EQ(e.priority, 100);
  EXPECT_EQ(e.src[0], ip("192.0.2.5").v4_be());
  EXPECT_EQ(e.src[1] | e.src[2] | e.src[3], 0u);
  EXPECT_EQ(e.advert_int_cs, 100);
  EXPECT_EQ(e.naddrs, 1);
  EXPECT_EQ(e.flags, 0);
  EXPECT_EQ(e.ttl, 255);
  EXPECT_EQ(e.addrs[0], ip("192.0.2.100").v4_be());
  for (int i = 1; i < XVRRP_EVENT_ADDR_WORDS; ++i) EXPECT_EQ(e.addrs[i], 0u) << i;
  if constexpr (std::endian::native == std::endian::little) {
    EXPECT_EQ(e.addr_hash, 0xb4312edfu);  // FNV-1a of word 0x640200c0, computed by hand
  }
  for (std::uint8_t b : e.pad) EXPECT_EQ(b, 0);
}

TEST_F(ValidatorTest, AcceptsV3Ipv6WithPseudoHeaderFlag) {
  const Verdict v = check(v3_v6_frame());
  ASSERT_EQ(v.kind, Kind::Accepted) << describe(v);
  EXPECT_EQ(slot_of(v), 256u + 50u);
  EXPECT_EQ(v.event.family, XVRRP_AF_INET6);
  EXPECT_EQ(v.event.version, 3);
  EXPECT_EQ(v.event.priority, 150);
  EXPECT_EQ(v.event.advert_int_cs, 35);  // the packet's value, not the config's
  EXPECT_EQ(v.event.naddrs, 2);
  EXPECT_EQ(v.event.flags, XVRRP_EVT_V3_PSEUDO_CSUM);
  EXPECT_EQ(0, std::memcmp(v.event.src, ip("fe80::5").bytes.data(), 16));
  EXPECT_EQ(0, std::memcmp(v.event.addrs, ip("2001:db8::100").bytes.data(), 16));
  EXPECT_EQ(0, std::memcmp(&v.event.addrs[4], ip("2001:db8::101").bytes.data(), 16));
  for (int i = 8; i < XVRRP_EVENT_ADDR_WORDS; ++i) EXPECT_EQ(v.event.addrs[i], 0u) << i;
}

TEST_F(ValidatorTest, AcceptsV3Ipv4BothChecksumForms) {
  Verdict v = check(v3_v4_frame(ChecksumMode::Auto));
  ASSERT_EQ(v.kind, Kind::Accepted) << describe(v);
  EXPECT_EQ(slot_of(v), 50u);
  EXPECT_EQ(v.event.flags, XVRRP_EVT_V3_PSEUDO_CSUM);
  v = check(v3_v4_frame(ChecksumMode::V3NoPseudo));
  ASSERT_EQ(v.kind, Kind::Accepted) << describe(v);
  EXPECT_EQ(v.event.flags, 0);
}

TEST_F(ValidatorTest, EventCopiesOnlyFirst64AddressBytesButHashesAll) {
  v3.addrs.clear();
  for (int i = 0; i < 6; ++i) {
    IpAddress a = ip("2001:db8::");
    a.bytes[15] = static_cast<std::uint8_t>(i + 1);
    v3.addrs.push_back(a);
  }
  const Verdict v = check(v3_v6_frame());
  ASSERT_EQ(v.kind, Kind::Accepted) << describe(v);
  EXPECT_EQ(v.event.naddrs, 6);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(0, std::memcmp(&v.event.addrs[4 * i], v3.addrs[i].bytes.data(), 16)) << i;
  }
  Bytes list;
  for (const auto& a : v3.addrs) list.insert(list.end(), a.bytes.begin(), a.bytes.end());
  EXPECT_EQ(v.event.addr_hash, addr_hash(list));
  EXPECT_NE(v.event.addr_hash, addr_hash(std::span(list).first(64)));
}

TEST_F(ValidatorTest, VlanTaggedFramesAreNotOursToJudge) {
  FrameOptions opts;
  opts.vlan_tcis = {100};
  EXPECT_EQ(check(v2_frame(opts)).kind, Kind::NotVrrp);
  opts.vlan_tpids = {0x88a8, 0x8100};
  opts.vlan_tcis = {200, 100};
  EXPECT_EQ(check(v3_v6_frame(opts)).kind, Kind::NotVrrp);
}

TEST_F(ValidatorTest, ThreeVlanTagsAreNotVrrp) {
  FrameOptions opts;
  opts.vlan_tpids = {0x88a8, 0x8100, 0x8100};
  opts.vlan_tcis = {1, 2, 3};
  EXPECT_EQ(check(v2_frame(opts)).kind, Kind::NotVrrp);
}

TEST_F(ValidatorTest, AcceptsIpv4Options) {
  FrameOptions opts;
  opts.ipv4_options = {0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00};  // RA + NOPs + EOL
  const Verdict v = check(v2_frame(opts));
  ASSERT_EQ(v.kind, Kind::Accepted) << describe(v);
  EXPECT_EQ(v.event.addrs[0], ip("192.0.2.100").v4_be());
}

TEST_F(ValidatorTest, EthernetPaddingIsTolerated) {
  FrameOptions opts;
  opts.pad_to = 60;
  Bytes f = v2_frame(opts);
  ASSERT_EQ(f.size(), 60u);
  f[59] = 0xee;  // padding content does not matter
  EXPECT_EQ(check(f).kind, Kind::Accepted) << describe(check(f));
}

TEST_F(ValidatorTest, ValidateIpWithoutEthernet) {
  const Bytes msg = encode(v2, ip("192.0.2.5"), ip("224.0.0.18"));
  std::array<std::uint8_t, 128> buf{};
  const std::size_t n = build_ipv4_into(ip("192.0.2.5"), ip("224.0.0.18"), 255, 112, msg, buf);
  ASSERT_GT(n, 0u);
  Verdict v = validate_ip(std::span(buf).first(n), kIfindex, kTs, tables);
  ASSERT_EQ(v.kind, Kind::Accepted) << describe(v);
  EXPECT_EQ(v.event.flags, 0);
  EXPECT_EQ(v.event.vrid, 100);

  const Bytes msg6 = encode(v3, ip("fe80::5"), ip("ff02::12"));
  const std::size_t n6 = build_ipv6_into(ip("fe80::5"), ip("ff02::12"), 255, 112, msg6, buf);
  v = validate_ip(std::span(buf).first(n6), kIfindex, kTs, tables);
  ASSERT_EQ(v.kind, Kind::Accepted) << describe(v);
  EXPECT_EQ(slot_of(v), 306u);

  buf[0] = 0x55;  // version 5
  EXPECT_EQ(validate_ip(std::span(buf).first(n6), kIfindex, kTs, tables).kind, Kind::NotVrrp);
  EXPECT_EQ(validate_ip({}, kIfindex, kTs, tables).kind, Kind::NotVrrp);
}

TEST_F(ValidatorTest, WrongIfindexIsNotOurs) {
  const Verdict v = validate_frame(v2_frame(), kIfindex + 1, kTs, tables);
  EXPECT_NOT_OURS(v, XVRRP_REJECT_UNKNOWN_VRID);
}

// ---- One test per reject reason -----------------------------------------------

TEST_F(ValidatorTest, TooShortIpv4HeaderLength) {
  Bytes f = v2_frame();
  f[14] = 0x44;  // IHL 4: where the VRID is cannot be told
  EXPECT_NOT_OURS(check(f), XVRRP_REJECT_TOO_SHORT);
  f[14] = 0x4f;  // IHL 15: 60-byte header, more than the frame holds
  EXPECT_NOT_OURS(check(f), XVRRP_REJECT_TOO_SHORT);
}

TEST_F(ValidatorTest, TooShortVrrpMessage) {
  const Bytes f = build_frame({}, ip("192.0.2.5"), ip("224.0.0.18"), 112, Bytes{0x21, 100, 100, 0});
  EXPECT_REJECTED(check(f), XVRRP_REJECT_TOO_SHORT, 100u);
  const Bytes f6 =
      build_frame({}, ip("fe80::5"), ip("ff02::12"), 112, Bytes{0x31, 50, 0, 0, 0, 0, 0});
  EXPECT_REJECTED(check(f6), XVRRP_REJECT_TOO_SHORT, 306u);
  // One byte: the VRID is not there.
  EXPECT_NOT_OURS(check(build_frame({}, ip("fe80::5"), ip("ff02::12"), 112, Bytes{0x31})),
                  XVRRP_REJECT_TOO_SHORT);
}

TEST_F(ValidatorTest, BadTtlMulticast) {
  FrameOptions opts;
  opts.ttl = 254;
  EXPECT_REJECTED(check(v2_frame(opts)), XVRRP_REJECT_BAD_TTL, 100u);
  opts.ipv6_hop_limit = 1;
  EXPECT_REJECTED(check(v3_v6_frame(opts)), XVRRP_REJECT_BAD_TTL, 306u);
}

TEST_F(ValidatorTest, BadTtlUnicastRange) {
  v2_cfg.flags = XVRRP_CFG_UNICAST;
  v2_cfg.min_ttl = 250;
  v2_cfg.max_ttl = 254;
  tables.set_vrid(make_vrid_key(kIfindex, 100, AF_INET), v2_cfg);
  FrameOptions opts;
  for (int ttl : {250, 252, 254}) {
    opts.ttl = static_cast<std::uint8_t>(ttl);
    EXPECT_EQ(check(v2_frame(opts)).kind, Kind::Accepted) << ttl;
  }
  for (int ttl : {0, 249, 255}) {
    opts.ttl = static_cast<std::uint8_t>(ttl);
    EXPECT_REJECTED(check(v2_frame(opts)), XVRRP_REJECT_BAD_TTL, 100u);
  }
}

TEST_F(ValidatorTest, BadVersion) {
  v2.version = 3;  // a v3 advert for a v2 instance
  EXPECT_REJECTED(check(v2_frame()), XVRRP_REJECT_BAD_VERSION, 100u);
}

TEST_F(ValidatorTest, BadType) {
  v2.type = 2;
  EXPECT_REJECTED(check(v2_frame()), XVRRP_REJECT_BAD_TYPE, 100u);
}

TEST_F(ValidatorTest, BadChecksumV2) {
  Bytes f = v2_frame();
  f[14 + 20 + 7] ^= 0x01;
  EXPECT_REJECTED(check(f), XVRRP_REJECT_BAD_CHECKSUM, 100u);
}

TEST_F(ValidatorTest, BadChecksumV2DoesNotAcceptPseudoHeaderForm) {
  // A v2 message checksummed as v3-with-pseudo-header must not pass as v2.
  Bytes f = v2_frame();
  const std::size_t msg_off = 14 + 20;
  f[msg_off + 6] = f[msg_off + 7] = 0;
  const std::uint16_t c =
      internet_checksum(std::span(f).subspan(msg_off, 20),
                        pseudo_header_sum(ip("192.0.2.5"), ip("224.0.0.18"), 112, 20));
  patch_be16(f, msg_off + 6, c);
  EXPECT_REJECTED(check(f), XVRRP_REJECT_BAD_CHECKSUM, 100u);
}

TEST_F(ValidatorTest, BadChecksumV3Ipv4) {
  Bytes f = v3_v4_frame(ChecksumMode::Auto);
  f[14 + 20 + 6] ^= 0x80;
  EXPECT_REJECTED(check(f), XVRRP_REJECT_BAD_CHECKSUM, 50u);
}

TEST_F(ValidatorTest, BadChecksumV3Ipv6WithoutPseudoHeader) {
  const Bytes f =
      build_advert_frame({}, v3, ip("fe80::5"), ip("ff02::12"), ChecksumMode::V3NoPseudo);
  EXPECT_REJECTED(check(f), XVRRP_REJECT_BAD_CHECKSUM, 306u);
}

TEST_F(ValidatorTest, BadChecksumWhenPseudoHeaderAddressesDiffer) {
  // Checksummed for another destination: the pseudo-header form fails and the
  // plain form fails too.
  const Bytes msg = encode(v3v4, ip("198.51.100.5"), ip("198.51.100.6"));
  const Bytes f = build_frame({}, ip("198.51.100.5"), ip("224.0.0.18"), 112, msg);
  EXPECT_REJECTED(check(f), XVRRP_REJECT_BAD_CHECKSUM, 50u);
}

TEST_F(ValidatorTest, UnknownVridIsNotOurs) {
  v2.vrid = 99;
  EXPECT_NOT_OURS(check(v2_frame()), XVRRP_REJECT_UNKNOWN_VRID);
  v3.vrid = 255;
  EXPECT_NOT_OURS(check(v3_v6_frame()), XVRRP_REJECT_UNKNOWN_VRID);
  // Configured for IPv6 only: the same VRID over IPv4 is someone else's.
  tables.erase_vrid(make_vrid_key(kIfindex, 50, AF_INET));
  EXPECT_NOT_OURS(check(v3_v4_frame(ChecksumMode::Auto)), XVRRP_REJECT_UNKNOWN_VRID);
  // Another router's broken advert is not judged either.
  Bytes f = v2_frame();
  f[14 + 20 + 7] ^= 0x01;
  EXPECT_NOT_OURS(check(f), XVRRP_REJECT_UNKNOWN_VRID);
}

TEST_F(ValidatorTest, UnknownPeer) {
  v2_cfg.flags = XVRRP_CFG_CHECK_PEER;
  const xvrrp_vrid_key key = make_vrid_key(kIfindex, 100, AF_INET);
  tables.set_vrid(key, v2_cfg);
  tables.add_peer(make_peer_key(key, ip("192.0.2.7")));
  EXPECT_REJECTED(check(v2_frame()), XVRRP_REJECT_UNKNOWN_PEER, 100u);
  tables.add_peer(make_peer_key(key, ip("192.0.2.5")));
  EXPECT_EQ(check(v2_frame()).kind, Kind::Accepted);
  // A peer of another VRID does not count.
  tables.erase_peer(make_peer_key(key, ip("192.0.2.5")));
  tables.add_peer(make_peer_key(make_vrid_key(kIfindex, 101, AF_INET), ip("192.0.2.5")));
  EXPECT_REJECTED(check(v2_frame()), XVRRP_REJECT_UNKNOWN_PEER, 100u);
}

TEST_F(ValidatorTest, TtlRangeIsPerPeer) {
  v2_cfg.flags = XVRRP_CFG_UNICAST | XVRRP_CFG_CHECK_PEER;
  v2_cfg.min_ttl = 64;  // the hull of the peers' ranges
  v2_cfg.max_ttl = 255;
  const xvrrp_vrid_key key = make_vrid_key(kIfindex, 100, AF_INET);
  tables.set_vrid(key, v2_cfg);
  tables.add_peer(make_peer_key(key, ip("192.0.2.5")), xvrrp_peer_value{255, 255, {0, 0}, 0});
  tables.add_peer(make_peer_key(key, ip("192.0.2.7")), xvrrp_peer_value{64, 64, {0, 0}, 0});
  FrameOptions ttl64;
  ttl64.ttl = 64;
  auto from = [&](const char* src, const FrameOptions& o) {
    return check(build_advert_frame(o, v2, ip(src), ip("192.0.2.6")));
  };
  EXPECT_EQ(from("192.0.2.5", {}).kind, Kind::Accepted);
  EXPECT_REJECTED(from("192.0.2.5", ttl64), XVRRP_REJECT_BAD_TTL, 100u);
  EXPECT_EQ(from("192.0.2.7", ttl64).kind, Kind::Accepted);
  EXPECT_REJECTED(from("192.0.2.7", {}), XVRRP_REJECT_BAD_TTL, 100u);
  // A peer added without a range accepts any TTL inside the instance's.
  tables.add_peer(make_peer_key(key, ip("192.0.2.8")));
  EXPECT_EQ(from("192.0.2.8", ttl64).kind, Kind::Accepted);
}

TEST_F(ValidatorTest, UnknownPeerIpv6) {
  v3_cfg.flags = XVRRP_CFG_CHECK_PEER;
  const xvrrp_vrid_key key = make_vrid_key(kIfindex, 50, AF_INET6);
  tables.set_vrid(key, v3_cfg);
  EXPECT_REJECTED(check(v3_v6_frame()), XVRRP_REJECT_UNKNOWN_PEER, 306u);
  tables.add_peer(make_peer_key(key, ip("fe80::5")));
  EXPECT_EQ(check(v3_v6_frame()).kind, Kind::Accepted);
}

TEST_F(ValidatorTest, AuthTypeMismatch) {
  v2.auth_type = XVRRP_AUTH_NONE;
  EXPECT_REJECTED(check(v2_frame()), XVRRP_REJECT_AUTH_MISMATCH, 100u);
}

TEST_F(ValidatorTest, AuthPasswordMismatchAnyByte) {
  for (std::size_t i = 0; i < 8; ++i) {
    Advert bad = v2;
    bad.auth_data[i] ^= 0x20;
    const Bytes f = build_advert_frame({}, bad, ip("192.0.2.5"), ip("224.0.0.18"));
    EXPECT_REJECTED(check(f), XVRRP_REJECT_AUTH_MISMATCH, 100u);
  }
  // The article's full 32-character password is truncated to 8 octets on the wire.
  std::memcpy(v2.auth_data.data(), "4h[-/Bhj", 8);  // the common misreading
  EXPECT_REJECTED(check(v2_frame()), XVRRP_REJECT_AUTH_MISMATCH, 100u);
}

TEST_F(ValidatorTest, AuthNoneIgnoresAuthData) {
  v2_cfg.auth_type = XVRRP_AUTH_NONE;
  tables.set_vrid(make_vrid_key(kIfindex, 100, AF_INET), v2_cfg);
  v2.auth_type = XVRRP_AUTH_NONE;
  EXPECT_EQ(check(v2_frame()).kind, Kind::Accepted);
}

TEST_F(ValidatorTest, IntervalMismatchV2Only) {
  v2.advert_int_cs = 200;
  EXPECT_REJECTED(check(v2_frame()), XVRRP_REJECT_INTERVAL_MISMATCH, 100u);
  v3.advert_int_cs = 4095;
  EXPECT_EQ(check(v3_v6_frame()).kind, Kind::Accepted);
}

TEST_F(ValidatorTest, LengthMismatchTotalLengthBeyondFrame) {
  Bytes f = v2_frame();
  patch_be16(f, 14 + 2, static_cast<std::uint16_t>(f.size() - 14 + 1));
  patch_be16(f, 14 + 10, 0);
  patch_be16(f, 14 + 10, internet_checksum(std::span(f).subspan(14, 20)));
  EXPECT_REJECTED(check(f), XVRRP_REJECT_LENGTH_MISMATCH, 100u);
}

TEST_F(ValidatorTest, LengthMismatchTotalLengthBelowHeader) {
  Bytes f = v2_frame();
  patch_be16(f, 14 + 2, 19);  // the VRID lies outside the IP packet
  EXPECT_NOT_OURS(check(f), XVRRP_REJECT_TOO_SHORT);
}

TEST_F(ValidatorTest, LengthMismatchIpv6PayloadBeyondFrame) {
  Bytes f = v3_v6_frame();
  patch_be16(f, 14 + 4, static_cast<std::uint16_t>(f.size() - 14 - 40 + 1));
  EXPECT_REJECTED(check(f), XVRRP_REJECT_LENGTH_MISMATCH, 306u);
}

TEST_F(ValidatorTest, LengthMismatchFragments) {
  Bytes f = v2_frame();
  patch_be16(f, 14 + 6, 0x2000);  // MF: a first fragment, VRID readable
  EXPECT_REJECTED(check(f), XVRRP_REJECT_LENGTH_MISMATCH, 100u);
  patch_be16(f, 14 + 6, 0x0001);  // offset 8: no VRRP header in it
  EXPECT_NOT_OURS(check(f), XVRRP_REJECT_TOO_SHORT);
  patch_be16(f, 14 + 6, 0x4000);  // DF alone is fine (header checksum is not checked)
  EXPECT_EQ(check(f).kind, Kind::Accepted);
}

TEST_F(ValidatorTest, LengthMismatchAddressCount) {
  Bytes f = v2_frame();
  f[14 + 20 + 3] = 2;  // claims two addresses, carries one
  EXPECT_REJECTED(check(f), XVRRP_REJECT_LENGTH_MISMATCH, 100u);
  // Trailing bytes inside the IP packet are not padding.
  const Bytes msg = encode(v2, ip("192.0.2.5"), ip("224.0.0.18"));
  Bytes longer = msg;
  longer.insert(longer.end(), {0, 0, 0, 0});
  EXPECT_REJECTED(check(build_frame({}, ip("192.0.2.5"), ip("224.0.0.18"), 112, longer)),
                  XVRRP_REJECT_LENGTH_MISMATCH, 100u);
}

TEST_F(ValidatorTest, LengthMismatchAboveMaxVrrpLen) {
  v3.addrs.assign(64, ip("2001:db8::1"));  // 8 + 64 * 16 = 1032 > XVRRP_MAX_VRRP_LEN
  EXPECT_REJECTED(check(v3_v6_frame()), XVRRP_REJECT_LENGTH_MISMATCH, 306u);
  v3.addrs.resize(63);  // 1016 bytes: parsed
  EXPECT_EQ(check(v3_v6_frame()).kind, Kind::Accepted);
}

TEST(RejectReasonName, StableNames) {
  const char* expected[] = {"too_short",         "bad_ttl",         "bad_version",  "bad_type",
                            "bad_checksum",      "unknown_vrid",    "unknown_peer", "auth_mismatch",
                            "interval_mismatch", "length_mismatch", "ringbuf_full"};
  static_assert(std::size(expected) == XVRRP_REJECT_MAX);
  for (int i = 0; i < XVRRP_REJECT_MAX; ++i) EXPECT_STREQ(reject_reason_name(i), expected[i]);
  EXPECT_STREQ(reject_reason_name(-1), "invalid");
  EXPECT_STREQ(reject_reason_name(XVRRP_REJECT_MAX), "invalid");
}

TEST(AddrHash, KnownAnswers) {
  if constexpr (std::endian::native != std::endian::little) {
    GTEST_SKIP() << "known answers are for little-endian hosts (words load in host order)";
  }
  EXPECT_EQ(addr_hash({}), 0x811c9dc5u);
  EXPECT_EQ(addr_hash(Bytes{192, 0, 2, 100}), 0xb4312edfu);
  EXPECT_EQ(addr_hash(Bytes{192, 0, 2, 100, 192, 0, 2, 101}), 0x72919acdu);
}

// ---- Not VRRP -------------------------------------------------------------------

TEST_F(ValidatorTest, NonVrrpTrafficIsNotVrrp) {
  EXPECT_EQ(check(build_frame({}, ip("192.0.2.5"), ip("192.0.2.6"), 17, Bytes(30))).kind,
            Kind::NotVrrp);
  EXPECT_EQ(check(build_frame({}, ip("fe80::5"), ip("ff02::1"), 58, Bytes(30))).kind,
            Kind::NotVrrp);
  // VRRP behind an IPv6 extension header is not followed.
  Bytes hbh{112, 0, 0x05, 0x02, 0, 0, 0x01, 0x00};
  const Bytes msg = encode(v3, ip("fe80::5"), ip("ff02::12"));
  hbh.insert(hbh.end(), msg.begin(), msg.end());
  EXPECT_EQ(check(build_frame({}, ip("fe80::5"), ip("ff02::12"), 0, hbh)).kind, Kind::NotVrrp);
  // ARP.
  Bytes arp = v2_frame();
  arp[12] = 0x08;
  arp[13] = 0x06;
  EXPECT_EQ(check(arp).kind, Kind::NotVrrp);
  // A broken header of another protocol passes untouched rather than being rejected.
  Bytes udp = build_frame({}, ip("192.0.2.5"), ip("192.0.2.6"), 17, Bytes(30));
  udp[14] = 0x42;
  EXPECT_EQ(check(udp).kind, Kind::NotVrrp);
  patch_be16(udp, 14 + 6, 0x2000);
  EXPECT_EQ(check(udp).kind, Kind::NotVrrp);
  EXPECT_EQ(check(Bytes{}).kind, Kind::NotVrrp);
}

// ---- Truncation at every length -------------------------------------------------

struct TruncationCase {
  const char* name;
  Bytes frame;
  std::size_t l3_off;
  bool v6;
};

TEST_F(ValidatorTest, TruncationAtEveryLength) {
  FrameOptions options;
  options.ipv4_options = {0x94, 0x04, 0x00, 0x00};
  const TruncationCase cases[] = {
      {"v2 ipv4", v2_frame(), 14, false},
      {"v2 ipv4 options", v2_frame(options), 14, false},
      {"v3 ipv4", v3_v4_frame(ChecksumMode::Auto), 14, false},
      {"v3 ipv6", v3_v6_frame(), 14, true},
  };
  for (const auto& c : cases) {
    ASSERT_EQ(check(c.frame).kind, Kind::Accepted) << c.name;
    const std::size_t ip_hdr = c.v6 ? 40 : (c.frame[c.l3_off] & 0x0f) * 4u;
    const std::size_t proto_end = c.l3_off + (c.v6 ? 7 : 10);
    const std::uint32_t slot = c.frame[c.l3_off + ip_hdr + 1] + (c.v6 ? 256u : 0u);
    for (std::size_t len = 0; len < c.frame.size(); ++len) {
      const Verdict v = check(Bytes(c.frame.begin(), c.frame.begin() + len));
      const std::string where = std::string(c.name) + " length " + std::to_string(len);
      ASSERT_NE(v.kind, Kind::Accepted) << where;
      if (len < proto_end) {
        EXPECT_EQ(v.kind, Kind::NotVrrp) << where << ": " << describe(v);
      } else if (len < c.l3_off + ip_hdr + 2) {
        EXPECT_NOT_OURS(v, XVRRP_REJECT_TOO_SHORT);
      } else {
        EXPECT_REJECTED(v, XVRRP_REJECT_LENGTH_MISMATCH, slot);
      }
    }
  }
}

TEST_F(ValidatorTest, TruncationOfIpPacketsAtEveryLength) {
  const Bytes msg = encode(v2, ip("192.0.2.5"), ip("224.0.0.18"));
  std::array<std::uint8_t, 128> buf{};
  const std::size_t n = build_ipv4_into(ip("192.0.2.5"), ip("224.0.0.18"), 255, 112, msg, buf);
  for (std::size_t len = 0; len < n; ++len) {
    const Verdict v = validate_ip(std::span(buf).first(len), kIfindex, kTs, tables);
    if (len < 10) {
      EXPECT_EQ(v.kind, Kind::NotVrrp) << len;
    } else if (len < 22) {
      EXPECT_NOT_OURS(v, XVRRP_REJECT_TOO_SHORT);
    } else {
      EXPECT_REJECTED(v, XVRRP_REJECT_LENGTH_MISMATCH, 100u);
    }
  }
}

// Every length with tot_len patched to match keeps reasons well defined and never
// reads past the buffer (run under ASan/valgrind to see the second property).
TEST_F(ValidatorTest, ShrunkTotalLengthNeverAccepted) {
  const Bytes full = v2_frame();
  for (std::size_t msg_len = 0; msg_len < 20; ++msg_len) {
    Bytes f(full.begin(), full.begin() + 14 + 20 + msg_len);
    patch_be16(f, 14 + 2, static_cast<std::uint16_t>(20 + msg_len));
    const Verdict v = check(f);
    if (msg_len < 2) {
      EXPECT_NOT_OURS(v, XVRRP_REJECT_TOO_SHORT);
    } else if (msg_len < 8) {
      EXPECT_REJECTED(v, XVRRP_REJECT_TOO_SHORT, 100u);
    } else {
      EXPECT_REJECTED(v, XVRRP_REJECT_LENGTH_MISMATCH, 100u);
    }
  }
}

}  // namespace
}  // namespace xvrrp::packet
