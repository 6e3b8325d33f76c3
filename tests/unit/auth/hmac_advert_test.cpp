// SPDX-License-Identifier: GPL-2.0-or-later
// auth_hmac on the daemon's advert path (policy/hmac_advert.hpp): adverts
// captured from keepalived 2.4.3 pass the socket path's validator and the
// check before the state machine, once; a record without its payload, an
// unsigned advert under enforce, a replay, a wrong key are refused and counted;
// what we sign passes the same validator and check on the other side, with a
// new sequence every time; key rotation and a rebuilt authenticator keep the
// replay marks. The clock is a plain value.
#include "policy/hmac_advert.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/packet.hpp"
#include "hex.hpp"

namespace xvrrp::policy {
namespace {

namespace ah = core::auth_hmac;
using ah::test::Bytes;
using ah::test::unhex;
using packet::Verdict;

constexpr std::int64_t kSec = 1'000'000'000;
constexpr std::int64_t kNow = 1'780'000'000LL * kSec;

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

Bytes key_bytes(std::uint8_t seed) {
  Bytes k;
  for (int i = 0; i < 32; ++i) k.push_back(static_cast<std::uint8_t>(seed + i));
  return k;
}

ah::Settings settings(std::vector<std::uint8_t> ids, std::uint8_t active,
                      ah::Mode mode = ah::Mode::Enforce) {
  ah::Settings s;
  for (std::uint8_t id : ids) s.keys.push_back(ah::Key{id, ah::SecretBytes(key_bytes(id))});
  s.active_key = active;
  s.mode = mode;
  s.time_window = 5;
  return s;
}

std::size_t result_index(ah::Result r) { return static_cast<std::size_t>(r); }

// ---- keepalived's adverts, through the socket path's validator and the check ----

struct Captured {
  std::map<int, std::vector<ah::Key>> keys;
  std::vector<std::pair<std::int64_t, Bytes>> adverts;
};

Captured load_capture() {
  Captured c;
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
      c.keys[vrid].push_back(ah::Key{static_cast<std::uint8_t>(id), ah::SecretBytes(unhex(hex))});
    } else if (kind == "advert") {
      std::int64_t t = 0;
      std::string hex;
      ls >> t >> hex;
      c.adverts.emplace_back(t, unhex(hex));
    }
  }
  return c;
}

// The receive config xvrrpd would program for the captured instance of `ip_packet`.
void configure(packet::MapTables& t, const Bytes& ip_packet, bool& unicast) {
  const bool v6 = (ip_packet[0] >> 4) == 6;
  const std::size_t hl = v6 ? 40 : (ip_packet[0] & 15U) * 4;
  const std::uint8_t version = ip_packet[hl] >> 4;
  const std::uint8_t vrid = ip_packet[hl + 1];
  const auto key = packet::make_vrid_key(1, vrid, v6 ? AF_INET6 : AF_INET);
  xvrrp_vrid_config cfg{};
  cfg.version = version;
  cfg.advert_int_cs = version == 2 ? static_cast<std::uint16_t>(ip_packet[hl + 5] * 100) : 0;
  cfg.flags = XVRRP_CFG_AUTH_HMAC | XVRRP_CFG_HMAC_REQUIRED;
  cfg.min_ttl = cfg.max_ttl = 255;
  unicast = !v6 && ip_packet[16] < 224;
  if (unicast) {
    cfg.flags |= XVRRP_CFG_UNICAST | XVRRP_CFG_CHECK_PEER;
    cfg.min_ttl = 0;
    IpAddress src;
    src.family = AF_INET;
    std::memcpy(src.bytes.data(), ip_packet.data() + 12, 4);
    t.add_peer(packet::make_peer_key(key, src));
  }
  t.set_vrid(key, cfg);
}

