// SPDX-License-Identifier: GPL-2.0-or-later
// GarpSender: tells the LAN that a VIP moved.
//
// Gratuitous ARP: an ARP request (RFC 5227 §3 "ARP Announcement", the form keepalived sends),
// broadcast Ethernet destination, sender IP = target IP = VIP, sender MAC = the given MAC.
// The daemon passes the ifindex and MAC of the VRRP interface (eth0), wherever the VIP itself
// lives: a GARP sent on a NOARP dummy0 never leaves the host (the seed's 25 s outage).
//
// Unsolicited Neighbour Advertisement (RFC 4861 §7.2.6) for IPv6 VIPs: to ff02::1 / 33:33:0:0:0:1,
// hop limit 255, Override flag set, target link-layer address option.
//
// One AF_PACKET/SOCK_RAW socket with protocol 0, so it never receives. Non-blocking: a full
// device queue drops the frame (logged) rather than stalling the event loop.
#pragma once

#include <array>
#include <cstdint>

#include "common/ip_address.hpp"
#include "common/unique_fd.hpp"

namespace xvrrp::net {

class GarpSender {
 public:
  /// Throws std::system_error if the packet socket cannot be opened (needs CAP_NET_RAW).
  GarpSender();

  /// Sends one gratuitous ARP for the IPv4 `vip` out of `ifindex`. Returns false (logged) on
  /// error or when `vip` is not IPv4.
  bool send_garp(int ifindex, const std::array<uint8_t, 6>& sender_mac, const IpAddress& vip);
  /// Sends one unsolicited NA for the IPv6 `vip` out of `ifindex`, from the interface's
  /// link-local address `src_link_local` (RFC 4861 §7.2.6 needs a link-local source).
  bool send_unsolicited_na(int ifindex, const std::array<uint8_t, 6>& sender_mac,
                           const IpAddress& src_link_local, const IpAddress& vip);

  /// Frame builders, exposed for tests. Return the frame length (42 / 86 bytes).
  static size_t build_garp_frame(std::array<uint8_t, 64>& frame,
                                 const std::array<uint8_t, 6>& sender_mac, const IpAddress& vip);
  static size_t build_unsolicited_na_frame(std::array<uint8_t, 128>& frame,
                                           const std::array<uint8_t, 6>& sender_mac,
                                           const IpAddress& src_link_local, const IpAddress& vip);

 private:
  bool send_frame(int ifindex, const uint8_t* frame, size_t len, uint16_t ethertype,
                  const uint8_t* dst_mac, const char* what, const IpAddress& vip);
  UniqueFd fd_;
};

}  // namespace xvrrp::net
