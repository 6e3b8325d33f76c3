// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/hmac_advert.hpp"

#include <cstring>

#include "common/abi_convert.hpp"
#include "core/packet.hpp"

namespace xvrrp::policy {

namespace ah = core::auth_hmac;

HmacVerdict admit_hmac_advert(ah::Authenticator& auth, const xvrrp_advert_event& ev,
                              std::span<const std::uint8_t> payload, bool unicast,
                              std::int64_t realtime_ns, HmacCounts& counts) {
  HmacVerdict out;
  const bool v6 = ev.family == XVRRP_AF_INET6;
  const std::size_t msg_len = packet::kVrrpHeaderLen + ev.naddrs * (v6 ? 16U : 4U) +
                              (ev.version == 2 ? packet::kVrrpV2AuthLen : 0);
  if ((ev.flags & XVRRP_EVT_PAYLOAD) != 0 && payload.size() >= msg_len) {
    const IpAddress src = from_abi(ev.src, ev.family);
    const ah::Verification v = auth.verify(payload, msg_len, v6 ? AF_INET6 : AF_INET, ev.version,
                                           ev.vrid, src, unicast, realtime_ns);
    out.result = v.result;
    out.skew_s = v.skew_s;
  }
  out.admit = out.result == ah::Result::Ok || out.result == ah::Result::Unsigned;
  ++counts[static_cast<std::size_t>(out.result)];
  return out;
}

std::size_t sign_advert(ah::Authenticator& auth, std::span<const std::uint8_t> msg,
                        const IpAddress& src, const IpAddress& dst, std::int64_t realtime_ns,
                        std::span<std::uint8_t> out) {
  if (msg.size() < packet::kVrrpHeaderLen || out.size() < msg.size() + auth.trailer_len()) return 0;
  std::memcpy(out.data(), msg.data(), msg.size());
  const std::uint8_t version = msg[0] >> 4;
  const std::size_t len = auth.sign(out, msg.size(), src.family, version, msg[1], src, realtime_ns);
  if (len == 0 || len == msg.size() || !src.is_v6()) return len;
  out[6] = out[7] = 0;
  const std::uint16_t sum = packet::internet_checksum(
      out.first(len),
      packet::pseudo_header_sum(src, dst, XVRRP_IPPROTO, static_cast<std::uint32_t>(len)));
  out[6] = static_cast<std::uint8_t>(sum >> 8);
  out[7] = static_cast<std::uint8_t>(sum);
  return len;
}

}  // namespace xvrrp::policy