TEST(HmacAdvert, KeepalivedAdvertsPassOnceThroughTheSocketPath) {
  const Captured c = load_capture();
  ASSERT_GE(c.adverts.size(), 6U);
  std::map<int, std::unique_ptr<ah::Authenticator>> rx;
  std::map<int, HmacCounts> counts;
  for (const auto& [t, pkt] : c.adverts) {
    packet::MapTables tables;
    bool unicast = false;
    configure(tables, pkt, unicast);
    const Verdict v = packet::validate_ip(pkt, 1, 0, tables);
    ASSERT_EQ(v.kind, Verdict::Kind::Accepted) << packet::reject_reason_name(v.reason);
    ASSERT_TRUE(v.event.flags & XVRRP_EVT_PAYLOAD);
    EXPECT_EQ(v.payload.size(), v.msg_len + ah::kTrailerLen);
    const int vrid = v.event.vrid;
    auto& auth = rx[vrid];
    if (!auth) {
      ah::Settings s;
      s.keys = c.keys.at(vrid);
      s.active_key = s.keys[0].id;
      s.time_window = 5;
      auth = std::make_unique<ah::Authenticator>(s, 100);
    }
    const HmacVerdict first =
        admit_hmac_advert(*auth, v.event, v.payload, unicast, t, counts[vrid]);
    EXPECT_TRUE(first.admit) << "vrid " << vrid << ": " << ah::result_name(first.result);
    const HmacVerdict again =
        admit_hmac_advert(*auth, v.event, v.payload, unicast, t, counts[vrid]);
    EXPECT_FALSE(again.admit);
    EXPECT_EQ(again.result, ah::Result::Replay);
  }
  for (const auto& [vrid, n] : counts) {
    EXPECT_GE(n[result_index(ah::Result::Ok)], 2U) << vrid;
    EXPECT_EQ(n[result_index(ah::Result::Ok)], n[result_index(ah::Result::Replay)]) << vrid;
  }
}

TEST(HmacAdvert, KeepalivedAdvertWithAnotherKeyIsRefused) {
  const Captured c = load_capture();
  const auto& [t, pkt] = c.adverts.front();
  packet::MapTables tables;
  bool unicast = false;
  configure(tables, pkt, unicast);
  const Verdict v = packet::validate_ip(pkt, 1, 0, tables);
  ASSERT_EQ(v.kind, Verdict::Kind::Accepted);
  // Same key ids, other bytes.
  ah::Settings s;
  for (const auto& k : c.keys.at(v.event.vrid))
    s.keys.push_back(ah::Key{k.id, ah::SecretBytes(key_bytes(0x40))});
  s.active_key = s.keys[0].id;
  ah::Authenticator auth(s, 100);
  HmacCounts n{};
  const HmacVerdict r = admit_hmac_advert(auth, v.event, v.payload, unicast, t, n);
  EXPECT_FALSE(r.admit);
  EXPECT_EQ(r.result, ah::Result::BadHmac);
  EXPECT_EQ(n[result_index(ah::Result::BadHmac)], 1U);
}

// ---- our adverts, signed and received ----

struct Link {
  IpAddress src, dst;
  std::uint8_t version;
};

Bytes encoded(const Link& l, std::uint8_t vrid, std::uint8_t priority) {
  packet::Advert a;
  a.version = l.version;
  a.vrid = vrid;
  a.priority = priority;
  a.advert_int_cs = 100;
  a.addrs = {l.src.is_v6() ? ip("2001:db8::100") : ip("192.0.2.100")};
  return packet::encode(a, l.src, l.dst);
}

// Signs `msg`, wraps it in an IP header and validates it as the peer's socket path would.
Verdict send_and_receive(ah::Authenticator& tx, const Link& l, const Bytes& msg, std::int64_t now,
                         Bytes& ip_out, packet::MapTables& tables) {
  Bytes buf(1400);
  const std::size_t len = sign_advert(tx, msg, l.src, l.dst, now, buf);
  EXPECT_NE(len, 0U);
  buf.resize(len);
  ip_out.assign(1500, 0);
  const std::size_t n =
      l.src.is_v6() ? packet::build_ipv6_into(l.src, l.dst, 255, XVRRP_IPPROTO, buf, ip_out)
                    : packet::build_ipv4_into(l.src, l.dst, 255, XVRRP_IPPROTO, buf, ip_out);
  ip_out.resize(n);
  return packet::validate_ip(ip_out, 1, 0, tables);
}

