// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/packet.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace xvrrp::packet {
namespace {

void put_be16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}

std::uint16_t get_be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

std::uint32_t sum_be16_words(const std::uint8_t* p, std::size_t n) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < n; i += 2) sum += get_be16(p + i);
  return sum;
}

std::size_t addr_len(int family) { return family == AF_INET ? 4 : (family == AF_INET6 ? 16 : 0); }

}  // namespace

IpAddress vrrp_multicast_v4() {
  IpAddress a;
  a.family = AF_INET;
  a.bytes[0] = 224;
  a.bytes[3] = 18;
  return a;
}

IpAddress vrrp_multicast_v6() {
  IpAddress a;
  a.family = AF_INET6;
  a.bytes[0] = 0xff;
  a.bytes[1] = 0x02;
  a.bytes[15] = 0x12;
  return a;
}

std::optional<std::array<std::uint8_t, 6>> multicast_mac(const IpAddress& group) {
  if (group.is_v4() && (group.bytes[0] & 0xf0) == 0xe0) {
    return std::array<std::uint8_t, 6>{
        0x01,           0x00,          0x5e, static_cast<std::uint8_t>(group.bytes[1] & 0x7f),
        group.bytes[2], group.bytes[3]};
  }
  if (group.is_v6() && group.bytes[0] == 0xff) {
    return std::array<std::uint8_t, 6>{
        0x33, 0x33, group.bytes[12], group.bytes[13], group.bytes[14], group.bytes[15]};
  }
  return std::nullopt;
}

