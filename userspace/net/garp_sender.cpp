// SPDX-License-Identifier: GPL-2.0-or-later
#include "net/garp_sender.hpp"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "common/log.hpp"
#include "net/netlink_util.hpp"

namespace xvrrp::net {
namespace {

constexpr uint8_t kBroadcastMac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
constexpr uint8_t kAllNodesMac[6] = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01};
constexpr uint8_t kAllNodesIp6[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

// RFC 1071 one's-complement sum, continued from `sum`.
uint32_t sum16(const uint8_t* p, size_t len, uint32_t sum) {
  for (size_t i = 0; i + 1 < len; i += 2) sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  if (len & 1) sum += static_cast<uint32_t>(p[len - 1] << 8);
  return sum;
}

uint16_t fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

}  // namespace

GarpSender::GarpSender() : fd_(::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) {
  // Protocol 0: the socket is never bound to an ethertype, so the kernel queues nothing to it.
  if (!fd_) throw std::system_error(errno, std::generic_category(), "GARP packet socket");
}

size_t GarpSender::build_garp_frame(std::array<uint8_t, 64>& frame,
                                    const std::array<uint8_t, 6>& sender_mac,
                                    const IpAddress& vip) {
  frame.fill(0);
  uint8_t* p = frame.data();
  std::memcpy(p, kBroadcastMac, 6);
  std::memcpy(p + 6, sender_mac.data(), 6);
  put16(p + 12, ETH_P_ARP);
  uint8_t* arp = p + 14;
  put16(arp, 1);           // hardware type Ethernet
  put16(arp + 2, 0x0800);  // protocol IPv4
  arp[4] = 6;
  arp[5] = 4;
  put16(arp + 6, 1);  // ARP request, as keepalived sends (RFC 5227 §3 announcement)
  std::memcpy(arp + 8, sender_mac.data(), 6);
  std::memcpy(arp + 14, vip.bytes.data(), 4);
  // Target hardware address: broadcast, like keepalived, so old stacks update their cache.
  std::memcpy(arp + 18, kBroadcastMac, 6);
  std::memcpy(arp + 24, vip.bytes.data(), 4);
  return 14 + 28;
}

size_t GarpSender::build_unsolicited_na_frame(std::array<uint8_t, 128>& frame,
                                              const std::array<uint8_t, 6>& sender_mac,
                                              const IpAddress& src_link_local,
                                              const IpAddress& vip) {
  frame.fill(0);
  uint8_t* p = frame.data();
  std::memcpy(p, kAllNodesMac, 6);
  std::memcpy(p + 6, sender_mac.data(), 6);
  put16(p + 12, ETH_P_IPV6);
  uint8_t* ip6 = p + 14;
  constexpr uint16_t kIcmpLen = 8 + 16 + 8;  // header+flags, target, target link-layer option
  ip6[0] = 0x60;
  put16(ip6 + 4, kIcmpLen);
  ip6[6] = IPPROTO_ICMPV6;
  ip6[7] = 255;  // RFC 4861 §7.1.2: hop limit must be 255
  std::memcpy(ip6 + 8, src_link_local.bytes.data(), 16);
  std::memcpy(ip6 + 24, kAllNodesIp6, 16);
  uint8_t* icmp = ip6 + 40;
  icmp[0] = 136;   // Neighbor Advertisement
  icmp[4] = 0x20;  // Override; not Solicited (RFC 4861 §7.2.6), not Router
  std::memcpy(icmp + 8, vip.bytes.data(), 16);
  icmp[24] = 2;  // Target Link-Layer Address option, length in units of 8 bytes
  icmp[25] = 1;
  std::memcpy(icmp + 26, sender_mac.data(), 6);
  // Checksum over the pseudo-header (src, dst, length, next header) and the ICMPv6 message.
  uint32_t sum = sum16(ip6 + 8, 32, 0);
  sum += kIcmpLen;
  sum += IPPROTO_ICMPV6;
  sum = sum16(icmp, kIcmpLen, sum);
  put16(icmp + 2, fold(sum));
  return 14 + 40 + kIcmpLen;
}

bool GarpSender::send_frame(int ifindex, const uint8_t* frame, size_t len, uint16_t ethertype,
                            const uint8_t* dst_mac, const char* what, const IpAddress& vip) {
  sockaddr_ll to{};
  to.sll_family = AF_PACKET;
  to.sll_protocol = htons(ethertype);
  to.sll_ifindex = ifindex;
  to.sll_halen = 6;
  std::memcpy(to.sll_addr, dst_mac, 6);
  ssize_t n = ::sendto(fd_.get(), frame, len, 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
  if (n != static_cast<ssize_t>(len)) {
    XLOG_ERROR("cannot send %s for %s on %s: %s", what, vip.to_string().c_str(),
               ifname_or_index(ifindex).c_str(), n < 0 ? std::strerror(errno) : "short write");
    return false;
  }
  return true;
}

bool GarpSender::send_garp(int ifindex, const std::array<uint8_t, 6>& sender_mac,
                           const IpAddress& vip) {
  if (!vip.is_v4()) {
    XLOG_ERROR("gratuitous ARP needs an IPv4 address, got %s", vip.to_string().c_str());
    return false;
  }
  std::array<uint8_t, 64> frame;
  size_t len = build_garp_frame(frame, sender_mac, vip);
  return send_frame(ifindex, frame.data(), len, ETH_P_ARP, kBroadcastMac, "gratuitous ARP", vip);
}

bool GarpSender::send_unsolicited_na(int ifindex, const std::array<uint8_t, 6>& sender_mac,
                                     const IpAddress& src_link_local, const IpAddress& vip) {
  if (!vip.is_v6() || !src_link_local.is_v6()) {
    XLOG_ERROR("unsolicited NA needs IPv6 addresses, got %s from %s", vip.to_string().c_str(),
               src_link_local.to_string().c_str());
    return false;
  }
  std::array<uint8_t, 128> frame;
  size_t len = build_unsolicited_na_frame(frame, sender_mac, src_link_local, vip);
  return send_frame(ifindex, frame.data(), len, ETH_P_IPV6, kAllNodesMac, "unsolicited NA", vip);
}

}  // namespace xvrrp::net
