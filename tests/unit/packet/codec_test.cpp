// SPDX-License-Identifier: GPL-2.0-or-later
// VRRP codec, checksums and frame builder. Expected bytes and checksums were computed
// independently (by hand / a separate Python RFC 1071 implementation), not by this code.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "core/packet.hpp"
#include "support/seed_fixtures.hpp"

namespace xvrrp::packet {
namespace {

using test_support::ip;

using Bytes = std::vector<std::uint8_t>;

TEST(Checksum, Rfc1071Example) {
  // RFC 1071 §3 numerical example: one's complement sum 0xddf2.
  const Bytes data{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(internet_checksum(data), 0x220d);
}

TEST(Checksum, Ipv4HeaderExample) {
  const Bytes hdr{0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                  0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  EXPECT_EQ(internet_checksum(hdr), 0xb861);
  Bytes filled = hdr;
  filled[10] = 0xb8;
  filled[11] = 0x61;
  EXPECT_EQ(internet_checksum(filled), 0);
}

TEST(Checksum, OddLengthPadsWithZero) {
  EXPECT_EQ(internet_checksum(Bytes{0x12, 0x34, 0x56}),
            internet_checksum(Bytes{0x12, 0x34, 0x56, 0}));
  EXPECT_EQ(internet_checksum(Bytes{}), 0xffff);
}

TEST(Checksum, InitialSumIsAdded) {
  const Bytes data{0x00, 0x01};
  EXPECT_EQ(internet_checksum(data, 0x0002), static_cast<std::uint16_t>(~0x0003));
  // Carries out of 16 bits fold back in.
  EXPECT_EQ(internet_checksum(Bytes{0xff, 0xff}, 0x0001), static_cast<std::uint16_t>(~0x0001));
}

TEST(Checksum, PseudoHeaderSums) {
  // 192.0.2.5 -> 224.0.0.18, proto 112, length 12.
  EXPECT_EQ(pseudo_header_sum(ip("192.0.2.5"), ip("224.0.0.18"), 112, 12),
            0xc000u + 0x0205u + 0xe000u + 0x0012u + 112u + 12u);
  // IPv6: the 32-bit length contributes both halves.
  EXPECT_EQ(pseudo_header_sum(ip("::1"), ip("::2"), 112, 0x10005), 1u + 2u + 112u + 1u + 5u);
}

TEST(Encode, ArticleServer1V2KnownAnswer) {
  const Bytes expected{0x21, 100, 100, 1,   0x01, 0x01, 0x90, 0x12, 192, 0,
                       2,    100, '4', 'h', '[',  '-',  '/',  'B',  'h', 'J'};
  EXPECT_EQ(encode(test_support::seed_advert(), ip("192.0.2.5"), ip("192.0.2.6")), expected);
  // v2 never uses a pseudo-header: addresses and mode do not change the bytes.
  EXPECT_EQ(encode(test_support::seed_advert(), ip("198.51.100.1"), ip("224.0.0.18"),
                   ChecksumMode::V3NoPseudo),
            expected);
}

TEST(Encode, V3Ipv4KnownAnswerBothChecksumForms) {
  Advert a;
  a.version = 3;
  a.vrid = 100;
  a.priority = 100;
  a.advert_int_cs = 100;
  a.addrs = {ip("192.0.2.100")};
  const Bytes with_pseudo{0x31, 100, 100, 1, 0x00, 100, 0x05, 0x3d, 192, 0, 2, 100};
  const Bytes without{0x31, 100, 100, 1, 0x00, 100, 0xa7, 0xd1, 192, 0, 2, 100};
  EXPECT_EQ(encode(a, ip("192.0.2.5"), ip("224.0.0.18")), with_pseudo);
  EXPECT_EQ(encode(a, ip("192.0.2.5"), ip("224.0.0.18"), ChecksumMode::V3NoPseudo), without);
}

TEST(Encode, V3Ipv6KnownAnswer) {
  Advert a;
  a.version = 3;
  a.vrid = 7;
  a.priority = 200;
  a.advert_int_cs = 100;
  a.addrs = {ip("2001:db8::100")};
  const Bytes msg = encode(a, ip("fe80::1"), ip("ff02::12"));
  ASSERT_EQ(msg.size(), 24u);
  EXPECT_EQ(msg[0], 0x31);
  EXPECT_EQ(msg[6], 0xd9);
  EXPECT_EQ(msg[7], 0xba);
  EXPECT_EQ(internet_checksum(msg, pseudo_header_sum(ip("fe80::1"), ip("ff02::12"), 112, 24)), 0);
}

TEST(Encode, V3IntervalIs12BitCentiseconds) {
  Advert a;
  a.version = 3;
  a.advert_int_cs = 4095;
  a.addrs = {ip("192.0.2.1")};
  const Bytes msg = encode(a, ip("192.0.2.2"), ip("224.0.0.18"));
  EXPECT_EQ(msg[4], 0x0f);
  EXPECT_EQ(msg[5], 0xff);
  a.advert_int_cs = 4096;
  EXPECT_THROW(encode(a, ip("192.0.2.2"), ip("224.0.0.18")), std::invalid_argument);
}

TEST(Encode, IntoReturnsZeroWhenBufferTooSmall) {
  const Advert a = test_support::seed_advert();
  std::array<std::uint8_t, 64> buf{};
  EXPECT_EQ(encode_into(a, ip("192.0.2.5"), ip("192.0.2.6"), ChecksumMode::Auto,
                        std::span(buf).first(19)),
            0u);
  EXPECT_EQ(buf[0], 0);  // nothing written
  EXPECT_EQ(encode_into(a, ip("192.0.2.5"), ip("192.0.2.6"), ChecksumMode::Auto,
                        std::span(buf).first(20)),
            20u);
  EXPECT_EQ(buf[0], 0x21);
}

TEST(Encode, RejectsUnencodableAdverts) {
  const IpAddress src = ip("192.0.2.5"), dst = ip("224.0.0.18");
  Advert a = test_support::seed_advert();
  EXPECT_EQ(encode_problem(a, src, dst), nullptr);
  a.version = 4;
  EXPECT_NE(encode_problem(a, src, dst), nullptr);
  a = test_support::seed_advert();
  a.addrs.push_back(ip("2001:db8::1"));
  EXPECT_NE(encode_problem(a, src, dst), nullptr);
  a = test_support::seed_advert();
  EXPECT_NE(encode_problem(a, src, ip("ff02::12")), nullptr);
  a.advert_int_cs = 25600;  // 256 s does not fit v2's 8-bit seconds
  EXPECT_NE(encode_problem(a, src, dst), nullptr);
  a = test_support::seed_advert();
  a.addrs.assign(256, ip("192.0.2.1"));
  EXPECT_NE(encode_problem(a, src, dst), nullptr);
  std::array<std::uint8_t, 2048> buf{};
  EXPECT_EQ(encode_into(a, src, dst, ChecksumMode::Auto, buf), 0u);
  try {
    encode(a, src, dst);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("255 addresses"), std::string::npos) << e.what();
  }
}

TEST(Decode, RoundTripV2Ipv4) {
  Advert a = test_support::seed_advert();
  a.addrs.push_back(ip("192.0.2.101"));
  a.priority = 0;
  const auto back = decode(encode(a, ip("192.0.2.5"), ip("224.0.0.18")), AF_INET);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, a);
}

TEST(Decode, RoundTripV3BothFamilies) {
  Advert a;
  a.version = 3;
  a.vrid = 255;
  a.priority = 254;
  a.advert_int_cs = 37;
  a.addrs = {ip("192.0.2.1"), ip("198.51.100.7"), ip("203.0.113.9")};
  auto back = decode(encode(a, ip("192.0.2.5"), ip("224.0.0.18")), AF_INET);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, a);

