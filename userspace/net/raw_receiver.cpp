// SPDX-License-Identifier: GPL-2.0-or-later
#include "net/raw_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <time.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "common/clock.hpp"
#include "common/log.hpp"

namespace xvrrp::net {
namespace {

constexpr int kProtoVrrp = 112;

uint64_t to_ns(const timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

RawReceiver::RawReceiver(int ifindex, const std::string& ifname, int family)
    : ifindex_(ifindex),
      family_(family),
      head_room_(family == AF_INET6 ? kIpv6HeaderLen : 0),
      fd_(::socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, kProtoVrrp)),
      names_(kBatch),
      bufs_(kBatch),
      ctrl_(kBatch),
      iovs_(kBatch),
      msgs_(kBatch) {
  if (!fd_) throw std::system_error(errno, std::generic_category(), "VRRP receive raw socket");
  auto fail = [&](const char* what) {
    throw std::system_error(errno, std::generic_category(),
                            std::string("VRRP receive socket on ") + ifname + ": " + what);
  };
  if (setsockopt(fd_.get(), SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(),
                 static_cast<socklen_t>(ifname.size())) != 0) {
    fail("SO_BINDTODEVICE");
  }
  // A flood on the segment must not push the peer's adverts out of the queue
  // while the loop waits for a CPU: the default (~200 kB) holds ~2 ms of it.
  int rcvbuf = kReceiveBufferBytes;
  if (setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) != 0)
    setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  int on = 1;
  if (setsockopt(fd_.get(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) != 0) {
    fail("SO_TIMESTAMPNS");
  }
  if (family_ == AF_INET6) {
    if (setsockopt(fd_.get(), IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) != 0)
      fail("IPV6_RECVPKTINFO");
    if (setsockopt(fd_.get(), IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)) != 0)
      fail("IPV6_RECVHOPLIMIT");
    for (size_t i = 0; i < kBatch; ++i)
      iovs_[i] = {bufs_[i].data() + head_room_, kBufSize - head_room_};
    return;
  }
  if (setsockopt(fd_.get(), IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) != 0) fail("IP_PKTINFO");
  // Multicast adverts (224.0.0.18, RFC 3768 §5.2.2) are only delivered once we are a member.
  ip_mreqn mreq{};
  mreq.imr_multiaddr.s_addr = htonl(0xe0000012);
  mreq.imr_ifindex = ifindex;
  if (setsockopt(fd_.get(), IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) != 0) {
    fail("IP_ADD_MEMBERSHIP 224.0.0.18");
  }
  for (size_t i = 0; i < kBatch; ++i) iovs_[i] = {bufs_[i].data(), kBufSize};
}

int RawReceiver::receive_batch() {
  for (size_t i = 0; i < kBatch; ++i) {
    msgs_[i] = {};
    msgs_[i].msg_hdr.msg_iov = &iovs_[i];
    msgs_[i].msg_hdr.msg_iovlen = 1;
    msgs_[i].msg_hdr.msg_control = ctrl_[i].data();
    msgs_[i].msg_hdr.msg_controllen = ctrl_[i].size();
    if (family_ == AF_INET6) {
      msgs_[i].msg_hdr.msg_name = &names_[i];
      msgs_[i].msg_hdr.msg_namelen = sizeof(names_[i]);
    }
  }
  int n = ::recvmmsg(fd_.get(), msgs_.data(), kBatch, MSG_DONTWAIT, nullptr);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
    XLOG_ERROR("VRRP receive socket: recvmmsg failed: %s", std::strerror(errno));
    return -1;
  }
  // The realtime-to-monotonic offset, read back to back right after the batch arrived.
  const auto rt_now = static_cast<uint64_t>(xvrrp::clock::realtime_ns());
  const auto mono_now = static_cast<uint64_t>(xvrrp::clock::monotonic_ns());

  for (int i = 0; i < n; ++i) {
    Received& r = received_[i];
    r = {};
    r.len = msgs_[i].msg_len;
    r.ifindex = ifindex_;
    r.rx_mono_ns = mono_now;
    r.truncated = (msgs_[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
    if (r.truncated) ++truncated_;
    int hop_limit = -1;
    in6_addr dst{};
    for (cmsghdr* c = CMSG_FIRSTHDR(&msgs_[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs_[i].msg_hdr, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS) {
        timespec ts{};
        std::memcpy(&ts, CMSG_DATA(c), sizeof(ts));
        uint64_t rx_rt = to_ns(ts);
        // A stamp "in the future" can only come from a wall-clock step; keep mono_now then.
        if (rx_rt <= rt_now && rt_now - rx_rt <= mono_now)
          r.rx_mono_ns = mono_now - (rt_now - rx_rt);
      } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        in_pktinfo info{};
        std::memcpy(&info, CMSG_DATA(c), sizeof(info));
        r.ifindex = info.ipi_ifindex;
      } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
        in6_pktinfo info{};
        std::memcpy(&info, CMSG_DATA(c), sizeof(info));
        r.ifindex = static_cast<int>(info.ipi6_ifindex);
        dst = info.ipi6_addr;
      } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
        std::memcpy(&hop_limit, CMSG_DATA(c), sizeof(hop_limit));
      }
    }
    if (family_ == AF_INET6) {
      // Without the hop limit the validator could not apply its TTL rule: drop it.
      if (hop_limit < 0 || r.len > 0xffff) {
        r.truncated = true;
        continue;
      }
      uint8_t* h = bufs_[i].data();
      std::memset(h, 0, kIpv6HeaderLen);
      h[0] = 0x60;
      h[4] = static_cast<uint8_t>(r.len >> 8);
      h[5] = static_cast<uint8_t>(r.len & 0xff);
      h[6] = kProtoVrrp;
      h[7] = static_cast<uint8_t>(hop_limit);
      std::memcpy(h + 8, &names_[i].sin6_addr, 16);
      std::memcpy(h + 24, &dst, 16);
    }
  }
  return n;
}

}  // namespace xvrrp::net
