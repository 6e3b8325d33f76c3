// SPDX-License-Identifier: GPL-2.0-or-later
#include "net/advert_sender.hpp"

#include <arpa/inet.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <time.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "core/packet.hpp"

namespace xvrrp::net {
namespace {

constexpr uint8_t kProtoVrrp = 112;
constexpr size_t kSlotSize = AdvertSender::kMaxMessage + 40;

UniqueFd open_raw(int family, const std::string& ifname, int ifindex) {
  UniqueFd fd(::socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW));
  const char* fam = family == AF_INET ? "IPv4" : "IPv6";
  if (!fd) {
    throw std::system_error(errno, std::generic_category(),
                            std::string("advert ") + fam + " raw socket");
  }
  if (setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(),
                 static_cast<socklen_t>(ifname.size())) != 0) {
    throw std::system_error(errno, std::generic_category(),
                            "advert socket: SO_BINDTODEVICE " + ifname);
  }
  int off = 0;
  if (family == AF_INET) {
    ip_mreqn mreq{};
    mreq.imr_ifindex = ifindex;
    if (setsockopt(fd.get(), IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq)) != 0 ||
        setsockopt(fd.get(), IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof(off)) != 0) {
      throw std::system_error(errno, std::generic_category(),
                              "advert socket: IP_MULTICAST_IF/LOOP on " + ifname);
    }
  } else {
    if (setsockopt(fd.get(), IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) != 0 ||
        setsockopt(fd.get(), IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off)) != 0) {
      throw std::system_error(errno, std::generic_category(),
                              "advert socket: IPV6_MULTICAST_IF/LOOP on " + ifname);
    }
  }
  return fd;
}

// Writes the source of one datagram as a control message into `ctrl`; returns its length.
size_t put_pktinfo(uint8_t* ctrl, const IpAddress& src, int ifindex) {
  msghdr mh{};
  mh.msg_control = ctrl;
  mh.msg_controllen =
      src.is_v4() ? CMSG_SPACE(sizeof(in_pktinfo)) : CMSG_SPACE(sizeof(in6_pktinfo));
  cmsghdr* c = CMSG_FIRSTHDR(&mh);
  if (src.is_v4()) {
    in_pktinfo pi{};
    pi.ipi_ifindex = ifindex;
    std::memcpy(&pi.ipi_spec_dst, src.bytes.data(), 4);
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof pi);
    std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
  } else {
    in6_pktinfo pi{};
    pi.ipi6_ifindex = static_cast<unsigned>(ifindex);
    std::memcpy(&pi.ipi6_addr, src.bytes.data(), 16);
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof pi);
    std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
  }
  return mh.msg_controllen;
}

}  // namespace

AdvertSender::AdvertSender(int ifindex, const std::string& ifname, size_t capacity)
    : ifindex_(ifindex), ifname_(ifname), fd4_(open_raw(AF_INET, ifname, ifindex)) {
  if (capacity == 0) capacity = 1;
  ring_.resize(capacity);
  for (Slot& s : ring_) s.buf.resize(kSlotSize);
  msgs_.resize(capacity);
  iovs_.resize(capacity);
}

bool AdvertSender::open_v6() {
  if (fd6_) return true;
  try {
    fd6_ = open_raw(AF_INET6, ifname_, ifindex_);
  } catch (const std::system_error& e) {
    log_failure(e.what(), e.code().value());
    return false;
  }
  return true;
}