  a.addrs = {ip("fe80::1"), ip("2001:db8::1")};
  back = decode(encode(a, ip("fe80::2"), ip("ff02::12")), AF_INET6);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, a);
}

TEST(Decode, V2IntervalIsWholeSeconds) {
  Advert a = test_support::seed_advert();
  a.advert_int_cs = 250;
  const auto back = decode(encode(a, ip("192.0.2.5"), ip("224.0.0.18")), AF_INET);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->advert_int_cs, 200);
}

TEST(Decode, V3IgnoresReservedBits) {
  Bytes msg{0x31, 1, 100, 0, 0xf0, 0x64, 0, 0};
  const auto back = decode(msg, AF_INET);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->advert_int_cs, 100);
  EXPECT_TRUE(back->addrs.empty());
}

TEST(Decode, RejectsStructurallyBroken) {
  const Bytes msg = encode(test_support::seed_advert(), ip("192.0.2.5"), ip("224.0.0.18"));
  for (std::size_t n = 0; n < msg.size(); ++n) {
    EXPECT_FALSE(decode(std::span(msg).first(n), AF_INET)) << "length " << n;
  }
  EXPECT_FALSE(decode(msg, AF_UNSPEC));
  Bytes bad_version = msg;
  bad_version[0] = 0x41;
  EXPECT_FALSE(decode(bad_version, AF_INET));
  // The same bytes as IPv6 need 16 address bytes: too short.
  EXPECT_FALSE(decode(msg, AF_INET6));
  Bytes v6_short = msg;
  v6_short.resize(8 + 16 - 1);
  EXPECT_FALSE(decode(v6_short, AF_INET6));
  // Trailing bytes after the structure are tolerated.
  Bytes longer = msg;
  longer.push_back(0xaa);
  EXPECT_TRUE(decode(longer, AF_INET));
}

