// SPDX-License-Identifier: GPL-2.0-or-later
// no_accept mode (RFC 5798 §6.1 Accept_Mode false; keepalived's no_accept and strict mode):
// the VIPs of a MASTER that is not the address owner serve as a gateway only. The host
// drops packets addressed to them and sends none from them; ARP, and IPv6 neighbour
// solicitations and adverts, still pass, so neighbours resolve the VIPs.
//
// Implemented as keepalived does it, with nftables (netlink, libnftnl): tables `ip NAME` and
// `ip6 NAME`, each with chains `in` (hook input) and `out` (hook output) at priority -1 and a
// set `vips` that the rules look up:
//   in:  ip daddr @vips drop        out: ip saddr @vips drop
//   in:  icmpv6 type {135, 136} accept; ip6 daddr @vips drop   (out likewise, saddr)
// IPv6 link-local VIPs are matched by address alone, on every interface.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/ip_address.hpp"

struct mnl_socket;

namespace xvrrp::net {

class VipFilter {
 public:
  /// Creates the two tables named `table` (replacing ones of that name a killed predecessor
  /// left behind), with empty sets. Needs CAP_NET_ADMIN. Throws std::runtime_error naming
  /// the netlink error; nothing is left behind then.
  explicit VipFilter(std::string table);
  /// Deletes both tables (and so every rule and element).
  ~VipFilter();
  VipFilter(const VipFilter&) = delete;
  VipFilter& operator=(const VipFilter&) = delete;

  /// Makes the filtered addresses exactly `addrs` (either family), in one nftables
  /// transaction: on error (std::runtime_error) the kernel's sets are unchanged.
  void assign(const std::vector<IpAddress>& addrs);
  [[nodiscard]] const std::set<IpAddress>& addresses() const { return current_; }
  [[nodiscard]] const std::string& table() const { return table_; }

  /// Deletes tables named `table` if they exist (a killed daemon's). Throws on errors other
  /// than "no such table".
  static void remove_stale(const std::string& table);

 private:
  struct SocketDeleter {
    void operator()(mnl_socket* s) const;
  };
  std::string table_;
  std::unique_ptr<mnl_socket, SocketDeleter> nl_;
  std::set<IpAddress> current_;
};

/// The table name for router_id: "xvrrpd_" and the router_id, cut to nftables' 255 bytes.
std::string vip_filter_table(const std::string& router_id);

}  // namespace xvrrp::net