std::uint16_t internet_checksum(std::span<const std::uint8_t> data, std::uint32_t initial) {
  // 64-bit accumulator: no carry can be lost for any buffer below 2^48 bytes.
  std::uint64_t sum = initial;
  const std::size_t n = data.size();
  for (std::size_t i = 0; i + 1 < n; i += 2) sum += get_be16(data.data() + i);
  if (n & 1) sum += static_cast<std::uint64_t>(data[n - 1]) << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

std::uint32_t pseudo_header_sum(const IpAddress& src, const IpAddress& dst, std::uint8_t proto,
                                std::uint32_t upper_len) {
  std::uint32_t sum = sum_be16_words(src.bytes.data(), src.size());
  sum += sum_be16_words(dst.bytes.data(), dst.size());
  sum += proto;
  // IPv4 carries a 16-bit length, IPv6 a 32-bit one; both sum the same way.
  sum += upper_len >> 16;
  sum += upper_len & 0xffff;
  return sum;
}

std::size_t encoded_size(const Advert& advert, int family) {
  return kVrrpHeaderLen + advert.addrs.size() * addr_len(family) +
         (advert.version == 2 ? kVrrpV2AuthLen : 0);
}

const char* encode_problem(const Advert& advert, const IpAddress& src, const IpAddress& dst) {
  if (advert.version != 2 && advert.version != 3) return "version must be 2 or 3";
  if (advert.type > 0x0f) return "type does not fit in 4 bits";
  if (!src.is_v4() && !src.is_v6()) return "source address is neither IPv4 nor IPv6";
  if (dst.family != src.family) return "destination address family differs from source";
  if (advert.addrs.size() > 255) return "more than 255 addresses";
  for (const IpAddress& a : advert.addrs) {
    if (a.family != src.family) return "an advertised address's family differs from source";
  }
  if (advert.version == 2 && advert.advert_int_cs / 100 > 255) {
    return "v2 advert_int above 255 seconds";
  }
  if (advert.version == 3 && advert.advert_int_cs > 0x0fff) {
    return "v3 advert_int above 4095 centiseconds";
  }
  return nullptr;
}

std::size_t encode_into(const Advert& advert, const IpAddress& src, const IpAddress& dst,
                        ChecksumMode mode, std::span<std::uint8_t> out) {
  if (encode_problem(advert, src, dst) != nullptr) return 0;
  const std::size_t alen = addr_len(src.family);
  const std::size_t len = encoded_size(advert, src.family);
  if (out.size() < len) return 0;

  std::uint8_t* p = out.data();
  p[0] = static_cast<std::uint8_t>((advert.version << 4) | advert.type);
  p[1] = advert.vrid;
  p[2] = advert.priority;
  p[3] = static_cast<std::uint8_t>(advert.addrs.size());
  if (advert.version == 2) {
    p[4] = advert.auth_type;
    p[5] = static_cast<std::uint8_t>(advert.advert_int_cs / 100);
  } else {
    put_be16(p + 4, advert.advert_int_cs);  // reserved high nibble stays zero
  }
  p[6] = 0;
  p[7] = 0;
  std::size_t off = kVrrpHeaderLen;
  for (const IpAddress& a : advert.addrs) {
    std::memcpy(p + off, a.bytes.data(), alen);
    off += alen;
  }
  if (advert.version == 2) {
    std::memcpy(p + off, advert.auth_data.data(), kVrrpV2AuthLen);
    off += kVrrpV2AuthLen;
  }

  std::uint32_t initial = 0;
  if (advert.version == 3 && mode == ChecksumMode::Auto) {
    initial = pseudo_header_sum(src, dst, XVRRP_IPPROTO, static_cast<std::uint32_t>(len));
  }
  put_be16(p + 6, internet_checksum(std::span<const std::uint8_t>(p, len), initial));
  return len;
}

std::vector<std::uint8_t> encode(const Advert& advert, const IpAddress& src, const IpAddress& dst,
                                 ChecksumMode mode) {
  if (const char* problem = encode_problem(advert, src, dst)) {
    throw std::invalid_argument(std::string("VRRP advert: ") + problem);
  }
  std::vector<std::uint8_t> out(encoded_size(advert, src.family));
  encode_into(advert, src, dst, mode, out);
  return out;
}

std::optional<Advert> decode(std::span<const std::uint8_t> msg, int family) {
  const std::size_t alen = addr_len(family);
  if (alen == 0 || msg.size() < kVrrpHeaderLen) return std::nullopt;
  Advert a;
  a.version = msg[0] >> 4;
  if (a.version != 2 && a.version != 3) return std::nullopt;
  a.type = msg[0] & 0x0f;
  a.vrid = msg[1];
  a.priority = msg[2];
  const std::size_t naddrs = msg[3];
  const std::size_t need = kVrrpHeaderLen + naddrs * alen + (a.version == 2 ? kVrrpV2AuthLen : 0);
  if (msg.size() < need) return std::nullopt;
  if (a.version == 2) {
    a.auth_type = msg[4];
    a.advert_int_cs = static_cast<std::uint16_t>(msg[5] * 100);
  } else {
    a.advert_int_cs = get_be16(msg.data() + 4) & 0x0fff;
  }
  a.addrs.reserve(naddrs);
  std::size_t off = kVrrpHeaderLen;
  for (std::size_t i = 0; i < naddrs; ++i) {
    IpAddress ip;
    ip.family = family;
    std::memcpy(ip.bytes.data(), msg.data() + off, alen);
    a.addrs.push_back(ip);
    off += alen;
  }
  if (a.version == 2) std::memcpy(a.auth_data.data(), msg.data() + off, kVrrpV2AuthLen);
  return a;
}

std::size_t build_ipv4_into(const IpAddress& src, const IpAddress& dst, std::uint8_t ttl,
                            std::uint8_t proto, std::span<const std::uint8_t> payload,
                            std::span<std::uint8_t> out, std::span<const std::uint8_t> ip_options) {
  if (!src.is_v4() || !dst.is_v4()) return 0;
  if (ip_options.size() % 4 != 0 || ip_options.size() > kIpv4MaxOptionsLen) return 0;
  const std::size_t hlen = kIpv4HeaderLen + ip_options.size();
  const std::size_t total = hlen + payload.size();
  if (total > 0xffff || out.size() < total) return 0;

  std::uint8_t* p = out.data();
  p[0] = static_cast<std::uint8_t>(0x40 | (hlen / 4));
  p[1] = 0;
  put_be16(p + 2, static_cast<std::uint16_t>(total));
  put_be16(p + 4, 0);  // id
  put_be16(p + 6, 0);  // flags + fragment offset
  p[8] = ttl;
  p[9] = proto;
  put_be16(p + 10, 0);
  std::memcpy(p + 12, src.bytes.data(), 4);
  std::memcpy(p + 16, dst.bytes.data(), 4);
  if (!ip_options.empty()) std::memcpy(p + kIpv4HeaderLen, ip_options.data(), ip_options.size());
  put_be16(p + 10, internet_checksum(std::span<const std::uint8_t>(p, hlen)));
  if (!payload.empty()) std::memcpy(p + hlen, payload.data(), payload.size());
  return total;
}

std::size_t build_ipv6_into(const IpAddress& src, const IpAddress& dst, std::uint8_t hop_limit,
                            std::uint8_t proto, std::span<const std::uint8_t> payload,
                            std::span<std::uint8_t> out) {
  if (!src.is_v6() || !dst.is_v6()) return 0;
  const std::size_t total = kIpv6HeaderLen + payload.size();
  if (payload.size() > 0xffff || out.size() < total) return 0;

  std::uint8_t* p = out.data();
  p[0] = 0x60;
  p[1] = p[2] = p[3] = 0;
  put_be16(p + 4, static_cast<std::uint16_t>(payload.size()));
  p[6] = proto;
  p[7] = hop_limit;
  std::memcpy(p + 8, src.bytes.data(), 16);
  std::memcpy(p + 24, dst.bytes.data(), 16);
  if (!payload.empty()) std::memcpy(p + kIpv6HeaderLen, payload.data(), payload.size());
  return total;
}

std::vector<std::uint8_t> build_frame(const FrameOptions& opts, const IpAddress& src,
                                      const IpAddress& dst, std::uint8_t proto,
                                      std::span<const std::uint8_t> payload) {
  if (!src.is_v4() && !src.is_v6()) {
    throw std::invalid_argument("build_frame: source address is neither IPv4 nor IPv6");
  }
  if (dst.family != src.family) {
    throw std::invalid_argument("build_frame: destination address family differs from source");
  }
  if (opts.vlan_tpids.size() > opts.vlan_tcis.size()) {
    throw std::invalid_argument("build_frame: more vlan_tpids than vlan_tcis");
  }
  if (src.is_v4() &&
      (opts.ipv4_options.size() % 4 != 0 || opts.ipv4_options.size() > kIpv4MaxOptionsLen)) {
    throw std::invalid_argument("build_frame: ipv4_options must be a multiple of 4, at most 40");
  }

  std::array<std::uint8_t, 6> dst_mac = opts.dst_mac;
  if (dst_mac == std::array<std::uint8_t, 6>{}) {
    if (auto m = multicast_mac(dst)) dst_mac = *m;
  }

  const std::size_t l2 = kEthHeaderLen + kVlanTagLen * opts.vlan_tcis.size();
  const std::size_t l3_hdr =
      src.is_v4() ? kIpv4HeaderLen + opts.ipv4_options.size() : kIpv6HeaderLen;
  std::vector<std::uint8_t> frame(std::max(l2 + l3_hdr + payload.size(), opts.pad_to));

  std::uint8_t* p = frame.data();
  std::memcpy(p, dst_mac.data(), 6);
  std::memcpy(p + 6, opts.src_mac.data(), 6);
  std::size_t off = 12;
  for (std::size_t i = 0; i < opts.vlan_tcis.size(); ++i) {
    put_be16(p + off, i < opts.vlan_tpids.size() ? opts.vlan_tpids[i] : kEthP8021Q);
    put_be16(p + off + 2, opts.vlan_tcis[i]);
    off += kVlanTagLen;
  }
  put_be16(p + off, src.is_v4() ? kEthPIpv4 : kEthPIpv6);
  off += 2;

  std::span<std::uint8_t> l3(frame.data() + off, frame.size() - off);
  const std::size_t written =
      src.is_v4() ? build_ipv4_into(src, dst, opts.ttl, proto, payload, l3, opts.ipv4_options)
                  : build_ipv6_into(src, dst, opts.ipv6_hop_limit, proto, payload, l3);
  if (written == 0) {
    throw std::invalid_argument("build_frame: payload too large for one IP packet");
  }
  return frame;
}

std::vector<std::uint8_t> build_advert_frame(const FrameOptions& opts, const Advert& advert,
                                             const IpAddress& src, const IpAddress& dst,
                                             ChecksumMode mode) {
  const std::vector<std::uint8_t> msg = encode(advert, src, dst, mode);
  return build_frame(opts, src, dst, XVRRP_IPPROTO, msg);
}

// ---- Validator ---------------------------------------------------------------

ValidatorTables::~ValidatorTables() = default;

const xvrrp_peer_value* ValidatorTables::find_peer(const xvrrp_peer_key& key) const {
  return has_peer(key) ? &kAnyTtlPeer : nullptr;
}

xvrrp_vrid_key make_vrid_key(std::uint32_t ifindex, std::uint8_t vrid, int family) {
  xvrrp_vrid_key key{};
  key.ifindex = ifindex;
  key.vrid = vrid;
  key.family = family == AF_INET6 ? XVRRP_AF_INET6 : XVRRP_AF_INET;
  return key;
}

xvrrp_peer_key make_peer_key(const xvrrp_vrid_key& vrid, const IpAddress& addr) {
  xvrrp_peer_key key{};
  key.vrid = vrid;
  std::memcpy(key.addr, addr.bytes.data(), addr.size());
  return key;
}

namespace {

template <typename T>
std::array<std::uint8_t, sizeof(T)> key_bytes(const T& key) {
  std::array<std::uint8_t, sizeof(T)> b;
  std::memcpy(b.data(), &key, sizeof(T));
  return b;
}

Verdict not_vrrp() { return Verdict{}; }

Verdict not_ours(std::uint32_t ifindex, std::uint8_t family, int reason) {
  Verdict v;
  v.kind = Verdict::Kind::NotOurs;
  v.reason = reason;
  v.counter_key.ifindex = ifindex;
  v.counter_key.vrid = XVRRP_VRID_NOT_OURS;
  v.counter_key.family = family;
  return v;
}

Verdict rejected(const xvrrp_vrid_key& key, int reason) {
  Verdict v;
  v.kind = Verdict::Kind::Rejected;
  v.reason = reason;
  v.counter_key = key;
  return v;
}

bool checksum_ok(std::span<const std::uint8_t> msg, std::uint32_t initial) {
  return internet_checksum(msg, initial) == 0;
}

// Rules d..m; `l3` starts at the IP header, whose first `hdr_len` bytes and the
// first two VRRP bytes are present, and tot_len >= hdr_len + 2 (rule c).
Verdict validate_vrrp(std::span<const std::uint8_t> l3, std::uint8_t family, std::size_t hdr_len,
                      std::size_t tot_len, bool more_fragments, std::uint32_t ifindex,
                      std::uint64_t ts_ns, const ValidatorTables& tables) {
  const bool v6 = family == XVRRP_AF_INET6;
  const std::uint8_t vrid = l3[hdr_len + 1];
  xvrrp_vrid_key key{};
  key.ifindex = ifindex;
  key.vrid = vrid;
  key.family = family;
  const xvrrp_vrid_config* cfg = tables.find_vrid(key);
  if (cfg == nullptr) return not_ours(ifindex, family, XVRRP_REJECT_UNKNOWN_VRID);

  if (tot_len > l3.size() || more_fragments) return rejected(key, XVRRP_REJECT_LENGTH_MISMATCH);
  const std::span<const std::uint8_t> msg = l3.subspan(hdr_len, tot_len - hdr_len);
  if (msg.size() < kVrrpHeaderLen) return rejected(key, XVRRP_REJECT_TOO_SHORT);
  if (msg.size() > XVRRP_MAX_VRRP_LEN) return rejected(key, XVRRP_REJECT_LENGTH_MISMATCH);

  const std::uint8_t version = msg[0] >> 4;
  const std::uint8_t type = msg[0] & 0x0f;
  const std::uint8_t naddrs = msg[3];
  if (version != cfg->version) return rejected(key, XVRRP_REJECT_BAD_VERSION);
  if (type != XVRRP_TYPE_ADVERT) return rejected(key, XVRRP_REJECT_BAD_TYPE);

  const std::size_t alen = v6 ? 16 : 4;
  const std::size_t list_len = naddrs * alen;
  const std::size_t expected = kVrrpHeaderLen + list_len + (version == 2 ? kVrrpV2AuthLen : 0);
  std::size_t trailer = 0;
  if (msg.size() != expected) {
    if (!(cfg->flags & XVRRP_CFG_AUTH_HMAC) || msg.size() != expected + XVRRP_HMAC_TRAILER_LEN)
      return rejected(key, XVRRP_REJECT_LENGTH_MISMATCH);
    trailer = XVRRP_HMAC_TRAILER_LEN;
  }

  const std::uint8_t ttl = v6 ? l3[7] : l3[8];
  if (cfg->flags & XVRRP_CFG_UNICAST) {
    if (ttl < cfg->min_ttl || ttl > cfg->max_ttl) return rejected(key, XVRRP_REJECT_BAD_TTL);
  } else if (ttl != XVRRP_TTL) {
    return rejected(key, XVRRP_REJECT_BAD_TTL);
  }

  IpAddress src, dst;
  src.family = dst.family = v6 ? AF_INET6 : AF_INET;
  std::memcpy(src.bytes.data(), l3.data() + (v6 ? 8 : 12), alen);
  std::memcpy(dst.bytes.data(), l3.data() + (v6 ? 24 : 16), alen);
  if (!(cfg->flags & XVRRP_CFG_UNICAST) &&
      !(dst == (v6 ? vrrp_multicast_v6() : vrrp_multicast_v4())))
    return rejected(key, XVRRP_REJECT_BAD_DEST);

  std::uint8_t evt_flags = 0;
  // A trailer is in the IPv6 checksum only (keepalived's coverage).
  const std::span<const std::uint8_t> summed = v6 ? msg : msg.first(expected);
  if (version == 2) {
    if (!checksum_ok(summed, 0)) return rejected(key, XVRRP_REJECT_BAD_CHECKSUM);
  } else {
    const std::uint32_t pseudo =
        pseudo_header_sum(src, dst, XVRRP_IPPROTO, static_cast<std::uint32_t>(summed.size()));
    if (checksum_ok(summed, pseudo)) {
      evt_flags |= XVRRP_EVT_V3_PSEUDO_CSUM;
    } else if (v6 || !checksum_ok(summed, 0)) {
      return rejected(key, XVRRP_REJECT_BAD_CHECKSUM);
    }
  }

  if (cfg->flags & XVRRP_CFG_CHECK_PEER) {
    const xvrrp_peer_value* peer = tables.find_peer(make_peer_key(key, src));
    if (peer == nullptr) return rejected(key, XVRRP_REJECT_UNKNOWN_PEER);
    if (ttl < peer->min_ttl || ttl > peer->max_ttl) return rejected(key, XVRRP_REJECT_BAD_TTL);
  }

  std::uint16_t advert_int_cs;
  std::span<const std::uint8_t> v_payload;
  std::size_t v_msg_len = 0;
  if (version == 2) {
    if (msg[4] != cfg->auth_type) return rejected(key, XVRRP_REJECT_AUTH_MISMATCH);
    if (msg[4] == XVRRP_AUTH_PASS) {
      // Constant time: no early exit that would time-leak a password prefix.
      const std::uint8_t* pass = msg.data() + kVrrpHeaderLen + list_len;
      std::uint8_t diff = 0;
      for (std::size_t k = 0; k < XVRRP_AUTH_PASS_LEN; ++k) diff |= pass[k] ^ cfg->auth_pass[k];
      if (diff != 0) return rejected(key, XVRRP_REJECT_AUTH_MISMATCH);
    }
    advert_int_cs = static_cast<std::uint16_t>(msg[5] * 100);
    if (advert_int_cs != cfg->advert_int_cs) {
      return rejected(key, XVRRP_REJECT_INTERVAL_MISMATCH);
    }
  } else {
    advert_int_cs = get_be16(msg.data() + 4) & 0x0fff;
  }

  if (cfg->flags & XVRRP_CFG_AUTH_HMAC) {
    if (trailer != 0) {
      const std::uint8_t* t = msg.data() + expected;
      if (t[0] != 1 || t[2] != 0 || t[3] != 0) return rejected(key, XVRRP_REJECT_AUTH_MISMATCH);
    } else if (cfg->flags & XVRRP_CFG_HMAC_REQUIRED) {
      return rejected(key, XVRRP_REJECT_AUTH_MISMATCH);
    }
    evt_flags |= XVRRP_EVT_PAYLOAD;
    v_payload = msg;
    v_msg_len = expected;
  }

  Verdict v;
  v.kind = Verdict::Kind::Accepted;
  v.counter_key = key;
  v.payload = v_payload;
  v.msg_len = v_msg_len;
  xvrrp_advert_event& ev = v.event;
  ev.ts_ns = ts_ns;
  ev.ifindex = ifindex;
  ev.family = family;
  ev.version = version;
  ev.vrid = vrid;
  ev.priority = msg[2];
  std::memcpy(ev.src, src.bytes.data(), alen);
  ev.advert_int_cs = advert_int_cs;
  ev.naddrs = naddrs;
  ev.flags = evt_flags;
  const std::span<const std::uint8_t> list = msg.subspan(kVrrpHeaderLen, list_len);
  ev.addr_hash = addr_hash(list);
  ev.ttl = ttl;
  std::memcpy(ev.addrs, list.data(), std::min(list.size(), sizeof(ev.addrs)));
  return v;
}

// Rules b..c for an IP header of a known family; then validate_vrrp().
Verdict validate_l3(std::span<const std::uint8_t> l3, std::uint8_t family, std::uint32_t ifindex,
                    std::uint64_t ts_ns, const ValidatorTables& tables) {
  std::size_t hdr_len, tot_len;
  bool more_fragments = false;
  if (family == XVRRP_AF_INET) {
    if (l3.size() < 10 || l3[9] != XVRRP_IPPROTO) return not_vrrp();
    hdr_len = (l3[0] & 0x0f) * 4u;
    if (l3.size() < kIpv4HeaderLen || hdr_len < kIpv4HeaderLen) {
      return not_ours(ifindex, family, XVRRP_REJECT_TOO_SHORT);
    }
    const std::uint16_t frag = get_be16(l3.data() + 6);
    if (frag & 0x1fff)
      return not_ours(ifindex, family, XVRRP_REJECT_TOO_SHORT);  // no VRRP header in it
    more_fragments = (frag & 0x2000) != 0;
    tot_len = get_be16(l3.data() + 2);
  } else {
    if (l3.size() < 7 || l3[6] != XVRRP_IPPROTO) return not_vrrp();
    hdr_len = kIpv6HeaderLen;
    tot_len = kIpv6HeaderLen + get_be16(l3.data() + 4);
  }
  if (l3.size() < hdr_len + 2 || tot_len < hdr_len + 2)
    return not_ours(ifindex, family, XVRRP_REJECT_TOO_SHORT);
  return validate_vrrp(l3, family, hdr_len, tot_len, more_fragments, ifindex, ts_ns, tables);
}

}  // namespace

void MapTables::set_vrid(const xvrrp_vrid_key& key, const xvrrp_vrid_config& cfg) {
  vrids_[key_bytes(key)] = cfg;
}
void MapTables::erase_vrid(const xvrrp_vrid_key& key) { vrids_.erase(key_bytes(key)); }
void MapTables::add_peer(const xvrrp_peer_key& key, const xvrrp_peer_value& value) {
  peers_[key_bytes(key)] = value;
}
void MapTables::erase_peer(const xvrrp_peer_key& key) { peers_.erase(key_bytes(key)); }
void MapTables::clear() {
  vrids_.clear();
  peers_.clear();
}

const xvrrp_vrid_config* MapTables::find_vrid(const xvrrp_vrid_key& key) const {
  auto it = vrids_.find(key_bytes(key));
  return it == vrids_.end() ? nullptr : &it->second;
}

bool MapTables::has_peer(const xvrrp_peer_key& key) const {
  return peers_.count(key_bytes(key)) != 0;
}

const xvrrp_peer_value* MapTables::find_peer(const xvrrp_peer_key& key) const {
  auto it = peers_.find(key_bytes(key));
  return it == peers_.end() ? nullptr : &it->second;
}

Verdict validate_frame(std::span<const std::uint8_t> eth_frame, std::uint32_t ifindex,
                       std::uint64_t ts_ns, const ValidatorTables& tables) {
  if (eth_frame.size() < kEthHeaderLen) return not_vrrp();
  // Rule a: a VLAN tag means another interface's frame.
  const std::uint16_t proto = get_be16(eth_frame.data() + 12);
  if (proto != kEthPIpv4 && proto != kEthPIpv6) return not_vrrp();
  return validate_l3(eth_frame.subspan(kEthHeaderLen),
                     proto == kEthPIpv4 ? XVRRP_AF_INET : XVRRP_AF_INET6, ifindex, ts_ns, tables);
}

Verdict validate_ip(std::span<const std::uint8_t> ip_packet, std::uint32_t ifindex,
                    std::uint64_t ts_ns, const ValidatorTables& tables) {
  if (ip_packet.empty()) return not_vrrp();
  const int version = ip_packet[0] >> 4;
  if (version == 4) return validate_l3(ip_packet, XVRRP_AF_INET, ifindex, ts_ns, tables);
  if (version == 6) return validate_l3(ip_packet, XVRRP_AF_INET6, ifindex, ts_ns, tables);
  return not_vrrp();
}

std::uint32_t addr_hash(std::span<const std::uint8_t> addr_list) {
  std::uint32_t h = 0x811c9dc5;
  for (std::size_t i = 0; i + 4 <= addr_list.size(); i += 4) {
    std::uint32_t w;
    std::memcpy(&w, addr_list.data() + i, 4);
    h ^= w;
    h *= 0x01000193;
  }
  return h;
}

const char* reject_reason_name(int reason) {
  static constexpr const char* kNames[XVRRP_REJECT_MAX] = {
      "too_short",         "bad_ttl",         "bad_version",  "bad_type",
      "bad_checksum",      "unknown_vrid",    "unknown_peer", "auth_mismatch",
      "interval_mismatch", "length_mismatch", "ringbuf_full", "bad_dest",
  };
  if (reason < 0 || reason >= XVRRP_REJECT_MAX) return "invalid";
  return kNames[reason];
}

}  // namespace xvrrp::packet
