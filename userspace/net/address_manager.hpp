// SPDX-License-Identifier: GPL-2.0-or-later
// AddressManager: adds and removes virtual IP addresses (keepalived's virtual_ipaddress
// entries) on their device through rtnetlink (libnl-route-3 rtnl_addr), with prefix length,
// broadcast, scope and label, as `ip addr add ADDR/LEN brd B scope S label L dev D` would.
//
// Errors never throw out of add/remove/present: the daemon calls them from its event loop.
// They are logged with the address and the device and reported as false.
// The netlink request/ack exchange is synchronous but never waits on anything but the kernel,
// which processes rtnetlink requests in the sender's context (the ack is queued before
// sendmsg returns).
// Single-threaded; the socket belongs to the network namespace current at construction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/ip_address.hpp"
#include "config/config.hpp"
#include "net/netlink_util.hpp"

namespace xvrrp::net {

/// One virtual address, already resolved by the daemon from the config.
struct Vip {
  /// The device the address lives on (dummy0 in the seed), by ifindex.
  int ifindex = 0;
  IpAddress addr;
  /// 32 / 128 when the config gave none.
  uint8_t prefix_len = 32;
  /// IPv4 broadcast (`brd X`); none = no IFA_BROADCAST attribute.
  std::optional<IpAddress> broadcast;
  /// RT_SCOPE_UNIVERSE (0) unless `scope` was given (253 link, 254 host, 200 site).
  uint8_t scope = 0;
  /// IFA_LABEL (`label eth0:1`, must start with the device name); empty = none.
  std::string label;
};

/// `v` as the kernel gets it, on the device `ifindex` (0 while it does not exist).
Vip vip_from_config(const config::Vip& v, int ifindex);

class AddressManager {
 public:
  /// Throws std::system_error if the netlink socket cannot be opened.
  AddressManager();
  ~AddressManager();
  AddressManager(const AddressManager&) = delete;
  AddressManager& operator=(const AddressManager&) = delete;

  /// Adds the VIP (RTM_NEWADDR, NLM_F_CREATE|NLM_F_EXCL; IPv6 with IFA_F_NODAD). An address
  /// that already exists on the device counts as success. Returns false (logged) on any other
  /// error, e.g. the kernel refuses an IPv4 address whose scope differs from the primary's in
  /// the same subnet ("ipv4: Invalid scope value").
  bool add(const Vip& vip);
  /// Removes the VIP (RTM_DELADDR, matched by address and prefix length on the device).
  /// An address that is already absent counts as success.
  bool remove(const Vip& vip);
  /// Whether the device currently carries the address (any prefix length).
  bool present(const Vip& vip);
  /// Start-up cleanup: removes each of `vips` found on its device (left over by a previous run
  /// that was killed). Logs every address it removes.
  void remove_stale(const std::vector<Vip>& vips);

 private:
  NlSockPtr sock_;
};

}  // namespace xvrrp::net