TEST(Multicast, GroupsAndMacs) {
  EXPECT_EQ(vrrp_multicast_v4(), ip("224.0.0.18"));
  EXPECT_EQ(vrrp_multicast_v6(), ip("ff02::12"));
  EXPECT_EQ(multicast_mac(ip("224.0.0.18")),
            (std::array<std::uint8_t, 6>{0x01, 0x00, 0x5e, 0x00, 0x00, 0x12}));
  EXPECT_EQ(multicast_mac(ip("239.129.2.3")),
            (std::array<std::uint8_t, 6>{0x01, 0x00, 0x5e, 0x01, 0x02, 0x03}));
  EXPECT_EQ(multicast_mac(ip("ff02::12")),
            (std::array<std::uint8_t, 6>{0x33, 0x33, 0x00, 0x00, 0x00, 0x12}));
  EXPECT_FALSE(multicast_mac(ip("192.0.2.6")));
  EXPECT_FALSE(multicast_mac(ip("2001:db8::1")));
}

TEST(BuildIpv4, HeaderFields) {
  const Bytes payload{1, 2, 3, 4, 5};
  std::array<std::uint8_t, 64> out{};
  const std::size_t n = build_ipv4_into(ip("192.0.2.5"), ip("224.0.0.18"), 255, 112, payload, out);
  ASSERT_EQ(n, 25u);
  const Bytes expected_hdr{0x45, 0, 0, 25, 0, 0, 0, 0, 255, 112};
  EXPECT_TRUE(std::equal(expected_hdr.begin(), expected_hdr.end(), out.begin()));
  EXPECT_EQ(internet_checksum(std::span(out).first(20)), 0);
  EXPECT_EQ(out[12], 192);
  EXPECT_EQ(out[15], 5);
  EXPECT_EQ(out[16], 224);
  EXPECT_EQ(out[19], 18);
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), out.begin() + 20));
}

TEST(BuildIpv4, KnownHeaderChecksum) {
  // Independently computed for 192.0.2.5 -> 224.0.0.18, TTL 255, proto 112, total 40.
  std::array<std::uint8_t, 40> out{};
  const Bytes payload(20, 0);
  ASSERT_EQ(build_ipv4_into(ip("192.0.2.5"), ip("224.0.0.18"), 255, 112, payload, out), 40u);
  const std::uint32_t sum = 0x4500 + 40 + 0xff70 + 0xc000 + 0x0205 + 0xe000 + 0x0012;
  std::uint32_t folded = sum;
  while (folded >> 16) folded = (folded & 0xffff) + (folded >> 16);
  EXPECT_EQ((out[10] << 8) | out[11], static_cast<int>(~folded & 0xffff));
}

