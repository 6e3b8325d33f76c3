// SPDX-License-Identifier: GPL-2.0-or-later
// RouteManager: adds and removes keepalived's virtual_routes and virtual_rules
// (config/route_spec.hpp) through rtnetlink (libnl-route-3 rtnl_route, rtnl_rule), as
// `ip route add` / `ip rule add` would: RTM_NEWROUTE with NLM_F_CREATE|NLM_F_EXCL, one
// nexthop (gateway and/or device), table, metric, scope, protocol, preferred source;
// FRA_* for rules with FR_ACT_TO_TBL.
//
// As AddressManager: errors never throw out of add/remove (the event loop calls them),
// they are logged with the route or rule and reported as false; an entry that already
// exists (add) or is already gone (remove) counts as success. Single-threaded; the
// socket belongs to the network namespace current at construction.
#pragma once

#include "config/route_spec.hpp"
#include "net/netlink_util.hpp"

namespace xvrrp::net {

class RouteManager {
 public:
  /// Throws std::system_error if the netlink socket cannot be opened.
  RouteManager();
  ~RouteManager();
  RouteManager(const RouteManager&) = delete;
  RouteManager& operator=(const RouteManager&) = delete;

  /// `ifindex`: the route's `dev` resolved by the caller (0 when it has none).
  bool add(const config::RouteSpec& route, int ifindex);
  bool remove(const config::RouteSpec& route, int ifindex);
  bool add(const config::RuleSpec& rule);
  bool remove(const config::RuleSpec& rule);

 private:
  NlSockPtr sock_;
};

}  // namespace xvrrp::net
