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

RawReceiver::RawReceiver(int ifindex, const std::string& ifname)
    : ifindex_(ifindex),
      fd_(::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, kProtoVrrp)),
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
      }
    }
  }
  return n;
}

}  // namespace xvrrp::net