TEST(BuildIpv4, OptionsSetIhl) {
  const Bytes router_alert{0x94, 0x04, 0x00, 0x00};
  std::array<std::uint8_t, 64> out{};
  const std::size_t n =
      build_ipv4_into(ip("192.0.2.5"), ip("192.0.2.6"), 64, 112, Bytes{9}, out, router_alert);
  ASSERT_EQ(n, 25u);
  EXPECT_EQ(out[0], 0x46);
  EXPECT_EQ(out[3], 25);
  EXPECT_EQ(out[20], 0x94);
  EXPECT_EQ(out[24], 9);
  EXPECT_EQ(internet_checksum(std::span(out).first(24)), 0);
}

TEST(BuildIpv4, RejectsBadInput) {
  std::array<std::uint8_t, 128> out{};
  EXPECT_EQ(build_ipv4_into(ip("192.0.2.5"), ip("192.0.2.6"), 64, 112, Bytes{}, out, Bytes{1, 2}),
            0u);
  EXPECT_EQ(build_ipv4_into(ip("192.0.2.5"), ip("192.0.2.6"), 64, 112, Bytes{}, out, Bytes(44)),
            0u);
  EXPECT_EQ(build_ipv4_into(ip("fe80::1"), ip("192.0.2.6"), 64, 112, Bytes{}, out), 0u);
  EXPECT_EQ(build_ipv4_into(ip("192.0.2.5"), ip("192.0.2.6"), 64, 112, Bytes(10),
                            std::span(out).first(29)),
            0u);
  std::vector<std::uint8_t> big(70000);
  const Bytes huge(65536 - 20);
  EXPECT_EQ(build_ipv4_into(ip("192.0.2.5"), ip("192.0.2.6"), 64, 112, huge, big), 0u);
}

TEST(BuildIpv6, HeaderFields) {
  std::array<std::uint8_t, 64> out{};
  const std::size_t n =
      build_ipv6_into(ip("fe80::1"), ip("ff02::12"), 255, 112, Bytes{7, 8, 9}, out);
  ASSERT_EQ(n, 43u);
  EXPECT_EQ(out[0], 0x60);
  EXPECT_EQ(out[4], 0);
  EXPECT_EQ(out[5], 3);
  EXPECT_EQ(out[6], 112);
  EXPECT_EQ(out[7], 255);
  EXPECT_EQ(out[8], 0xfe);
  EXPECT_EQ(out[23], 1);
  EXPECT_EQ(out[24], 0xff);
  EXPECT_EQ(out[39], 0x12);
  EXPECT_EQ(out[42], 9);
  EXPECT_EQ(build_ipv6_into(ip("192.0.2.1"), ip("ff02::12"), 255, 112, Bytes{}, out), 0u);
}

TEST(BuildFrame, MulticastMacAndEthertype) {
  FrameOptions opts;
  opts.src_mac = {0x02, 0, 0, 0, 0, 0x05};
  const Bytes f =
      build_advert_frame(opts, test_support::seed_advert(), ip("192.0.2.5"), ip("224.0.0.18"));
  ASSERT_EQ(f.size(), 14u + 20u + 20u);
  EXPECT_EQ(Bytes(f.begin(), f.begin() + 14),
            (Bytes{0x01, 0x00, 0x5e, 0x00, 0x00, 0x12, 0x02, 0, 0, 0, 0, 0x05, 0x08, 0x00}));
  EXPECT_EQ(f[14 + 8], 255);
  EXPECT_EQ(f[14 + 9], 112);
  EXPECT_EQ(Bytes(f.begin() + 34, f.end()),
            encode(test_support::seed_advert(), ip("192.0.2.5"), ip("224.0.0.18")));
}

