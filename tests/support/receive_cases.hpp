// SPDX-License-Identifier: GPL-2.0-or-later
// The receive cases: one row per outcome of the receive rules in
// include/xvrrp/abi.h ("Receive rules"), run against both the C++ validator
// (tests/unit/packet/validator_test.cpp) and the XDP program through
// BPF_PROG_TEST_RUN (tests/bpf/xdp_prog_test.cpp), and written out as fuzz
// seeds by write_receive_seeds(). A new reject reason is a new row here.
//
// Every row assumes the instances of case_instances(), on interface
// kCaseIfindex (lo, so that BPF_PROG_TEST_RUN has a real ingress device).
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/packet.hpp"
#include "support/seed_fixtures.hpp"
#include "xvrrp/abi.h"

namespace xvrrp::test_support {

inline constexpr std::uint32_t kCaseIfindex = 1;

/// One configured instance the cases rely on.
struct CaseInstance {
  xvrrp_vrid_key key{};
  xvrrp_vrid_config cfg{};
  std::vector<std::pair<xvrrp_peer_key, xvrrp_peer_value>> peers;
};

/// The event fields an accepted row must produce (the rest is cross-checked
/// between BPF and C++).
struct CaseEvent {
  std::uint8_t version = 0;
  std::uint8_t vrid = 0;
  std::uint8_t priority = 0;
  std::uint8_t naddrs = 0;
  std::uint8_t flags = 0;
  std::uint8_t ttl = 0;
  std::uint16_t advert_int_cs = 0;
  /// XVRRP_EVT_PAYLOAD: the payload's length and the message's in it.
  std::uint16_t payload_len = 0;
  std::uint16_t msg_len = 0;
};

struct ReceiveCase {
  std::string name;  ///< gtest parameter name: [A-Za-z0-9_]
  std::vector<std::uint8_t> frame;
  packet::Verdict::Kind verdict = packet::Verdict::Kind::NotVrrp;
  int reason = -1;                 ///< XVRRP_REJECT_* (Rejected, NotOurs), else -1
  xvrrp_vrid_key key{};            ///< counters entry; all zero for NotVrrp
  std::optional<CaseEvent> event;  ///< Accepted only
};

/// gtest prints a row by its name.
inline void PrintTo(const ReceiveCase& c, std::ostream* os) { *os << c.name; }

/// VRID 100 v2 unicast from 192.0.2.5 (the article's seed instance); VRID 101
/// the same with per-peer TTL ranges (192.0.2.8: 64..64, 192.0.2.5: 255..255);
/// VRID 50 v3 IPv4 multicast; VRID 60 v3 IPv6 multicast. auth_hmac: VRID 70 v3
/// IPv4 multicast (enforce: trailer required), VRID 71 v3 IPv6 multicast
/// (permissive), VRID 72 v2 IPv4 unicast from 192.0.2.5 (enforce).
inline std::vector<CaseInstance> case_instances() {
  using packet::make_peer_key;
  using packet::make_vrid_key;
  std::vector<CaseInstance> out;
  CaseInstance seed;
  seed.key = make_vrid_key(kCaseIfindex, 100, AF_INET);
  seed.cfg = seed_vrid_config();
  seed.peers = {{make_peer_key(seed.key, ip("192.0.2.5")), packet::kAnyTtlPeer}};
  out.push_back(seed);

  CaseInstance ranged;
  ranged.key = make_vrid_key(kCaseIfindex, 101, AF_INET);
  ranged.cfg = seed_vrid_config();
  ranged.cfg.min_ttl = 64;  // the hull of the peers' ranges
  ranged.peers = {{make_peer_key(ranged.key, ip("192.0.2.5")), {255, 255, {0, 0}, 0}},
                  {make_peer_key(ranged.key, ip("192.0.2.8")), {64, 64, {0, 0}, 0}}};
  out.push_back(ranged);

  xvrrp_vrid_config v3{};
  v3.version = 3;
  v3.advert_int_cs = 10;
  out.push_back({make_vrid_key(kCaseIfindex, 50, AF_INET), v3, {}});
  out.push_back({make_vrid_key(kCaseIfindex, 60, AF_INET6), v3, {}});

  xvrrp_vrid_config hmac = v3;
  hmac.flags = XVRRP_CFG_AUTH_HMAC | XVRRP_CFG_HMAC_REQUIRED;
  out.push_back({make_vrid_key(kCaseIfindex, 70, AF_INET), hmac, {}});
  hmac.flags = XVRRP_CFG_AUTH_HMAC;
  out.push_back({make_vrid_key(kCaseIfindex, 71, AF_INET6), hmac, {}});
  CaseInstance hmac2;
  hmac2.key = make_vrid_key(kCaseIfindex, 72, AF_INET);
  hmac2.cfg = seed_vrid_config();
  hmac2.cfg.auth_type = XVRRP_AUTH_NONE;
  std::memset(hmac2.cfg.auth_pass, 0, sizeof hmac2.cfg.auth_pass);
  hmac2.cfg.flags |= XVRRP_CFG_AUTH_HMAC | XVRRP_CFG_HMAC_REQUIRED;
  hmac2.peers = {{make_peer_key(hmac2.key, ip("192.0.2.5")), packet::kAnyTtlPeer}};
  out.push_back(hmac2);
  return out;
}

namespace receive_cases_detail {

using Bytes = std::vector<std::uint8_t>;
using packet::Advert;
using packet::FrameOptions;
using Kind = packet::Verdict::Kind;

inline constexpr std::size_t kIp4 = 14;        // IPv4 header in an untagged frame
inline constexpr std::size_t kMsg4 = 14 + 20;  // VRRP message after a 20-byte header

inline FrameOptions macs(FrameOptions fo = {}) {
  fo.src_mac = {0x02, 0, 0, 0, 0, 5};
  if (fo.dst_mac == std::array<std::uint8_t, 6>{}) fo.dst_mac = {0x02, 0, 0, 0, 0, 6};
  return fo;
}

inline Bytes v2_frame(Advert a = seed_advert(), FrameOptions fo = {},
                      const char* src = "192.0.2.5") {
  return packet::build_advert_frame(macs(fo), a, ip(src), ip("192.0.2.6"));
}

inline Advert v3(std::uint8_t vrid, std::vector<IpAddress> addrs) {
  Advert a;
  a.version = 3;
  a.vrid = vrid;
  a.priority = 150;
  a.advert_int_cs = 10;
  a.addrs = std::move(addrs);
  return a;
}

inline Bytes v3_v4_frame(Advert a, packet::ChecksumMode mode = packet::ChecksumMode::Auto) {
  return packet::build_advert_frame(FrameOptions{}, a, ip("198.51.100.10"), ip("224.0.0.18"), mode);
}

inline Bytes v3_v6_frame(Advert a, FrameOptions fo = {},
                         packet::ChecksumMode mode = packet::ChecksumMode::Auto) {
  return packet::build_advert_frame(fo, a, ip("fe80::10"), ip("ff02::12"), mode);
}

inline void put_be16(Bytes& f, std::size_t off, std::uint16_t v) {
  f[off] = static_cast<std::uint8_t>(v >> 8);
  f[off + 1] = static_cast<std::uint8_t>(v);
}

// Recomputes a v2 message's checksum after a row patched it.
inline void fix_v2_checksum(Bytes& f, std::size_t msg_off, std::size_t msg_len) {
  f[msg_off + 6] = f[msg_off + 7] = 0;
  put_be16(f, msg_off + 6,
           packet::internet_checksum(std::span<const std::uint8_t>(f.data() + msg_off, msg_len)));
}

// An auth_hmac trailer (ext_type 1, key id 1, a sequence, a MAC the program
// cannot check) after `msg`, from src to dst; the IPv6 checksum covers it.
inline Bytes with_trailer(Bytes msg, const IpAddress& src, const IpAddress& dst,
                          std::uint8_t ext_type = 1, std::uint8_t reserved_lo = 0,
                          std::size_t trailer_len = XVRRP_HMAC_TRAILER_LEN) {
  const std::size_t off = msg.size();
  msg.resize(off + trailer_len, 0xa5);
  if (trailer_len >= 4) {
    msg[off] = ext_type;
    msg[off + 1] = 1;
    msg[off + 2] = 0;
    msg[off + 3] = reserved_lo;
  }
  if (src.is_v6()) {
    msg[6] = msg[7] = 0;
    put_be16(msg, 6,
             packet::internet_checksum(
                 msg, packet::pseudo_header_sum(src, dst, XVRRP_IPPROTO,
                                                static_cast<std::uint32_t>(msg.size()))));
  }
  return msg;
}

inline xvrrp_vrid_key key(std::uint8_t vrid, int family) {
  return packet::make_vrid_key(kCaseIfindex, vrid, family);
}

inline ReceiveCase accepted(std::string name, Bytes frame, std::uint8_t vrid, int family,
                            CaseEvent ev) {
  ev.vrid = vrid;
  return {std::move(name), std::move(frame), Kind::Accepted, -1, key(vrid, family), ev};
}

inline ReceiveCase rejected(std::string name, Bytes frame, int reason, std::uint8_t vrid,
                            int family = AF_INET) {
  return {std::move(name), std::move(frame), Kind::Rejected, reason, key(vrid, family), {}};
}

inline ReceiveCase not_ours(std::string name, Bytes frame, int reason, int family = AF_INET) {
  return {std::move(name),
          std::move(frame),
          Kind::NotOurs,
          reason,
          key(XVRRP_VRID_NOT_OURS, family),
          {}};
}

inline ReceiveCase not_vrrp(std::string name, Bytes frame) {
  return {std::move(name), std::move(frame), Kind::NotVrrp, -1, {}, {}};
}

}  // namespace receive_cases_detail

/// Every row; names are unique.
inline std::vector<ReceiveCase> receive_cases() {
  using namespace receive_cases_detail;
  const CaseEvent seed_ev{2, 100, 100, 1, 0, 255, 100};
  const CaseEvent v3_ev{3, 0, 150, 1, XVRRP_EVT_V3_PSEUDO_CSUM, 255, 10};
  std::vector<ReceiveCase> c;

  // ---- Accepted (rule m) ----
  c.push_back(accepted("seed_v2_unicast", v2_frame(), 100, AF_INET, seed_ev));
  {
    FrameOptions fo;
    fo.pad_to = 60;
    Bytes f = v2_frame(seed_advert(), fo);
    f.back() = 0xee;  // padding content does not matter
    c.push_back(accepted("seed_v2_ethernet_padding", f, 100, AF_INET, seed_ev));
  }
  {
    FrameOptions fo;
    fo.ipv4_options = {0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00};  // RA, NOPs, EOL
    c.push_back(
        accepted("seed_v2_ipv4_options", v2_frame(seed_advert(), fo), 100, AF_INET, seed_ev));
  }
  {
    Bytes f = v2_frame();
    put_be16(f, kIp4 + 6, 0x4000);  // DF alone (the IP header checksum is not checked)
    c.push_back(accepted("seed_v2_dont_fragment", f, 100, AF_INET, seed_ev));
  }
  {
    Advert zero = seed_advert();
    zero.priority = 0;
    CaseEvent ev = seed_ev;
    ev.priority = 0;
    c.push_back(accepted("seed_v2_priority_0", v2_frame(zero), 100, AF_INET, ev));
  }
  {
    Advert two = v3(50, {ip("198.51.100.1"), ip("198.51.100.2")});
    CaseEvent ev = v3_ev;
    ev.naddrs = 2;
    c.push_back(accepted("v3_ipv4_pseudo_header_checksum", v3_v4_frame(two), 50, AF_INET, ev));
    ev.flags = 0;
    c.push_back(accepted("v3_ipv4_rfc9568_checksum",
                         v3_v4_frame(two, packet::ChecksumMode::V3NoPseudo), 50, AF_INET, ev));
  }
  {
    Advert a = v3(60, {ip("2001:db8::1"), ip("fe80::1")});
    CaseEvent ev = v3_ev;
    ev.naddrs = 2;
    c.push_back(accepted("v3_ipv6", v3_v6_frame(a), 60, AF_INET6, ev));
    a.advert_int_cs = 4095;  // v3 never compares the interval
    ev.advert_int_cs = 4095;
    c.push_back(accepted("v3_ipv6_any_interval", v3_v6_frame(a), 60, AF_INET6, ev));
    Advert big = v3(60, {});
    big.addrs.assign(63, ip("2001:db8::1"));  // 8 + 63 * 16 = 1016 <= XVRRP_MAX_VRRP_LEN
    ev.naddrs = 63;
    ev.advert_int_cs = 10;
    c.push_back(accepted("v3_ipv6_63_addresses", v3_v6_frame(big), 60, AF_INET6, ev));
  }
  {
    Advert a = seed_advert();
    a.vrid = 101;
    FrameOptions ttl64;
    ttl64.ttl = 64;
    CaseEvent ev = seed_ev;
    ev.ttl = 64;
    c.push_back(
        accepted("peer_ttl_inside_its_range", v2_frame(a, ttl64, "192.0.2.8"), 101, AF_INET, ev));
  }

  // ---- Ours, rejected (rules e-l) ----
  {
    Bytes f = v2_frame();
    f[kIp4 + 3] += 1;  // IP total length beyond the frame
    c.push_back(rejected("length_ip_total_beyond_frame", f, XVRRP_REJECT_LENGTH_MISMATCH, 100));
    f = v2_frame();
    put_be16(f, kIp4 + 6, 0x2000);  // MF: a first fragment
    c.push_back(rejected("length_first_fragment", f, XVRRP_REJECT_LENGTH_MISMATCH, 100));
    Bytes f6 = v3_v6_frame(v3(60, {ip("2001:db8::1")}));
    put_be16(f6, 14 + 4, static_cast<std::uint16_t>(f6.size() - 14 - 40 + 1));
    c.push_back(rejected("length_ipv6_payload_beyond_frame", f6, XVRRP_REJECT_LENGTH_MISMATCH, 60,
                         AF_INET6));
  }
  {
    Bytes f = packet::build_frame(macs(), ip("192.0.2.5"), ip("192.0.2.6"), 112,
                                  Bytes{0x21, 100, 100, 0});
    c.push_back(rejected("too_short_message", f, XVRRP_REJECT_TOO_SHORT, 100));
    Bytes f6 =
        packet::build_frame({}, ip("fe80::5"), ip("ff02::12"), 112, Bytes{0x31, 60, 0, 0, 0, 0, 0});
    c.push_back(rejected("too_short_message_ipv6", f6, XVRRP_REJECT_TOO_SHORT, 60, AF_INET6));
  }
  {
    Advert big = v3(60, {});
    big.addrs.assign(64, ip("2001:db8::1"));  // 1032 > XVRRP_MAX_VRRP_LEN
    c.push_back(rejected("length_above_max_vrrp_len", v3_v6_frame(big),
                         XVRRP_REJECT_LENGTH_MISMATCH, 60, AF_INET6));
  }
  {
    c.push_back(rejected("bad_version_v3_to_v2_instance", v2_frame(v3(100, {ip("192.0.2.100")})),
                         XVRRP_REJECT_BAD_VERSION, 100));
    Advert a = seed_advert();
    a.type = 2;
    c.push_back(rejected("bad_type_2", v2_frame(a), XVRRP_REJECT_BAD_TYPE, 100));
  }
  {
    Bytes f = v2_frame();
    f[kMsg4 + 3] = 2;  // count says 2 addresses, the message holds 1
    fix_v2_checksum(f, kMsg4, 20);
    c.push_back(rejected("length_address_count", f, XVRRP_REJECT_LENGTH_MISMATCH, 100));
    Bytes longer = packet::encode(seed_advert(), ip("192.0.2.5"), ip("192.0.2.6"));
    longer.insert(longer.end(), {0, 0, 0, 0});  // bytes inside the IP packet are not padding
    c.push_back(rejected("length_trailing_bytes",
                         packet::build_frame(macs(), ip("192.0.2.5"), ip("192.0.2.6"), 112, longer),
                         XVRRP_REJECT_LENGTH_MISMATCH, 100));
  }
  {
    FrameOptions fo;
    fo.ttl = 254;
    c.push_back(
        rejected("bad_ttl_unicast_254", v2_frame(seed_advert(), fo), XVRRP_REJECT_BAD_TTL, 100));
    FrameOptions hl;
    hl.ipv6_hop_limit = 64;
    c.push_back(rejected("bad_ttl_ipv6_multicast_hop_limit_64",
                         v3_v6_frame(v3(60, {ip("2001:db8::1")}), hl), XVRRP_REJECT_BAD_TTL, 60,
                         AF_INET6));
    Advert a = seed_advert();
    a.vrid = 101;
    FrameOptions ttl63;
    ttl63.ttl = 63;
    c.push_back(rejected("bad_ttl_below_the_peers_hull", v2_frame(a, ttl63, "192.0.2.8"),
                         XVRRP_REJECT_BAD_TTL, 101));
    c.push_back(rejected("bad_ttl_outside_the_peers_own_range", v2_frame(a, {}, "192.0.2.8"),
                         XVRRP_REJECT_BAD_TTL, 101));
    FrameOptions ttl64;
    ttl64.ttl = 64;
    c.push_back(rejected("bad_ttl_another_peers_range", v2_frame(a, ttl64, "192.0.2.5"),
                         XVRRP_REJECT_BAD_TTL, 101));
  }
  {
    Bytes f = v2_frame();
    f[kMsg4 + 7] ^= 0xff;
    c.push_back(rejected("bad_checksum_v2", f, XVRRP_REJECT_BAD_CHECKSUM, 100));
    // A v2 message checksummed as v3 with the pseudo-header must not pass as v2.
    f = v2_frame();
    f[kMsg4 + 6] = f[kMsg4 + 7] = 0;
    put_be16(f, kMsg4 + 6,
             packet::internet_checksum(
                 std::span<const std::uint8_t>(f.data() + kMsg4, 20),
                 packet::pseudo_header_sum(ip("192.0.2.5"), ip("192.0.2.6"), 112, 20)));
    c.push_back(
        rejected("bad_checksum_v2_in_pseudo_header_form", f, XVRRP_REJECT_BAD_CHECKSUM, 100));
    Bytes v3f = v3_v4_frame(v3(50, {ip("198.51.100.1")}), packet::ChecksumMode::V3NoPseudo);
    v3f.back() ^= 0x01;
    c.push_back(rejected("bad_checksum_v3_ipv4_neither_form", v3f, XVRRP_REJECT_BAD_CHECKSUM, 50));
    c.push_back(
        rejected("bad_checksum_v3_ipv6_without_pseudo_header",
                 v3_v6_frame(v3(60, {ip("2001:db8::1")}), {}, packet::ChecksumMode::V3NoPseudo),
                 XVRRP_REJECT_BAD_CHECKSUM, 60, AF_INET6));
  }
  {
    // Multicast instances take adverts sent to the VRRP group only (RFC 5798 §5.1.1.2,
    // §5.1.2.2): not one unicast to a host, nor one sent to another group.
    const Advert a4 = v3(50, {ip("198.51.100.1")});
    for (const auto& [name, dst] : {std::pair{"bad_dest_ipv4_unicast", "198.51.100.20"},
                                    std::pair{"bad_dest_ipv4_other_group", "224.0.0.19"}}) {
      c.push_back(rejected(
          name, packet::build_advert_frame(FrameOptions{}, a4, ip("198.51.100.10"), ip(dst)),
          XVRRP_REJECT_BAD_DEST, 50));
    }
    const Advert a6 = v3(60, {ip("2001:db8::1")});
    for (const auto& [name, dst] : {std::pair{"bad_dest_ipv6_unicast", "2001:db8::20"},
                                    std::pair{"bad_dest_ipv6_all_nodes", "ff02::1"}}) {
      FrameOptions fo;
      fo.dst_mac = {0x33, 0x33, 0, 0, 0, 0x12};
      c.push_back(rejected(name, packet::build_advert_frame(fo, a6, ip("fe80::10"), ip(dst)),
                           XVRRP_REJECT_BAD_DEST, 60, AF_INET6));
    }
  }
  c.push_back(rejected("unknown_peer", v2_frame(seed_advert(), {}, "192.0.2.7"),
                       XVRRP_REJECT_UNKNOWN_PEER, 100));
  {
    Advert a = seed_advert();
    a.auth_data[7] ^= 1;
    c.push_back(rejected("auth_wrong_password", v2_frame(a), XVRRP_REJECT_AUTH_MISMATCH, 100));
    std::memcpy(a.auth_data.data(), "4h[-/Bhj", 8);  // the common misreading of the seed's
    c.push_back(rejected("auth_password_case", v2_frame(a), XVRRP_REJECT_AUTH_MISMATCH, 100));
    a = seed_advert();
    a.auth_type = XVRRP_AUTH_NONE;
    a.auth_data = {};
    c.push_back(rejected("auth_type_none", v2_frame(a), XVRRP_REJECT_AUTH_MISMATCH, 100));
    a = seed_advert();
    a.advert_int_cs = 200;
    c.push_back(rejected("interval_2s", v2_frame(a), XVRRP_REJECT_INTERVAL_MISMATCH, 100));
  }

  // ---- auth_hmac (rules h, j, l, m): what the program checks without the key ----
  {
    const Advert a4 = v3(70, {ip("198.51.100.1")});
    const Bytes m4 = packet::encode(a4, ip("198.51.100.10"), ip("224.0.0.18"));
    CaseEvent ev = v3_ev;
    ev.flags |= XVRRP_EVT_PAYLOAD;
    ev.msg_len = static_cast<std::uint16_t>(m4.size());
    ev.payload_len = static_cast<std::uint16_t>(m4.size() + XVRRP_HMAC_TRAILER_LEN);
    auto f4 = [&](Bytes msg) {
      return packet::build_frame({}, ip("198.51.100.10"), ip("224.0.0.18"), XVRRP_IPPROTO, msg);
    };
    const IpAddress s4 = ip("198.51.100.10"), d4 = ip("224.0.0.18");
    c.push_back(accepted("hmac_v3_ipv4_trailer", f4(with_trailer(m4, s4, d4)), 70, AF_INET, ev));
    c.push_back(rejected("hmac_enforce_without_trailer", f4(m4), XVRRP_REJECT_AUTH_MISMATCH, 70));
    c.push_back(rejected("hmac_unknown_scheme", f4(with_trailer(m4, s4, d4, 2)),
                         XVRRP_REJECT_AUTH_MISMATCH, 70));
    c.push_back(rejected("hmac_reserved_not_zero", f4(with_trailer(m4, s4, d4, 1, 1)),
                         XVRRP_REJECT_AUTH_MISMATCH, 70));
    c.push_back(rejected("hmac_trailer_short", f4(with_trailer(m4, s4, d4, 1, 0, 24)),
                         XVRRP_REJECT_LENGTH_MISMATCH, 70));
    Bytes covered = with_trailer(m4, s4, d4);
    put_be16(covered, 6, 0);
    put_be16(covered, 6,
             packet::internet_checksum(
                 covered, packet::pseudo_header_sum(s4, d4, XVRRP_IPPROTO,
                                                    static_cast<std::uint32_t>(covered.size()))));
    c.push_back(
        rejected("hmac_ipv4_checksum_over_trailer", f4(covered), XVRRP_REJECT_BAD_CHECKSUM, 70));
    // An instance without auth_hmac takes no trailer.
    const Bytes m50 = packet::encode(v3(50, {ip("198.51.100.1")}), s4, d4);
    c.push_back(rejected("trailer_without_auth_hmac", f4(with_trailer(m50, s4, d4)),
                         XVRRP_REJECT_LENGTH_MISMATCH, 50));
  }
  {
    const IpAddress s6 = ip("fe80::10"), d6 = ip("ff02::12");
    const Bytes m6 = packet::encode(v3(71, {ip("2001:db8::1")}), s6, d6);
    CaseEvent ev = v3_ev;
    ev.flags |= XVRRP_EVT_PAYLOAD;
    ev.msg_len = static_cast<std::uint16_t>(m6.size());
    ev.payload_len = static_cast<std::uint16_t>(m6.size() + XVRRP_HMAC_TRAILER_LEN);
    auto f6 = [&](Bytes msg) { return packet::build_frame({}, s6, d6, XVRRP_IPPROTO, msg); };
    c.push_back(accepted("hmac_v3_ipv6_trailer", f6(with_trailer(m6, s6, d6)), 71, AF_INET6, ev));
    // Permissive: an unsigned advert is handed over too, for the daemon to decide.
    ev.payload_len = ev.msg_len;
    c.push_back(accepted("hmac_permissive_unsigned", f6(m6), 71, AF_INET6, ev));
    // The checksum of a sender that left the trailer out of it.
    Bytes uncovered = m6;
    uncovered.resize(m6.size() + XVRRP_HMAC_TRAILER_LEN, 0xa5);
    uncovered[m6.size()] = 1;
    uncovered[m6.size() + 1] = 1;
    uncovered[m6.size() + 2] = uncovered[m6.size() + 3] = 0;
    c.push_back(rejected("hmac_ipv6_checksum_without_trailer", f6(uncovered),
                         XVRRP_REJECT_BAD_CHECKSUM, 71, AF_INET6));
  }
  {
    Advert a = seed_advert();
    a.vrid = 72;
    a.auth_type = XVRRP_AUTH_NONE;
    a.auth_data = {};
    const Bytes m2 = packet::encode(a, ip("192.0.2.5"), ip("192.0.2.6"));
    CaseEvent ev = seed_ev;
    ev.flags = XVRRP_EVT_PAYLOAD;
    ev.msg_len = static_cast<std::uint16_t>(m2.size());
    ev.payload_len = static_cast<std::uint16_t>(m2.size() + XVRRP_HMAC_TRAILER_LEN);
    c.push_back(
        accepted("hmac_v2_unicast_trailer",
                 packet::build_frame(macs(), ip("192.0.2.5"), ip("192.0.2.6"), XVRRP_IPPROTO,
                                     with_trailer(m2, ip("192.0.2.5"), ip("192.0.2.6"))),
                 72, AF_INET, ev));
  }

  // ---- Not ours: passed, counted in the not-ours entry (rules c-d) ----
  {
    Advert other = seed_advert();
    other.vrid = 51;
    Bytes f = packet::build_advert_frame({}, other, ip("192.0.2.21"), ip("224.0.0.18"));
    c.push_back(not_ours("other_vrid_51", f, XVRRP_REJECT_UNKNOWN_VRID));
    f[kMsg4 + 7] ^= 0xff;
    c.push_back(not_ours("other_vrid_51_bad_checksum", f, XVRRP_REJECT_UNKNOWN_VRID));
    c.push_back(not_ours("vrid_60_over_ipv4", v3_v4_frame(v3(60, {ip("198.51.100.1")})),
                         XVRRP_REJECT_UNKNOWN_VRID));
    c.push_back(not_ours("vrid_50_over_ipv6", v3_v6_frame(v3(50, {ip("2001:db8::1")})),
                         XVRRP_REJECT_UNKNOWN_VRID, AF_INET6));
  }
  {
    Bytes f = v2_frame();
    f[kIp4] = 0x44;  // IHL 4: where the VRID is cannot be told
    c.push_back(not_ours("unattributable_ihl_4", f, XVRRP_REJECT_TOO_SHORT));
    f[kIp4] = 0x4f;  // IHL 15: a 60-byte header, more than the frame holds
    c.push_back(not_ours("unattributable_ihl_beyond_frame", f, XVRRP_REJECT_TOO_SHORT));
    f = v2_frame();
    put_be16(f, kIp4 + 6, 0x0001);  // offset 8: no VRRP header in it
    c.push_back(not_ours("unattributable_non_first_fragment", f, XVRRP_REJECT_TOO_SHORT));
    f = v2_frame();
    put_be16(f, kIp4 + 2, 19);  // total length below the header: the VRID is outside
    c.push_back(not_ours("unattributable_total_length_below_header", f, XVRRP_REJECT_TOO_SHORT));
    c.push_back(not_ours("unattributable_one_byte_ipv6",
                         packet::build_frame({}, ip("fe80::5"), ip("ff02::12"), 112, Bytes{0x31}),
                         XVRRP_REJECT_TOO_SHORT, AF_INET6));
  }

  // ---- Not VRRP (rules a-b): passed, counted nowhere ----
  {
    FrameOptions fo = macs();
    Bytes udp = {0x12, 0x34, 0x00, 0x35, 0x00, 0x0c, 0x00, 0x00, 'x', 'v', 'r', 'p'};
    c.push_back(
        not_vrrp("udp", packet::build_frame(fo, ip("192.0.2.1"), ip("192.0.2.2"), 17, udp)));
    Bytes broken = packet::build_frame(fo, ip("192.0.2.1"), ip("192.0.2.2"), 17, udp);
    broken[kIp4] = 0x42;  // a broken header of another protocol passes untouched
    c.push_back(not_vrrp("udp_broken_header", broken));
    c.push_back(not_vrrp("icmp", packet::build_frame(fo, ip("192.0.2.1"), ip("192.0.2.2"), 1,
                                                     Bytes{8, 0, 0xf7, 0xff, 0, 0, 0, 0})));
    Bytes tcp(20, 0);
    tcp[12] = 0x50;
    c.push_back(not_vrrp("ipv6_tcp",
                         packet::build_frame(fo, ip("2001:db8::1"), ip("2001:db8::2"), 6, tcp)));
    Bytes hbh = {112, 0, 1, 4, 0, 0, 0, 0};
    Bytes msg = packet::encode(v3(60, {ip("2001:db8::1")}), ip("fe80::10"), ip("ff02::12"));
    hbh.insert(hbh.end(), msg.begin(), msg.end());
    c.push_back(not_vrrp("ipv6_hop_by_hop_then_vrrp",
                         packet::build_frame(fo, ip("fe80::10"), ip("ff02::12"), 0, hbh)));
    Bytes arp = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0,    0, 0,   1, 0x08, 0x06,
                 0x00, 0x01, 0x08, 0x00, 6,    4,    0x00, 1, 0x02, 0, 0,   0, 0,    1,
                 192,  0,    2,    1,    0,    0,    0,    0, 0,    0, 192, 0, 2,    100};
    arp.resize(60, 0);
    c.push_back(not_vrrp("arp", arp));
    FrameOptions vlan = macs();
    vlan.vlan_tcis = {42};
    c.push_back(not_vrrp("vlan_tagged_seed_advert", v2_frame(seed_advert(), vlan)));
    FrameOptions qinq = macs();
    qinq.vlan_tpids = {0x88a8, 0x8100};
    qinq.vlan_tcis = {7, 42};
    c.push_back(not_vrrp("qinq_tagged_seed_advert", v2_frame(seed_advert(), qinq)));
    c.push_back(
        not_vrrp("vlan_tagged_ipv6_advert", v3_v6_frame(v3(60, {ip("2001:db8::1")}), vlan)));
  }
  return c;
}

