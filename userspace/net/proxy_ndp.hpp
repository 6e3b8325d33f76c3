// SPDX-License-Identifier: GPL-2.0-or-later
// ProxyNdpEntry: makes the kernel answer IPv6 neighbour solicitations on one interface for an
// address that lives on another device (a VIP on dummy0), for as long as the object exists.
//
// Linux answers NS only for addresses on the receiving interface (or proxy entries). An
// entry is a proxy neighbour (RTM_NEWNEIGH with NTF_PROXY, as `ip -6 neigh add proxy ADDR dev
// IF`), which also joins the address's solicited-node group on IF. The kernel uses proxy
// entries only while net.ipv6.conf.IF.proxy_ndp=1 and net.ipv6.conf.IF.forwarding=1
// (ndisc_recv_ns); both are set to 1 while IF has at least one entry and restored to their
// previous values when its last entry goes. Per-interface forwarding=1 makes IF act as a router
// for neighbour discovery (it ignores router advertisements unless accept_ra=2); it does not
// turn on packet forwarding, which net.ipv6.conf.all.forwarding governs.
// The kernel delays proxied answers to multicast NS by up to neigh.IF.proxy_delay (0.8 s).
//
// Single-threaded (the sysctl reference counts are process-wide, not locked). Each operation
// opens its own rtnetlink socket, so an entry may outlive any other daemon object.
#pragma once

#include "common/ip_address.hpp"

namespace xvrrp::net {

class ProxyNdpEntry {
 public:
  /// Adds the proxy entry for `addr` (IPv6) on `ifindex`. Throws std::system_error naming the
  /// address and the interface when the kernel refuses it; nothing is left behind then.
  ProxyNdpEntry(int ifindex, const IpAddress& addr);
  /// Removes the entry (logged on failure, never throws) and drops the sysctl reference.
  ~ProxyNdpEntry();
  ProxyNdpEntry(const ProxyNdpEntry&) = delete;
  ProxyNdpEntry& operator=(const ProxyNdpEntry&) = delete;

  int ifindex() const { return ifindex_; }
  const IpAddress& address() const { return addr_; }

 private:
  int ifindex_;
  IpAddress addr_;
};

}  // namespace xvrrp::net