TEST(BuildFrame, UnicastKeepsExplicitOrZeroMac) {
  FrameOptions opts;
  Bytes f = build_frame(opts, ip("192.0.2.5"), ip("192.0.2.6"), 112, Bytes{1});
  EXPECT_EQ(Bytes(f.begin(), f.begin() + 6), Bytes(6, 0));
  opts.dst_mac = {0x02, 1, 2, 3, 4, 5};
  f = build_frame(opts, ip("192.0.2.5"), ip("224.0.0.18"), 112, Bytes{1});
  EXPECT_EQ(Bytes(f.begin(), f.begin() + 6), (Bytes{0x02, 1, 2, 3, 4, 5}));
}

TEST(BuildFrame, QinQTagsOuterFirst) {
  FrameOptions opts;
  opts.vlan_tpids = {0x88a8, 0x8100};
  opts.vlan_tcis = {0x0064, 0x2005};
  const Bytes f = build_frame(opts, ip("fe80::1"), ip("ff02::12"), 112, Bytes{1, 2});
  ASSERT_EQ(f.size(), 14u + 8u + 40u + 2u);
  EXPECT_EQ(Bytes(f.begin(), f.begin() + 6), (Bytes{0x33, 0x33, 0, 0, 0, 0x12}));
  EXPECT_EQ(Bytes(f.begin() + 12, f.begin() + 22),
            (Bytes{0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x20, 0x05, 0x86, 0xdd}));
  EXPECT_EQ(f[22], 0x60);
  EXPECT_EQ(f[22 + 7], 255);
}

TEST(BuildFrame, DefaultTpidAndHopLimit) {
  FrameOptions opts;
  opts.vlan_tcis = {10};
  opts.ipv6_hop_limit = 1;
  const Bytes f = build_frame(opts, ip("fe80::1"), ip("ff02::12"), 112, Bytes{});
  EXPECT_EQ(f[12], 0x81);
  EXPECT_EQ(f[13], 0x00);
  EXPECT_EQ(f[15], 10);
  EXPECT_EQ(f[18 + 7], 1);
}

TEST(BuildFrame, PaddingAfterIpPacket) {
  FrameOptions opts;
  opts.pad_to = 60;
  opts.ttl = 1;
  const Bytes f = build_frame(opts, ip("192.0.2.5"), ip("192.0.2.6"), 112, Bytes{0xaa});
  ASSERT_EQ(f.size(), 60u);
  EXPECT_EQ(f[14 + 3], 21);  // tot_len excludes the padding
  EXPECT_EQ(f[14 + 8], 1);
  EXPECT_EQ(f[34], 0xaa);
  for (std::size_t i = 35; i < 60; ++i) EXPECT_EQ(f[i], 0) << i;
}

TEST(BuildFrame, Ipv4OptionsInFrame) {
  FrameOptions opts;
  opts.ipv4_options = {0x94, 0x04, 0x00, 0x00};
  const Bytes f = build_frame(opts, ip("192.0.2.5"), ip("192.0.2.6"), 112, Bytes{0xaa});
  ASSERT_EQ(f.size(), 14u + 24u + 1u);
  EXPECT_EQ(f[14], 0x46);
  EXPECT_EQ(f[14 + 20], 0x94);
}

TEST(BuildFrame, BadOptionsThrow) {
  FrameOptions opts;
  opts.vlan_tpids = {0x8100};
  EXPECT_THROW(build_frame(opts, ip("192.0.2.5"), ip("192.0.2.6"), 112, Bytes{}),
               std::invalid_argument);
  opts = {};
  opts.ipv4_options = {1, 2, 3};
  EXPECT_THROW(build_frame(opts, ip("192.0.2.5"), ip("192.0.2.6"), 112, Bytes{}),
               std::invalid_argument);
  opts = {};
  EXPECT_THROW(build_frame(opts, ip("192.0.2.5"), ip("ff02::12"), 112, Bytes{}),
               std::invalid_argument);
  EXPECT_THROW(build_frame(opts, IpAddress{}, IpAddress{}, 112, Bytes{}), std::invalid_argument);
}

}  // namespace
}  // namespace xvrrp::packet
