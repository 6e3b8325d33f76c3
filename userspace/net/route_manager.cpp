// SPDX-License-Identifier: GPL-2.0-or-later
#include "net/route_manager.hpp"

#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>

#include <memory>
#include <string>

#include "common/log.hpp"

namespace xvrrp::net {
namespace {

struct RtnlRouteDeleter {
  void operator()(rtnl_route* p) const noexcept { rtnl_route_put(p); }
};
struct RtnlRuleDeleter {
  void operator()(rtnl_rule* p) const noexcept { rtnl_rule_put(p); }
};
using RtnlRoutePtr = std::unique_ptr<rtnl_route, RtnlRouteDeleter>;
using RtnlRulePtr = std::unique_ptr<rtnl_rule, RtnlRuleDeleter>;

NlAddrPtr prefix_addr(const config::Prefix& p) { return to_nl_addr(p.addr, p.len); }

// The object that names the route; nullptr when out of memory.
RtnlRoutePtr make_route(const config::RouteSpec& r, int ifindex) {
  RtnlRoutePtr route(rtnl_route_alloc());
  if (!route) return route;
  rtnl_route_set_family(route.get(), static_cast<std::uint8_t>(r.family));
  rtnl_route_set_type(route.get(), static_cast<std::uint8_t>(r.type));
  rtnl_route_set_table(route.get(), r.table);
  rtnl_route_set_protocol(route.get(), r.protocol);
  if (r.scope) {
    rtnl_route_set_scope(route.get(), *r.scope);
  } else {
    // `ip route`'s default: link scope for a direct route of unicast, else universe.
    rtnl_route_set_scope(route.get(), r.type == config::RouteType::Unicast && !r.via
                                          ? RT_SCOPE_LINK
                                          : RT_SCOPE_UNIVERSE);
  }
  if (r.metric) rtnl_route_set_priority(route.get(), *r.metric);
  NlAddrPtr dst = prefix_addr(r.dst);
  if (!dst || rtnl_route_set_dst(route.get(), dst.get()) < 0) return nullptr;
  if (r.src) {
    NlAddrPtr src = to_nl_addr(*r.src, r.src->is_v4() ? 32 : 128);
    if (!src || rtnl_route_set_pref_src(route.get(), src.get()) < 0) return nullptr;
  }
  if (r.via || ifindex != 0) {
    rtnl_nexthop* nh = rtnl_route_nh_alloc();
    if (nh == nullptr) return nullptr;
    if (ifindex != 0) rtnl_route_nh_set_ifindex(nh, ifindex);
    if (r.via) {
      NlAddrPtr gw = to_nl_addr(*r.via, r.via->is_v4() ? 32 : 128);
      if (!gw) {
        rtnl_route_nh_free(nh);
        return nullptr;
      }
      rtnl_route_nh_set_gateway(nh, gw.get());  // takes its own reference
    }
    rtnl_route_add_nexthop(route.get(), nh);  // the route owns nh from here
  }
  return route;
}

RtnlRulePtr make_rule(const config::RuleSpec& r) {
  RtnlRulePtr rule(rtnl_rule_alloc());
  if (!rule) return rule;
  rtnl_rule_set_family(rule.get(), r.family);
  rtnl_rule_set_action(rule.get(), FR_ACT_TO_TBL);
  rtnl_rule_set_table(rule.get(), r.table);
  if (r.preference) rtnl_rule_set_prio(rule.get(), *r.preference);
  if (r.from) {
    NlAddrPtr a = prefix_addr(*r.from);
    if (!a || rtnl_rule_set_src(rule.get(), a.get()) < 0) return nullptr;
  }
  if (r.to) {
    NlAddrPtr a = prefix_addr(*r.to);
    if (!a || rtnl_rule_set_dst(rule.get(), a.get()) < 0) return nullptr;
  }
  if (!r.iif.empty() && rtnl_rule_set_iif(rule.get(), r.iif.c_str()) < 0) return nullptr;
  if (!r.oif.empty() && rtnl_rule_set_oif(rule.get(), r.oif.c_str()) < 0) return nullptr;
  if (r.fwmark) rtnl_rule_set_mark(rule.get(), *r.fwmark);
  if (r.fwmask) rtnl_rule_set_mask(rule.get(), *r.fwmask);
  if (r.tos) rtnl_rule_set_dsfield(rule.get(), *r.tos);
  return rule;
}

bool report(int err, bool adding, const std::string& what) {
  if (err >= 0) return true;
  if (adding && err == -NLE_EXIST) return true;
  if (!adding && (err == -NLE_OBJ_NOTFOUND || err == -NLE_NOADDR || err == -NLE_NODEV)) return true;
  XLOG_ERROR("cannot %s %s: %s", adding ? "add" : "remove", what.c_str(), nl_geterror(err));
  return false;
}

}  // namespace

RouteManager::RouteManager() : sock_(connect_route_socket("netlink route socket")) {}

RouteManager::~RouteManager() = default;

bool RouteManager::add(const config::RouteSpec& r, int ifindex) {
  RtnlRoutePtr route = make_route(r, ifindex);
  if (!route) return report(-NLE_NOMEM, true, "route " + config::to_string(r));
  return report(rtnl_route_add(sock_.get(), route.get(), NLM_F_EXCL), true,
                "route " + config::to_string(r));
}

bool RouteManager::remove(const config::RouteSpec& r, int ifindex) {
  RtnlRoutePtr route = make_route(r, ifindex);
  if (!route) return report(-NLE_NOMEM, false, "route " + config::to_string(r));
  return report(rtnl_route_delete(sock_.get(), route.get(), 0), false,
                "route " + config::to_string(r));
}

bool RouteManager::add(const config::RuleSpec& r) {
  RtnlRulePtr rule = make_rule(r);
  if (!rule) return report(-NLE_NOMEM, true, "rule " + config::to_string(r));
  return report(rtnl_rule_add(sock_.get(), rule.get(), NLM_F_EXCL), true,
                "rule " + config::to_string(r));
}

bool RouteManager::remove(const config::RuleSpec& r) {
  RtnlRulePtr rule = make_rule(r);
  if (!rule) return report(-NLE_NOMEM, false, "rule " + config::to_string(r));
  return report(rtnl_rule_delete(sock_.get(), rule.get(), 0), false,
                "rule " + config::to_string(r));
}

}  // namespace xvrrp::net
