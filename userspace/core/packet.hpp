// SPDX-License-Identifier: GPL-2.0-or-later
// VRRP packet layer: message codec (RFC 3768 §5, RFC 5798 §5), IPv4/IPv6/Ethernet
// frame builder, and the receive validator that applies exactly the rules the XDP
// program applies (so the socket receive path and XDP agree byte for byte).
//
// Pure functions over byte spans: no sockets, no libbpf, no global state.
// Multi-byte wire fields are big-endian on the wire; every integer in this API is a
// host-order value unless its name or type (__be32) says otherwise.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "common/ip_address.hpp"
#include "xvrrp/abi.h"

namespace xvrrp::packet {

inline constexpr std::size_t kVrrpHeaderLen = 8;   // words 0 and 1
inline constexpr std::size_t kVrrpV2AuthLen = 8;   // RFC 3768 §5.3.11 trailer
inline constexpr std::size_t kIpv4HeaderLen = 20;  // without options
inline constexpr std::size_t kIpv4MaxOptionsLen = 40;
inline constexpr std::size_t kIpv6HeaderLen = 40;
inline constexpr std::size_t kEthHeaderLen = 14;
inline constexpr std::size_t kVlanTagLen = 4;
inline constexpr std::uint16_t kEthPIpv4 = 0x0800;
inline constexpr std::uint16_t kEthPIpv6 = 0x86dd;
inline constexpr std::uint16_t kEthP8021Q = 0x8100;
inline constexpr std::uint16_t kEthP8021AD = 0x88a8;

/// 224.0.0.18 (RFC 3768 §5.2.2) and ff02::12 (RFC 5798 §5.1.2.2).
IpAddress vrrp_multicast_v4();
IpAddress vrrp_multicast_v6();
/// Ethernet address of an IP multicast group: 01:00:5e + low 23 bits (RFC 1112 §6.4),
/// 33:33 + low 32 bits (RFC 2464 §7). nullopt for a non-multicast address.
std::optional<std::array<std::uint8_t, 6>> multicast_mac(const IpAddress& group);

// ---- Checksums (RFC 1071) ----------------------------------------------------

/// One's complement checksum of `data` (big-endian 16-bit words, odd tail padded
/// with zero) added to `initial` (an unfolded sum, e.g. from pseudo_header_sum()).
/// Returns the value to store big-endian in the checksum field. Over a buffer whose
/// checksum field is already filled in correctly it returns 0 (that is how to verify).
std::uint16_t internet_checksum(std::span<const std::uint8_t> data, std::uint32_t initial = 0);

/// Unfolded sum of the RFC 768 (IPv4) or RFC 8200 §8.1 (IPv6) pseudo-header for an
/// upper-layer packet of `upper_len` bytes. `src` and `dst` must be the same family.
std::uint32_t pseudo_header_sum(const IpAddress& src, const IpAddress& dst, std::uint8_t proto,
                                std::uint32_t upper_len);

// ---- VRRP message codec ------------------------------------------------------

/// One VRRP advertisement as carried in the IP payload.
struct Advert {
  std::uint8_t version = 2;  // 2 (RFC 3768) or 3 (RFC 5798)
  std::uint8_t type = 1;     // 4 bits; anything but 1 is invalid on the wire (kept for tests)
  std::uint8_t vrid = 0;
  std::uint8_t priority = 100;
  /// Advertisement interval in centiseconds. v2 carries whole seconds, so encoding
  /// divides by 100 (truncating); v3 carries the 12-bit Max Adver Int field as is.
  std::uint16_t advert_int_cs = 100;
  std::uint8_t auth_type = 0;               // v2 only (XVRRP_AUTH_*)
  std::array<std::uint8_t, 8> auth_data{};  // v2 only: the 8-octet trailer, zero padded
  /// Same family as the IP source; Count IP Addrs is addrs.size().
  std::vector<IpAddress> addrs;