/// Which layer of each row write_receive_seeds() writes.
enum class SeedLayer {
  Ethernet,  ///< the whole frame (validate_frame, the XDP program)
  Ip,        ///< from the IP header on, untagged rows only (validate_ip, decode)
};

/// Writes every row's frame to `dir`/<name>.bin (the directory must exist).
/// Returns the number of files written; throws std::runtime_error naming the
/// file on a write error.
inline std::size_t write_receive_seeds(const std::string& dir, SeedLayer layer) {
  std::size_t n = 0;
  for (const ReceiveCase& c : receive_cases()) {
    std::vector<std::uint8_t> bytes = c.frame;
    if (layer == SeedLayer::Ip) {
      if (bytes.size() < 14) continue;
      const std::uint16_t type = static_cast<std::uint16_t>((bytes[12] << 8) | bytes[13]);
      if (type != packet::kEthPIpv4 && type != packet::kEthPIpv6) continue;
      bytes.erase(bytes.begin(), bytes.begin() + 14);
    }
    const std::string path = dir + "/" + c.name + ".bin";
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) throw std::runtime_error(path + ": " + std::strerror(errno));
    const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    if (std::fclose(f) != 0 || !ok) throw std::runtime_error(path + ": write failed");
    ++n;
  }
  return n;
}

}  // namespace xvrrp::test_support
