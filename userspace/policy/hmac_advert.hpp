// SPDX-License-Identifier: GPL-2.0-or-later
// auth_hmac on the daemon's advert path: the check every received advert of an
// auth_hmac instance passes before the state machine sees it, and the signing
// of every advert it sends (core/auth_hmac.hpp has the wire format).
//
// Receive: both receive paths hand over the IP payload of such an advert
// (XVRRP_EVT_PAYLOAD, include/xvrrp/abi.h); one without it is refused, as is
// everything core::auth_hmac::Authenticator::verify() does not call Ok or
// (receive-only, permissive) Unsigned. Send: the cached message gets a fresh
// trailer each time (a new sequence number), and an IPv6 message a checksum
// over the trailer too, as keepalived sends it.
//
// Pure: the UTC clock is passed in (CLOCK_REALTIME nanoseconds).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "common/ip_address.hpp"
#include "core/auth_hmac.hpp"
#include "xvrrp/abi.h"

namespace xvrrp::policy {

/// Results counted per instance, indexed by core::auth_hmac::Result.
using HmacCounts = std::array<std::uint64_t, core::auth_hmac::kResultCount>;

struct HmacVerdict {
  bool admit = false;
  core::auth_hmac::Result result = core::auth_hmac::Result::Malformed;
  std::int32_t skew_s = 0;
};

/// Checks one received advert of an auth_hmac instance. `payload` is the
/// record's payload (empty when the record had none). `unicast`: the instance
/// has unicast peers (replay state per peer). Counts the result in `counts`.
HmacVerdict admit_hmac_advert(core::auth_hmac::Authenticator& auth, const xvrrp_advert_event& ev,
                              std::span<const std::uint8_t> payload, bool unicast,
                              std::int64_t realtime_ns, HmacCounts& counts);

/// Copies `msg` (an encoded VRRP message from src to dst) into `out`, appends
/// the trailer (none in receive-only mode) and, for IPv6 with a trailer,
/// rewrites the checksum over the whole payload. Returns the bytes written,
/// or 0 when `out` is too small.
std::size_t sign_advert(core::auth_hmac::Authenticator& auth, std::span<const std::uint8_t> msg,
                        const IpAddress& src, const IpAddress& dst, std::int64_t realtime_ns,
                        std::span<std::uint8_t> out);

}  // namespace xvrrp::policy