  friend bool operator==(const Advert&, const Advert&) = default;
};

enum class ChecksumMode {
  /// v2: over the VRRP message only. v3 IPv4: with the IPv4 pseudo-header (RFC 5798
  /// as keepalived and FRR implement it by default). v3 IPv6: with the pseudo-header.
  Auto,
  /// v3 without pseudo-header, RFC 9568 IPv4 form. Applies to either family (for
  /// IPv6 that is deliberately wrong, useful to test rejection). Same as Auto for v2.
  V3NoPseudo,
};

/// Bytes the encoded message of `advert` occupies for an IP family (AF_INET /
/// AF_INET6): 8 + naddrs * (4 | 16) + (v2 ? 8 : 0).
std::size_t encoded_size(const Advert& advert, int family);

/// Why `advert` cannot be encoded between src and dst, or nullptr if it can.
/// Problems: version not 2/3, src not IPv4/IPv6, dst or an address of another
/// family, more than 255 addresses, v2 interval above 255 s, v3 interval above 4095 cs,
/// type above 15.
const char* encode_problem(const Advert& advert, const IpAddress& src, const IpAddress& dst);

/// Writes the VRRP message (checksum included; src/dst feed only the pseudo-header)
/// into `out`. Returns the bytes written, or 0 when `out` is too small or
/// encode_problem() is non-null. Never allocates. Callers that need a corrupt
/// message patch the bytes afterwards (checksum = bytes 6..7, big-endian).
std::size_t encode_into(const Advert& advert, const IpAddress& src, const IpAddress& dst,
                        ChecksumMode mode, std::span<std::uint8_t> out);

/// Allocating form of encode_into(). Throws std::invalid_argument naming the
/// offending field when encode_problem() is non-null.
std::vector<std::uint8_t> encode(const Advert& advert, const IpAddress& src, const IpAddress& dst,
                                 ChecksumMode mode = ChecksumMode::Auto);

/// Structural decode of a VRRP message (IP payload) for family AF_INET/AF_INET6:
/// version must be 2 or 3 and the message must hold the header, naddrs addresses
/// and (v2) the auth trailer; trailing bytes are ignored. Checksum, type, TTL and
/// configuration are NOT checked: that is validate_*()'s job.
std::optional<Advert> decode(std::span<const std::uint8_t> vrrp_msg, int family);

// ---- Frame builder -----------------------------------------------------------

/// Writes an IPv4 header (IHL from options, total length, header checksum, id 0,
/// DF clear, TOS 0) followed by `payload`. `ip_options` must be a multiple of 4
/// bytes and at most 40. Returns bytes written, or 0 if src/dst are not IPv4, the
/// options are malformed, the packet exceeds 65535 bytes or `out` is too small.
std::size_t build_ipv4_into(const IpAddress& src, const IpAddress& dst, std::uint8_t ttl,
                            std::uint8_t proto, std::span<const std::uint8_t> payload,
                            std::span<std::uint8_t> out,
                            std::span<const std::uint8_t> ip_options = {});

/// Writes a 40-byte IPv6 header (traffic class 0, flow label 0, next header
/// `proto`, no extension headers) followed by `payload`. Returns bytes written or 0
/// (src/dst not IPv6, payload above 65535 bytes, `out` too small).
std::size_t build_ipv6_into(const IpAddress& src, const IpAddress& dst, std::uint8_t hop_limit,
                            std::uint8_t proto, std::span<const std::uint8_t> payload,
                            std::span<std::uint8_t> out);

struct FrameOptions {
  std::array<std::uint8_t, 6> src_mac{};
  /// All zero: derived from a multicast destination via multicast_mac(); stays zero
  /// for a unicast destination.
  std::array<std::uint8_t, 6> dst_mac{};
  /// One VLAN tag per TCI, outer first (QinQ: 0x88a8 then 0x8100). vlan_tpids may be
  /// shorter than vlan_tcis; missing TPIDs default to 0x8100. Longer is an error.
  std::vector<std::uint16_t> vlan_tpids;
  std::vector<std::uint16_t> vlan_tcis;
  std::uint8_t ttl = 255;                  // IPv4 only
  std::vector<std::uint8_t> ipv4_options;  // IPv4 only; multiple of 4, <= 40 bytes
  std::size_t pad_to = 0;                  // zero-pad the frame to this size (e.g. 60)
  std::uint8_t ipv6_hop_limit = 255;       // IPv6 only
};

/// Ethernet + VLAN tags + IPv4 (with options) or IPv6 + payload + padding, without
/// FCS. Family from src. Throws std::invalid_argument on bad options/addresses.
std::vector<std::uint8_t> build_frame(const FrameOptions& opts, const IpAddress& src,
                                      const IpAddress& dst, std::uint8_t proto,
                                      std::span<const std::uint8_t> payload);

/// encode() + build_frame(proto 112).
std::vector<std::uint8_t> build_advert_frame(const FrameOptions& opts, const Advert& advert,
                                             const IpAddress& src, const IpAddress& dst,
                                             ChecksumMode mode = ChecksumMode::Auto);

// ---- Receive validator -------------------------------------------------------
//
// Applies the receive rules of include/xvrrp/abi.h ("Receive rules", a-m), in
// their order, exactly as bpf/xvrrp_xdp.bpf.c does; tests/bpf runs both over the
// case table in tests/support/receive_cases.hpp.

/// Read-only view of the xvrrp_vrid_config and xvrrp_peers maps.
struct ValidatorTables {
  virtual ~ValidatorTables();
  /// nullptr when absent. The pointer stays valid until the table changes.
  virtual const xvrrp_vrid_config* find_vrid(const xvrrp_vrid_key& key) const = 0;
  virtual bool has_peer(const xvrrp_peer_key& key) const = 0;
  /// The peer's entry (its TTL range), nullptr when absent. The default, for
  /// tables that only know membership, accepts any TTL from a present peer.
  virtual const xvrrp_peer_value* find_peer(const xvrrp_peer_key& key) const;
};

/// A peer entry that accepts any TTL / hop limit (0..255).
inline constexpr xvrrp_peer_value kAnyTtlPeer{0, 255, {0, 0}, 0};

/// Key with the padding zeroed. `family` is AF_INET or AF_INET6 (converted to XVRRP_AF_*).
xvrrp_vrid_key make_vrid_key(std::uint32_t ifindex, std::uint8_t vrid, int family);
/// Peer key for `addr` (IPv4 in addr[0], rest zero).
xvrrp_peer_key make_peer_key(const xvrrp_vrid_key& vrid, const IpAddress& addr);

/// In-memory tables (tests and the --rx=socket path). Keys compare bytewise,
/// padding included, exactly like a BPF hash map.
class MapTables final : public ValidatorTables {
 public:
  void set_vrid(const xvrrp_vrid_key& key, const xvrrp_vrid_config& cfg);
  void erase_vrid(const xvrrp_vrid_key& key);
  /// Adds or replaces a peer; `value` carries its TTL range.
  void add_peer(const xvrrp_peer_key& key, const xvrrp_peer_value& value = kAnyTtlPeer);
  void erase_peer(const xvrrp_peer_key& key);
  void clear();

