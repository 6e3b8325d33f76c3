// SPDX-License-Identifier: GPL-2.0-or-later
// use_vmac (keepalived.conf(5)): the instance's VIPs live on a macvlan of the VRRP interface
// whose MAC is the virtual router MAC, 00:00:5e:00:01:VRID (RFC 5798 §7.3), so clients keep
// the same MAC across a failover and adverts leave with it as their source.
//
// As keepalived makes it (vrrp_vmac.c, vrrp_if_config.c): macvlan mode private; on the
// macvlan arp_ignore=1, accept_local=1, rp_filter=0, promote_secondaries=1 and IPv6 off (an
// IPv4 instance needs no link-local address, RFC 5798 §7.4); on the parent arp_ignore=1 and
// arp_filter=1, so that only the macvlan answers ARP for the VIPs it holds, with the virtual
// MAC, and (beyond keepalived) arp_announce=2, so that the host's own ARP requests never
// name a VIP with the parent's MAC; the parent's values come back when its last macvlan
// goes. Brought up at creation, deleted at exit.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace xvrrp::net {

/// 00:00:5e:00:01:VRID (IPv4) or 00:00:5e:00:02:VRID (IPv6).
std::array<std::uint8_t, 6> virtual_router_mac(std::uint8_t vrid, bool ipv6);

class Vmac {
 public:
  /// Creates `name` on `parent` (ifindex `parent_ifindex`), or takes over a macvlan of that
  /// name a killed run left on the same parent (it is deleted and made again). Throws
  /// std::runtime_error naming the interface: the name is taken by another kind of link, or
  /// the kernel refuses (no macvlan support, a name too long, ...).
  Vmac(std::string name, int parent_ifindex, std::string parent, std::uint8_t vrid);
  /// Deletes the macvlan (nothing when the kernel already did, with its parent).
  ~Vmac();
  Vmac(const Vmac&) = delete;
  Vmac& operator=(const Vmac&) = delete;

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] int ifindex() const { return ifindex_; }
  [[nodiscard]] int parent_ifindex() const { return parent_ifindex_; }
  [[nodiscard]] const std::array<std::uint8_t, 6>& mac() const { return mac_; }

 private:
  std::string name_, parent_;
  int parent_ifindex_ = 0;
  int ifindex_ = 0;
  std::array<std::uint8_t, 6> mac_{};
};

}  // namespace xvrrp::net
