// SPDX-License-Identifier: GPL-2.0-or-later
// AdvertSender: sends VRRP advertisements from raw sockets that never receive.
//
// IPv4: one AF_INET/SOCK_RAW/IPPROTO_RAW socket (IP_HDRINCL implied); we build the 20-byte
// IPv4 header ourselves (protocol 112, TTL as given: 255 per RFC 3768 §5.2.3 / RFC 5798 §5.1.1.3,
// or keepalived's unicast_ttl). IPv6: one AF_INET6/SOCK_RAW/IPPROTO_RAW socket (header included
// likewise, hop limit as given); opened on first use.
// Both sockets are SO_BINDTODEVICE'd to the VRRP interface, with IP_MULTICAST_IF set to it and
// multicast loopback off. IPPROTO_RAW sockets are never handed incoming packets by the kernel.
//
// Source: every datagram carries its source in an IP_PKTINFO / IPV6_PKTINFO control message
// (ipi_spec_dst / ipi6_addr, plus the ifindex), the same address as in the header we build.
// The header alone does not stop the kernel's route lookup from choosing a source: for IPv6
// without a fixed source it runs RFC 6724 source selection over every address of the host
// (VIPs on other devices included) for each packet, which made the cost of an advert grow
// with the number of VIPs. With the source given, the kernel only checks it is ours (one hash
// lookup). An IPv6 source the kernel refuses (not, or not yet, an address of the interface:
// EINVAL) is sent again without the control message, as before, and counted in unpinned().
//
// Batching: queue() copies a message into a preallocated ring of `capacity` slots (no
// allocation per advert); flush() sends everything queued with one sendmmsg(2) call per
// address family, so every instance sharing the interface leaves in one syscall. If the ring
// is full, queue() flushes first. Failures are logged, rate-limited to one line per second.
// Non-blocking: a full socket buffer drops the advert (counted in dropped()).
// SO_BINDTODEVICE resolves the name to an ifindex once: if the interface is deleted and created
// again, sends fail with ENODEV/ENXIO (logged); the owner must construct a new AdvertSender.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/ip_address.hpp"
#include "common/unique_fd.hpp"

namespace xvrrp::net {

class AdvertSender {
 public:
  /// Largest VRRP message accepted by queue() (RFC 5798 §5.1: header + 255 IPv6 addresses
  /// would exceed any MTU; 1400 bytes leaves room for the IP header on a 1500-byte link).
  static constexpr size_t kMaxMessage = 1400;

  /// Opens the IPv4 socket bound to `ifname` (whose index is `ifindex`). Throws
  /// std::system_error when the socket cannot be opened or bound.
  AdvertSender(int ifindex, const std::string& ifname, size_t capacity = 64);

  /// Copies one VRRP message (VRRP header onwards, checksum already computed) behind a freshly
  /// built IP header. src and dst must be the same family. Returns false (logged) when the
  /// message is too large or the families mismatch.
  bool queue(const IpAddress& src, const IpAddress& dst, std::span<const uint8_t> vrrp_msg,
             uint8_t ttl);
  /// Sends everything queued. Returns the number of datagrams the kernel accepted; the rest
  /// are dropped and logged. The queue is empty afterwards.
  int flush();

  [[nodiscard]] size_t queued() const { return count_; }
  [[nodiscard]] uint64_t sent() const { return sent_; }
  [[nodiscard]] uint64_t dropped() const { return dropped_; }
  /// Datagrams whose source the kernel refused in the control message and that were sent
  /// without it (the kernel chose the route's source; the header keeps ours).
  [[nodiscard]] uint64_t unpinned() const { return unpinned_; }
  [[nodiscard]] int ifindex() const { return ifindex_; }

 private:
  struct Slot {
    std::vector<uint8_t> buf;  // sized once, kMaxMessage + 40
    size_t len = 0;
    int family = AF_UNSPEC;
    sockaddr_storage dst{};
    socklen_t dst_len = 0;
    // The source as an IP_PKTINFO / IPV6_PKTINFO control message (room for the larger).
    alignas(cmsghdr) uint8_t ctrl[CMSG_SPACE(sizeof(in6_pktinfo))]{};
    size_t ctrl_len = 0;
  };
  int flush_family(int family, int fd);
  bool open_v6();
  void log_failure(const char* what, int err);

  int ifindex_;
  std::string ifname_;
  UniqueFd fd4_;
  UniqueFd fd6_;
  std::vector<Slot> ring_;
  size_t count_ = 0;
  std::vector<struct mmsghdr> msgs_;
  std::vector<struct iovec> iovs_;
  uint64_t sent_ = 0;
  uint64_t dropped_ = 0;
  uint64_t unpinned_ = 0;
  uint64_t last_log_ns_ = 0;
  uint64_t suppressed_logs_ = 0;
};

}  // namespace xvrrp::net