  const xvrrp_vrid_config* find_vrid(const xvrrp_vrid_key& key) const override;
  bool has_peer(const xvrrp_peer_key& key) const override;
  const xvrrp_peer_value* find_peer(const xvrrp_peer_key& key) const override;

 private:
  std::map<std::array<std::uint8_t, sizeof(xvrrp_vrid_key)>, xvrrp_vrid_config> vrids_;
  std::map<std::array<std::uint8_t, sizeof(xvrrp_peer_key)>, xvrrp_peer_value> peers_;
};

struct Verdict {
  /// NotVrrp: rules a-b fail (not IPv4/IPv6 protocol 112, or VLAN-tagged).
  /// NotOurs: protocol 112, but not attributable (rule c) or of no configured
  /// instance (rule d). Both pass untouched and count nowhere.
  /// Rejected / Accepted: a configured instance's frame (rules e-m).
  enum class Kind { NotVrrp, NotOurs, Accepted, Rejected };
  Kind kind = Kind::NotVrrp;
  /// Rejected: XVRRP_REJECT_*. NotOurs: XVRRP_REJECT_UNKNOWN_VRID (rule d) or
  /// XVRRP_REJECT_TOO_SHORT (rule c). Otherwise -1.
  int reason = -1;
  /// The xvrrp_counters entry the frame counts in: {ifindex, vrid, family}
  /// when Rejected or Accepted, {ifindex, XVRRP_VRID_NOT_OURS, family} when
  /// NotOurs; all zero when NotVrrp.
  xvrrp_vrid_key counter_key{};
  xvrrp_advert_event event{};  // filled only when Accepted
  /// Accepted with XVRRP_CFG_AUTH_HMAC (event.flags has XVRRP_EVT_PAYLOAD): the
  /// IP payload up to the IP length, inside the validated buffer, and the VRRP
  /// message's length in it (the rest is the trailer). Else empty and 0.
  std::span<const std::uint8_t> payload;
  std::size_t msg_len = 0;
};

/// Validates an Ethernet frame (no FCS) received on `ifindex` at `ts_ns`
/// (CLOCK_MONOTONIC ns, copied into the event).
Verdict validate_frame(std::span<const std::uint8_t> eth_frame, std::uint32_t ifindex,
                       std::uint64_t ts_ns, const ValidatorTables& tables);
/// Same rules from the IP header on (raw socket receive). The family comes from the
/// version nibble (4 or 6, anything else or an empty buffer is NotVrrp).
Verdict validate_ip(std::span<const std::uint8_t> ip_packet, std::uint32_t ifindex,
                    std::uint64_t ts_ns, const ValidatorTables& tables);

/// FNV-1a over the list as 32-bit words loaded in host order (memcpy of 4 bytes):
/// h = 0x811c9dc5; h ^= w; h *= 0x01000193. A trailing partial word is ignored.
std::uint32_t addr_hash(std::span<const std::uint8_t> addr_list);

/// Stable snake_case name of an XVRRP_REJECT_* value ("too_short", ...), or
/// "invalid" outside [0, XVRRP_REJECT_MAX).
const char* reject_reason_name(int reason);

}  // namespace xvrrp::packet