class SignedAdvert : public ::testing::TestWithParam<Link> {};

TEST_P(SignedAdvert, PassesThePeersChecksOnceWithANewSequenceEachTime) {
  const Link l = GetParam();
  const std::uint8_t vrid = 51;
  packet::MapTables tables;
  xvrrp_vrid_config cfg{};
  cfg.version = l.version;
  cfg.advert_int_cs = 100;
  cfg.min_ttl = cfg.max_ttl = 255;
  cfg.flags = XVRRP_CFG_AUTH_HMAC | XVRRP_CFG_HMAC_REQUIRED;
  tables.set_vrid(packet::make_vrid_key(1, vrid, l.src.family), cfg);

  ah::Authenticator tx(settings({1}, 1), 100);
  ah::Authenticator rx(settings({1}, 1), 100);
  HmacCounts n{};
  const Bytes msg = encoded(l, vrid, 150);
  std::uint64_t last_seq = 0;
  for (int i = 0; i < 3; ++i) {
    Bytes pkt;
    // The same cached message, the same clock reading: still a new sequence.
    const Verdict v = send_and_receive(tx, l, msg, kNow, pkt, tables);
    ASSERT_EQ(v.kind, Verdict::Kind::Accepted) << packet::reject_reason_name(v.reason);
    ASSERT_EQ(v.payload.size(), msg.size() + ah::kTrailerLen);
    const auto trailer = ah::parse_trailer(v.payload.subspan(msg.size()));
    ASSERT_TRUE(trailer);
    if (i > 0) {
      EXPECT_TRUE(ah::sequence_after(trailer->sequence, last_seq));
    }
    last_seq = trailer->sequence;
    EXPECT_TRUE(admit_hmac_advert(rx, v.event, v.payload, false, kNow, n).admit);
    EXPECT_FALSE(admit_hmac_advert(rx, v.event, v.payload, false, kNow, n).admit);
  }
  EXPECT_EQ(n[result_index(ah::Result::Ok)], 3U);
  EXPECT_EQ(n[result_index(ah::Result::Replay)], 3U);
  // The cached message itself is left as it was.
  EXPECT_EQ(msg, encoded(l, vrid, 150));
}

INSTANTIATE_TEST_SUITE_P(Families, SignedAdvert,
                         ::testing::Values(Link{ip("192.0.2.5"), ip("224.0.0.18"), 3},
                                           Link{ip("192.0.2.5"), ip("224.0.0.18"), 2},
                                           Link{ip("fe80::5"), ip("ff02::12"), 3}),
                         [](const auto& info) {
                           return std::string(info.param.src.is_v6() ? "ipv6" : "ipv4") + "_v" +
                                  std::to_string(info.param.version);
                         });

TEST(HmacAdvert, ReceiveOnlySendsNoTrailerAndAcceptsUnsigned) {
  const Link l{ip("fe80::5"), ip("ff02::12"), 3};
  ah::Authenticator tx(settings({1}, 1, ah::Mode::ReceiveOnly), 100);
  const Bytes msg = encoded(l, 51, 100);
  Bytes out(1400);
  EXPECT_EQ(sign_advert(tx, msg, l.src, l.dst, kNow, out), msg.size());
  EXPECT_TRUE(std::equal(msg.begin(), msg.end(), out.begin()));

  xvrrp_advert_event ev{};
  ev.family = XVRRP_AF_INET6;
  ev.version = 3;
  ev.vrid = 51;
  ev.naddrs = 1;
  ev.flags = XVRRP_EVT_PAYLOAD;
  std::memcpy(ev.src, l.src.bytes.data(), 16);
  HmacCounts n{};
  for (ah::Mode mode : {ah::Mode::ReceiveOnly, ah::Mode::Permissive, ah::Mode::Enforce}) {
    ah::Authenticator rx(settings({1}, 1, mode), 100);
    const HmacVerdict v = admit_hmac_advert(rx, ev, msg, false, kNow, n);
    EXPECT_EQ(v.admit, mode != ah::Mode::Enforce) << ah::mode_name(mode);
  }
  EXPECT_EQ(n[result_index(ah::Result::Unsigned)], 2U);
  EXPECT_EQ(n[result_index(ah::Result::Missing)], 1U);
}