bool AdvertSender::queue(const IpAddress& src, const IpAddress& dst,
                         std::span<const uint8_t> vrrp_msg, uint8_t ttl) {
  if (src.family != dst.family || (!src.is_v4() && !src.is_v6())) {
    XLOG_ERROR("advert on %s: source %s and destination %s are not one address family",
               ifname_.c_str(), src.to_string().c_str(), dst.to_string().c_str());
    return false;
  }
  if (vrrp_msg.size() > kMaxMessage) {
    XLOG_ERROR("advert on %s to %s: %zu-byte message exceeds %zu bytes", ifname_.c_str(),
               dst.to_string().c_str(), vrrp_msg.size(), kMaxMessage);
    return false;
  }
  if (dst.is_v6() && !open_v6()) return false;
  if (count_ == ring_.size()) flush();

  Slot& slot = ring_[count_];
  std::span<uint8_t> out(slot.buf.data(), slot.buf.size());
  // The kernel fills in the IPv4 id (we leave 0) and recomputes nothing else we rely on.
  size_t len = dst.is_v4() ? packet::build_ipv4_into(src, dst, ttl, kProtoVrrp, vrrp_msg, out)
                           : packet::build_ipv6_into(src, dst, ttl, kProtoVrrp, vrrp_msg, out);
  if (len == 0) {
    XLOG_ERROR("advert on %s to %s: cannot build the IP header", ifname_.c_str(),
               dst.to_string().c_str());
    return false;
  }
  slot.len = len;
  slot.family = dst.family;
  slot.dst = {};
  if (dst.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&slot.dst);
    sin->sin_family = AF_INET;
    std::memcpy(&sin->sin_addr, dst.bytes.data(), 4);
    slot.dst_len = sizeof(sockaddr_in);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&slot.dst);
    sin6->sin6_family = AF_INET6;
    std::memcpy(&sin6->sin6_addr, dst.bytes.data(), 16);
    sin6->sin6_scope_id = static_cast<uint32_t>(ifindex_);  // ff02::12 / fe80:: need a scope
    slot.dst_len = sizeof(sockaddr_in6);
  }
  slot.ctrl_len = put_pktinfo(slot.ctrl, src, ifindex_);
  ++count_;
  return true;
}

int AdvertSender::flush() {
  int total = 0;
  if (count_ == 0) return 0;
  total += flush_family(AF_INET, fd4_.get());
  if (fd6_) total += flush_family(AF_INET6, fd6_.get());
  count_ = 0;
  return total;
}

int AdvertSender::flush_family(int family, int fd) {
  unsigned n = 0;
  for (size_t i = 0; i < count_; ++i) {
    Slot& s = ring_[i];
    if (s.family != family) continue;
    iovs_[n] = {s.buf.data(), s.len};
    msgs_[n] = {};
    msgs_[n].msg_hdr.msg_name = &s.dst;
    msgs_[n].msg_hdr.msg_namelen = s.dst_len;
    msgs_[n].msg_hdr.msg_iov = &iovs_[n];
    msgs_[n].msg_hdr.msg_iovlen = 1;
    msgs_[n].msg_hdr.msg_control = s.ctrl;
    msgs_[n].msg_hdr.msg_controllen = s.ctrl_len;
    ++n;
  }
  unsigned done = 0;
  int accepted = 0;
  // Normally one call. sendmmsg stops at the first failing datagram, so on an error we
  // drop that one and go on with the rest.
  while (done < n) {
    int r = ::sendmmsg(fd, msgs_.data() + done, n - done, MSG_DONTWAIT);
    if (r < 0) {
      if (errno == EINTR) continue;
      msghdr& failed = msgs_[done].msg_hdr;
      if (errno == EINVAL && failed.msg_controllen != 0) {
        // An IPv6 source that is not (yet) ours, e.g. a unicast_src_ip being configured:
        // send it as before, with the kernel choosing the route's source.
        failed.msg_control = nullptr;
        failed.msg_controllen = 0;
        ++unpinned_;
        continue;
      }
      ++dropped_;
      const auto* dst = msgs_[done].msg_hdr.msg_name;
      char text[INET6_ADDRSTRLEN] = "?";
      if (family == AF_INET) {
        inet_ntop(AF_INET, &static_cast<const sockaddr_in*>(dst)->sin_addr, text, sizeof(text));
      } else {
        inet_ntop(AF_INET6, &static_cast<const sockaddr_in6*>(dst)->sin6_addr, text, sizeof(text));
      }
      std::string what = std::string("advert to ") + text;
      log_failure(what.c_str(), errno);
      ++done;
      continue;
    }
    done += static_cast<unsigned>(r);
    accepted += r;
  }
  sent_ += static_cast<uint64_t>(accepted);
  return accepted;
}

void AdvertSender::log_failure(const char* what, int err) {
  const auto now = static_cast<uint64_t>(xvrrp::clock::monotonic_ns());
  if (last_log_ns_ != 0 && now - last_log_ns_ < 1000000000ull) {
    ++suppressed_logs_;
    return;
  }
  if (suppressed_logs_ > 0) {
    XLOG_ERROR("%s on %s failed: %s (%llu similar errors suppressed in the last second)", what,
               ifname_.c_str(), std::strerror(err),
               static_cast<unsigned long long>(suppressed_logs_));
  } else {
    XLOG_ERROR("%s on %s failed: %s", what, ifname_.c_str(), std::strerror(err));
  }
  last_log_ns_ = now;
  suppressed_logs_ = 0;
}

}  // namespace xvrrp::net
