// SPDX-License-Identifier: GPL-2.0-or-later
// RawReceiver: the `--rx=socket` receive path, for hosts where XDP cannot attach.
//
// One AF_INET/SOCK_RAW socket for protocol 112 (VRRP), SO_BINDTODEVICE'd to the VRRP
// interface, joined to 224.0.0.18 there, non-blocking, with IP_PKTINFO (arrival ifindex) and
// SO_TIMESTAMPNS (software receive timestamp taken when the skb was received, CLOCK_REALTIME).
//
// Timestamp conversion: drain() reads CLOCK_REALTIME and CLOCK_MONOTONIC back to back right
// after each recvmmsg() and converts rx_mono = rx_realtime - (realtime_now - monotonic_now).
// The offset only moves on a wall-clock step; an NTP slew changes it by at most a few µs.
// When the kernel gives no timestamp, rx_mono is CLOCK_MONOTONIC read after recvmmsg().
// rx_mono is therefore comparable with the XDP path's bpf_ktime_get_ns() stamps.
//
// Like AdvertSender, the binding is to the ifindex the name had at construction; recreate the
// receiver when the interface is recreated.
//
// IPv6 (family AF_INET6): an AF_INET6/SOCK_RAW socket for protocol 112 with IPV6_RECVPKTINFO
// (destination, arrival ifindex) and IPV6_RECVHOPLIMIT. An IPv6 raw socket delivers no IP
// header, so drain() hands over a 40-byte IPv6 header rebuilt from the source address, the
// destination, the hop limit and the payload length (next header 112), followed by the VRRP
// message. It joins no group: ff02::12 is joined by whoever owns the memberships.
//
// Packets are handed over unvalidated (IP header included); the daemon validates them with
// xvrrp::packet::validate_ip, exactly as for the XDP path.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"

namespace xvrrp::net {

class RawReceiver {
 public:
  static constexpr size_t kBatch = 32;
  /// recvmmsg() batches one drain() reads at most: a flood on the segment must not keep the
  /// event loop in one handler while its timers (our own adverts) are due. The level-triggered
  /// loop calls drain() again on its next iteration for what is left.
  static constexpr size_t kMaxBatchesPerDrain = 4;
  static constexpr size_t kBufSize = 2048;
  /// Socket receive buffer (SO_RCVBUFFORCE when privileged).
  static constexpr int kReceiveBufferBytes = 8 << 20;

  /// Opens the socket bound to `ifname` (index `ifindex`); AF_INET joins 224.0.0.18 on it,
  /// AF_INET6 receives IPv6 VRRP (see above). Throws std::system_error on failure.
  RawReceiver(int ifindex, const std::string& ifname, int family = AF_INET);

  [[nodiscard]] int fd() const { return fd_.get(); }

  /// Reads what is pending, at most kMaxBatchesPerDrain recvmmsg batches of kBatch, without
  /// blocking and calls cb(std::span<const uint8_t> ip_packet, int ifindex, uint64_t
  /// rx_mono_ns) for each datagram. Truncated datagrams are skipped. Returns the number
  /// delivered to cb; the socket may still be readable afterwards.
  template <class F>
  size_t drain(F&& cb) {
    size_t delivered = 0;
    for (size_t batch = 0; batch < kMaxBatchesPerDrain; ++batch) {
      int n = receive_batch();
      if (n <= 0) break;
      for (int i = 0; i < n; ++i) {
        const Received& r = received_[i];
        if (r.truncated) continue;
        cb(std::span<const uint8_t>(bufs_[i].data(), head_room_ + r.len), r.ifindex, r.rx_mono_ns);
        ++delivered;
      }
      if (static_cast<size_t>(n) < kBatch) break;
    }
    return delivered;
  }

  /// Datagrams dropped because they did not fit kBufSize.
  [[nodiscard]] uint64_t truncated() const { return truncated_; }

 private:
  struct Received {
    size_t len = 0;
    int ifindex = 0;
    uint64_t rx_mono_ns = 0;
    bool truncated = false;
  };
  /// One recvmmsg(); fills received_. Returns the count, 0 when nothing is pending, -1 on error
  /// (logged).
  int receive_batch();

  /// Bytes reserved in front of each datagram for the rebuilt IPv6 header (0 for IPv4).
  static constexpr size_t kIpv6HeaderLen = 40;

  int ifindex_;
  int family_;
  size_t head_room_;
  UniqueFd fd_;
  std::vector<sockaddr_in6> names_;
  std::vector<std::array<uint8_t, kBufSize>> bufs_;
  std::vector<std::array<uint8_t, 256>> ctrl_;
  std::vector<struct iovec> iovs_;
  std::vector<struct mmsghdr> msgs_;
  std::array<Received, kBatch> received_{};
  uint64_t truncated_ = 0;
};

}  // namespace xvrrp::net
