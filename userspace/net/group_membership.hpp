// SPDX-License-Identifier: GPL-2.0-or-later
// GroupMembership: holds the VRRP multicast group (224.0.0.18 or ff02::12,
// RFC 3768 §5.2.2 / RFC 5798 §5.1.1.2) joined on one interface for as long as
// the object lives, as keepalived does. The XDP program reads adverts before
// the stack, but a NIC that filters multicast MACs in hardware (most physical
// NICs, virtio-net, vmxnet3) only delivers a group whose MAC the stack asked
// for; a membership is what makes the kernel program that filter.
//
// One AF_INET or AF_INET6 UDP socket per membership (it never receives: no
// port is bound); IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP on construction, and the
// kernel leaves the group when the socket closes. If the interface is deleted,
// the kernel drops the membership; the object just closes its socket.
#pragma once

#include "common/unique_fd.hpp"

namespace xvrrp::net {

class GroupMembership {
 public:
  /// family: AF_INET (224.0.0.18) or AF_INET6 (ff02::12). Throws std::system_error.
  GroupMembership(int ifindex, int family);
  [[nodiscard]] int ifindex() const { return ifindex_; }
  [[nodiscard]] int family() const { return family_; }

 private:
  int ifindex_;
  int family_;
  UniqueFd fd_;
};

}  // namespace xvrrp::net
