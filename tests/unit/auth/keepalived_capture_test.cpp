// SPDX-License-Identifier: GPL-2.0-or-later
// Fixed vectors from a keepalived 2.4.3 build (docs/INTEROP.md says how they were
// captured): every advert verifies with our code at its capture time, a replay of
// it is refused, our encoder writes the same trailer for the same key, sequence
// and message, and the checksums cover what our sender covers (IPv4: the message
// only; IPv6: the trailer too).
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/auth_hmac.hpp"
#include "core/packet.hpp"
#include "hex.hpp"

namespace xvrrp::core::auth_hmac {
namespace {

using test::Bytes;
using test::unhex;

struct Capture {
  std::map<int, std::vector<Key>> keys;  // by VRID
  struct Advert {
    std::int64_t realtime_ns;
    Bytes ip;
  };
  std::vector<Advert> adverts;
};

Capture load() {
  Capture c;
  std::ifstream in(XVRRP_AUTH_TEST_DATA "/keepalived-2.4.3-adverts.txt");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string kind;
    ls >> kind;
    if (kind == "key") {
      int vrid = 0, id = 0;
      std::string hex;
      ls >> vrid >> id >> hex;
      c.keys[vrid].push_back(Key{static_cast<std::uint8_t>(id), SecretBytes(unhex(hex))});
    } else if (kind == "advert") {
      Capture::Advert a{};
      std::string hex;
      ls >> a.realtime_ns >> hex;
      a.ip = unhex(hex);
      c.adverts.push_back(a);
    }
  }
  return c;
}

struct Parsed {
  int family;
  IpAddress src, dst;
  std::span<const std::uint8_t> payload;
  std::uint8_t version, vrid;
  std::size_t msg_len;
};

Parsed parse(const Bytes& ip) {
  Parsed p{};
  const bool v6 = (ip[0] >> 4) == 6;
  p.family = v6 ? AF_INET6 : AF_INET;
  const std::size_t hl = v6 ? 40 : (ip[0] & 15U) * 4;
  p.src.family = p.dst.family = p.family;
  std::memcpy(p.src.bytes.data(), ip.data() + (v6 ? 8 : 12), v6 ? 16 : 4);
  std::memcpy(p.dst.bytes.data(), ip.data() + (v6 ? 24 : 16), v6 ? 16 : 4);
  p.payload = std::span(ip).subspan(hl);
  p.version = p.payload[0] >> 4;
  p.vrid = p.payload[1];
  p.msg_len = 8 + p.payload[3] * (v6 ? 16U : 4U) + (p.version == 2 ? 8 : 0);
  return p;
}

Settings settings_for(const Capture& c, int vrid, std::uint8_t active) {
  Settings s;
  s.keys = c.keys.at(vrid);
  s.active_key = active;
  s.time_window = 5;
  return s;
}

TEST(KeepalivedCapture, HasEveryKindOfAdvert) {
  const Capture c = load();
  ASSERT_GE(c.adverts.size(), 6U);
  std::map<int, int> per_vrid;
  for (const auto& a : c.adverts) ++per_vrid[parse(a.ip).vrid];
  EXPECT_GE(per_vrid[51], 2);  // v3 IPv4 unicast
  EXPECT_GE(per_vrid[52], 2);  // v2 IPv4 multicast, key id 2
  EXPECT_GE(per_vrid[53], 2);  // v3 IPv6 multicast, 36-byte key
}

TEST(KeepalivedCapture, EveryAdvertVerifiesAndItsReplayDoesNot) {
  const Capture c = load();
  std::map<int, std::unique_ptr<Authenticator>> rx;
  for (const auto& a : c.adverts) {
    const Parsed p = parse(a.ip);
    ASSERT_EQ(p.payload.size(), p.msg_len + kTrailerLen);
    auto& r = rx[p.vrid];
    if (!r)
      r = std::make_unique<Authenticator>(settings_for(c, p.vrid, c.keys.at(p.vrid)[0].id), 100);
    const bool unicast = p.vrid == 51;
    const auto v =
        r->verify(p.payload, p.msg_len, p.family, p.version, p.vrid, p.src, unicast, a.realtime_ns);
    EXPECT_EQ(v.result, Result::Ok) << "vrid " << int{p.vrid} << " at " << a.realtime_ns;
    EXPECT_LE(std::abs(v.skew_s), 1);
    EXPECT_EQ(
        r->verify(p.payload, p.msg_len, p.family, p.version, p.vrid, p.src, unicast, a.realtime_ns)
            .result,
        Result::Replay);
  }
}

TEST(KeepalivedCapture, OurEncoderWritesTheSameTrailer) {
  const Capture c = load();
  for (const auto& a : c.adverts) {
    const Parsed p = parse(a.ip);
    const auto t = parse_trailer(p.payload.subspan(p.msg_len));
    ASSERT_TRUE(t);
    const Authenticator tx(settings_for(c, p.vrid, t->key_id), 100);
    Bytes buf(p.payload.begin(), p.payload.begin() + static_cast<std::ptrdiff_t>(p.msg_len));
    buf.resize(p.msg_len + kTrailerLen);
    ASSERT_EQ(tx.sign_with(buf, p.msg_len, p.family, p.version, p.vrid, p.src, t->sequence),
              p.msg_len + kTrailerLen);
    EXPECT_TRUE(std::equal(buf.begin(), buf.end(), p.payload.begin())) << "vrid " << int{p.vrid};
  }
}

TEST(KeepalivedCapture, ChecksumCoverage) {
  const Capture c = load();
  for (const auto& a : c.adverts) {
    const Parsed p = parse(a.ip);
    if (p.family == AF_INET6) {
      const auto sum = packet::pseudo_header_sum(p.src, p.dst, 112,
                                                 static_cast<std::uint32_t>(p.payload.size()));
      EXPECT_EQ(packet::internet_checksum(p.payload, sum), 0) << "IPv6 covers the trailer";
    } else {
      const auto msg = p.payload.first(p.msg_len);
      const auto sum =
          p.version == 3
              ? packet::pseudo_header_sum(p.src, p.dst, 112, static_cast<std::uint32_t>(p.msg_len))
              : 0U;
      EXPECT_EQ(packet::internet_checksum(msg, sum), 0) << "IPv4 covers the message only";
    }
  }
}

}  // namespace
}  // namespace xvrrp::core::auth_hmac