TEST(HmacAdvert, ARecordWithoutItsPayloadIsRefused) {
  ah::Authenticator rx(settings({1}, 1, ah::Mode::Permissive), 100);
  xvrrp_advert_event ev{};
  ev.family = XVRRP_AF_INET;
  ev.version = 3;
  ev.vrid = 51;
  ev.naddrs = 1;
  HmacCounts n{};
  // Even permissive: without the payload nothing says whether it was signed.
  EXPECT_FALSE(admit_hmac_advert(rx, ev, {}, false, kNow, n).admit);
  ev.flags = XVRRP_EVT_PAYLOAD;
  const Bytes too_short(8);
  EXPECT_FALSE(admit_hmac_advert(rx, ev, too_short, false, kNow, n).admit);
  EXPECT_EQ(n[result_index(ah::Result::Malformed)], 2U);
}

TEST(HmacAdvert, RotationAndRebuildKeepTheReplayMarks) {
  const Link l{ip("192.0.2.5"), ip("192.0.2.6"), 3};
  packet::MapTables tables;
  xvrrp_vrid_config cfg{};
  cfg.version = 3;
  cfg.min_ttl = 0;
  cfg.max_ttl = 255;
  cfg.flags = XVRRP_CFG_AUTH_HMAC | XVRRP_CFG_HMAC_REQUIRED | XVRRP_CFG_UNICAST;
  tables.set_vrid(packet::make_vrid_key(1, 51, AF_INET), cfg);
  const Bytes msg = encoded(l, 51, 100);

  auto tx = std::make_unique<ah::Authenticator>(settings({1}, 1), 100);
  auto rx = std::make_unique<ah::Authenticator>(settings({1, 2}, 1), 100);
  HmacCounts n{};
  Bytes old_pkt;
  Verdict v = send_and_receive(*tx, l, msg, kNow, old_pkt, tables);
  ASSERT_EQ(v.kind, Verdict::Kind::Accepted);
  EXPECT_TRUE(admit_hmac_advert(*rx, v.event, v.payload, true, kNow, n).admit);

  // The sender moves to key 2 (a reload): its sequence keeps growing.
  auto tx2 = std::make_unique<ah::Authenticator>(settings({1, 2}, 2), 100);
  tx2->adopt_state(*tx);
  tx = std::move(tx2);
  Bytes pkt;
  v = send_and_receive(*tx, l, msg, kNow, pkt, tables);
  ASSERT_EQ(v.kind, Verdict::Kind::Accepted);
  EXPECT_EQ(ah::parse_trailer(v.payload.subspan(msg.size()))->key_id, 2);
  EXPECT_TRUE(admit_hmac_advert(*rx, v.event, v.payload, true, kNow, n).admit);

  // The receiver drops key 1 (a reload): the capture under key 1 is now an unknown key,
  // and a replay under key 2 still a replay.
  auto rx2 = std::make_unique<ah::Authenticator>(settings({2}, 2), 100);
  rx2->adopt_state(*rx);
  rx = std::move(rx2);
  v = packet::validate_ip(old_pkt, 1, 0, tables);
  EXPECT_EQ(admit_hmac_advert(*rx, v.event, v.payload, true, kNow, n).result,
            ah::Result::UnknownKey);
  v = packet::validate_ip(pkt, 1, 0, tables);
  EXPECT_EQ(admit_hmac_advert(*rx, v.event, v.payload, true, kNow, n).result, ah::Result::Replay);
}

}  // namespace
}  // namespace xvrrp::policy
