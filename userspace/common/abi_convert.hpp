// SPDX-License-Identifier: GPL-2.0-or-later
// Conversions between the ABI structs of include/xvrrp/abi.h and the domain
// types (IpAddress, AF_* families), and the one packing of an xvrrp_vrid_key
// into an integer for hash maps keyed in userspace.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <cstring>

#include "common/ip_address.hpp"
#include "xvrrp/abi.h"

namespace xvrrp {

/// XVRRP_AF_INET / XVRRP_AF_INET6 from AF_INET / AF_INET6 (anything else: IPv4).
constexpr std::uint8_t to_abi_family(int family) {
  return family == AF_INET6 ? XVRRP_AF_INET6 : XVRRP_AF_INET;
}

/// AF_INET / AF_INET6 from an ABI family field.
constexpr int from_abi_family(std::uint8_t abi_family) {
  return abi_family == XVRRP_AF_INET6 ? AF_INET6 : AF_INET;
}

/// An ABI address (`__be32 addr[4]`, IPv4 in word 0) of ABI family `abi_family`.
inline IpAddress from_abi(const __be32 (&addr)[4], std::uint8_t abi_family) {
  IpAddress a;
  a.family = from_abi_family(abi_family);
  std::memcpy(a.bytes.data(), addr, a.size());
  return a;
}

/// Writes `addr` into an ABI address field (unused bytes zero).
inline void to_abi(const IpAddress& addr, __be32 (&out)[4]) {
  std::memset(out, 0, sizeof out);
  std::memcpy(out, addr.bytes.data(), addr.size());
}

/// The source address of an advert event or last-seen record.
inline IpAddress source_of(const xvrrp_advert_event& ev) { return from_abi(ev.src, ev.family); }

/// The instance key an advert event belongs to.
inline xvrrp_vrid_key key_of(const xvrrp_advert_event& ev) {
  xvrrp_vrid_key key{};
  key.ifindex = ev.ifindex;
  key.vrid = ev.vrid;
  key.family = ev.family;
  return key;
}

/// Injective packing of {ifindex, family, vrid} (padding ignored) into 64 bits.
constexpr std::uint64_t pack_vrid_key(const xvrrp_vrid_key& k) {
  return (std::uint64_t{k.ifindex} << 16) | (std::uint64_t{k.family} << 8) | k.vrid;
}

}  // namespace xvrrp
