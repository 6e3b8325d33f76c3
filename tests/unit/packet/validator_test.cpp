// SPDX-License-Identifier: GPL-2.0-or-later
// Receive validator: every row of the receive case table (tests/support), accepted
// event contents, variants of single rules, truncation at every length.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cstring>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/packet.hpp"
#include "support/receive_cases.hpp"

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

TEST_F(ValidatorTest, BadChecksumWhenPseudoHeaderAddressesDiffer) {
  // Checksummed for another destination: the pseudo-header form fails and the
  // plain form fails too.
  const Bytes msg = encode(v3v4, ip("198.51.100.5"), ip("198.51.100.6"));
  const Bytes f = build_frame({}, ip("198.51.100.5"), ip("224.0.0.18"), 112, msg);
  EXPECT_REJECTED(check(f), XVRRP_REJECT_BAD_CHECKSUM, 50u);
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

TEST_F(ValidatorTest, UnknownPeerIpv6) {
  v3_cfg.flags = XVRRP_CFG_CHECK_PEER;
  const xvrrp_vrid_key key = make_vrid_key(kIfindex, 50, AF_INET6);
  tables.set_vrid(key, v3_cfg);
  EXPECT_REJECTED(check(v3_v6_frame()), XVRRP_REJECT_UNKNOWN_PEER, 306u);
  tables.add_peer(make_peer_key(key, ip("fe80::5")));
  EXPECT_EQ(check(v3_v6_frame()).kind, Kind::Accepted);
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

// ---- The receive case table ---------------------------------------------------

class ReceiveCaseTest : public ::testing::TestWithParam<test_support::ReceiveCase> {
 protected:
  static MapTables case_tables() {
    MapTables t;
    for (const auto& inst : test_support::case_instances()) {
      t.set_vrid(inst.key, inst.cfg);
      for (const auto& [peer, value] : inst.peers) t.add_peer(peer, value);
    }
    return t;
  }
};

TEST_P(ReceiveCaseTest, ValidatorReachesTheRowsVerdict) {
  const test_support::ReceiveCase& c = GetParam();
  const MapTables tables = case_tables();
  const Verdict v = validate_frame(c.frame, test_support::kCaseIfindex, kTs, tables);
  EXPECT_EQ(v.kind, c.verdict) << describe(v);
  EXPECT_EQ(v.reason, c.reason) << describe(v);
  EXPECT_EQ(0, std::memcmp(&v.counter_key, &c.key, sizeof c.key))
      << "counter key ifindex " << v.counter_key.ifindex << " vrid " << int{v.counter_key.vrid}
      << " family " << int{v.counter_key.family};
  if (c.event) {
    ASSERT_EQ(v.kind, Kind::Accepted);
    EXPECT_EQ(v.event.version, c.event->version);
    EXPECT_EQ(v.event.vrid, c.event->vrid);
    EXPECT_EQ(v.event.priority, c.event->priority);
    EXPECT_EQ(v.event.naddrs, c.event->naddrs);
    EXPECT_EQ(v.event.flags, c.event->flags);
    EXPECT_EQ(v.event.ttl, c.event->ttl);
    EXPECT_EQ(v.event.advert_int_cs, c.event->advert_int_cs);
    EXPECT_EQ(v.event.ts_ns, kTs);
    EXPECT_EQ(v.event.ifindex, test_support::kCaseIfindex);
    EXPECT_EQ(v.payload.size(), c.event->payload_len);
    EXPECT_EQ(v.msg_len, c.event->msg_len);
  }
  // The socket path sees the same packet without Ethernet: same verdict.
  const std::uint16_t type = static_cast<std::uint16_t>((c.frame[12] << 8) | c.frame[13]);
  if (type == kEthPIpv4 || type == kEthPIpv6) {
    const Verdict ip_v = validate_ip(std::span(c.frame).subspan(kEthHeaderLen),
                                     test_support::kCaseIfindex, kTs, tables);
    EXPECT_EQ(ip_v.kind, v.kind) << describe(ip_v);
    EXPECT_EQ(ip_v.reason, v.reason) << describe(ip_v);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, ReceiveCaseTest, ::testing::ValuesIn(test_support::receive_cases()),
                         [](const auto& info) { return info.param.name; });

TEST(ReceiveCases, EveryRejectReasonHasARow) {
  std::set<int> rejected, not_ours;
  std::set<std::string> names;
  for (const auto& c : test_support::receive_cases()) {
    EXPECT_TRUE(names.insert(c.name).second) << "duplicate row " << c.name;
    if (c.verdict == Kind::Rejected) rejected.insert(c.reason);
    if (c.verdict == Kind::NotOurs) not_ours.insert(c.reason);
  }
  for (int r = 0; r < XVRRP_REJECT_MAX; ++r) {
    // Rule d passes unknown VRIDs; a full ring is no property of a frame.
    if (r == XVRRP_REJECT_UNKNOWN_VRID || r == XVRRP_REJECT_RINGBUF_FULL) continue;
    EXPECT_EQ(rejected.count(r), 1u) << "no Rejected row for " << reject_reason_name(r);
  }
  EXPECT_EQ(not_ours, (std::set<int>{XVRRP_REJECT_TOO_SHORT, XVRRP_REJECT_UNKNOWN_VRID}));
}

TEST(ReceiveCases, WrittenAsSeeds) {
  const std::string dir = ::testing::TempDir() + "receive-seeds-" + std::to_string(::getpid());
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0) << dir;
  const std::size_t rows = test_support::receive_cases().size();
  EXPECT_EQ(test_support::write_receive_seeds(dir, test_support::SeedLayer::Ethernet), rows);
  const std::string seed = dir + "/seed_v2_unicast.bin";
  struct stat st {};
  ASSERT_EQ(::stat(seed.c_str(), &st), 0) << seed;
  EXPECT_EQ(static_cast<std::size_t>(st.st_size), 14u + 20 + 20);
  const std::size_t ip_seeds = test_support::write_receive_seeds(dir, test_support::SeedLayer::Ip);
  EXPECT_LT(ip_seeds, rows);  // tagged rows and ARP have no IP layer
  ASSERT_EQ(::stat(seed.c_str(), &st), 0) << seed;
  EXPECT_EQ(static_cast<std::size_t>(st.st_size), 20u + 20);
  std::filesystem::remove_all(dir);
}

TEST(RejectReasonName, StableNames) {
  const char* expected[] = {"too_short",         "bad_ttl",         "bad_version",  "bad_type",
                            "bad_checksum",      "unknown_vrid",    "unknown_peer", "auth_mismatch",
                            "interval_mismatch", "length_mismatch", "ringbuf_full", "bad_dest"};
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
