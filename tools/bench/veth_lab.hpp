// SPDX-License-Identifier: GPL-2.0-or-later
// VethLab: two network namespaces joined by one veth pair, for the XDP
// integration test and the latency benchmark. Side A is 192.0.2.1/24 on
// <A-if> (02:00:00:00:00:01), side B 192.0.2.2/24 on <B-if> (02:00:00:00:00:02).
// The calling thread enters namespaces with setns(); the destructor returns it
// to the namespace it started in and deletes both namespaces (which deletes
// the veth pair). Needs root. Throws std::runtime_error naming the failed command.
#pragma once

#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "common/unique_fd.hpp"

namespace xvrrp::lab {

class VethLab {
 public:
  explicit VethLab(const std::string& tag) {
    std::string id = tag + std::to_string(getpid() % 100000);
    ns_a_ = "xvrrp-" + id + "-a";
    ns_b_ = "xvrrp-" + id + "-b";
    if_a_ = "xva" + std::to_string(getpid() % 100000);
    if_b_ = "xvb" + std::to_string(getpid() % 100000);
    origin_ = UniqueFd(::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    if (!origin_) throw std::runtime_error("open /proc/self/ns/net");
    try {
      sh("ip netns add " + ns_a_);
      sh("ip netns add " + ns_b_);
      sh("ip link add " + if_a_ + " address 02:00:00:00:00:01 type veth peer name " + if_b_ +
         " address 02:00:00:00:00:02");
      sh("ip link set " + if_a_ + " netns " + ns_a_);
      sh("ip link set " + if_b_ + " netns " + ns_b_);
      sh("ip -n " + ns_a_ + " addr add 192.0.2.1/24 dev " + if_a_);
      sh("ip -n " + ns_b_ + " addr add 192.0.2.2/24 dev " + if_b_);
      for (const auto& [ns, ifn] : {std::pair{ns_a_, if_a_}, std::pair{ns_b_, if_b_}}) {
        sh("ip -n " + ns + " link set lo up");
        sh("ip -n " + ns + " link set " + ifn + " up");
      }
    } catch (...) {
      cleanup();
      throw;
    }
  }
  VethLab(const VethLab&) = delete;
  VethLab& operator=(const VethLab&) = delete;
  ~VethLab() { cleanup(); }

  void enter_a() const { enter(ns_a_); }
  void enter_b() const { enter(ns_b_); }
  void enter_origin() const { ::setns(origin_.get(), CLONE_NEWNET); }

  const std::string& ns_a() const { return ns_a_; }
  const std::string& ns_b() const { return ns_b_; }
  const std::string& if_a() const { return if_a_; }
  const std::string& if_b() const { return if_b_; }
  /// ifindex of an interface in the namespace the thread is in now.
  static int ifindex(const std::string& name) {
    unsigned idx = if_nametoindex(name.c_str());
    if (idx == 0) throw std::runtime_error("no interface " + name + " in this namespace");
    return static_cast<int>(idx);
  }

  static void sh(const std::string& cmd) {
    if (std::system((cmd + " 2>&1").c_str()) != 0) throw std::runtime_error("failed: " + cmd);
  }

 private:
  void enter(const std::string& ns) const {
    UniqueFd fd(::open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd || ::setns(fd.get(), CLONE_NEWNET) != 0) {
      throw std::runtime_error("cannot enter network namespace " + ns);
    }
  }
  void cleanup() noexcept {
    if (origin_) ::setns(origin_.get(), CLONE_NEWNET);
    (void)std::system(("ip netns del " + ns_a_ + " 2>/dev/null").c_str());
    (void)std::system(("ip netns del " + ns_b_ + " 2>/dev/null").c_str());
  }

  std::string ns_a_, ns_b_, if_a_, if_b_;
  UniqueFd origin_;
};

/// AF_PACKET socket bound to `ifname` in the current namespace, for sending
/// complete Ethernet frames with send().
inline UniqueFd packet_socket(const std::string& ifname) {
  UniqueFd fd(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
  if (!fd) throw std::runtime_error("socket(AF_PACKET)");
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_ifindex = VethLab::ifindex(ifname);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sll), sizeof(sll)) != 0) {
    throw std::runtime_error("bind AF_PACKET to " + ifname);
  }
  return fd;
}

}  // namespace xvrrp::lab
