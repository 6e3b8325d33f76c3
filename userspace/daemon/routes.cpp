// SPDX-License-Identifier: GPL-2.0-or-later
// virtual_routes / virtual_rules: added while the instance wants its VIPs (MASTER), after
// them; removed when it leaves MASTER, before them (keepalived's order).
#include <algorithm>
#include <string>

#include "common/log.hpp"
#include "daemon/daemon.hpp"
#include "daemon/instance_runtime.hpp"
#include "net/link_monitor.hpp"

namespace xvrrp::daemon {

void Daemon::sync_routes(InstanceRuntime& rt) {
  const auto& routes = rt.cfg.virtual_routes;
  const auto& rules = rt.cfg.virtual_rules;
  auto configured_route = [&](const config::RouteSpec& r) {
    return rt.want_vips && std::find(routes.begin(), routes.end(), r) != routes.end();
  };
  auto configured_rule = [&](const config::RuleSpec& r) {
    return rt.want_vips && std::find(rules.begin(), rules.end(), r) != rules.end();
  };
  // Leaving (or no longer configured after a reload): rules first, then routes, newest first.
  for (auto it = rt.rules_installed.rbegin(); it != rt.rules_installed.rend();) {
    if (configured_rule(*it)) {
      ++it;
      continue;
    }
    routes_->remove(*it);
    it = std::reverse_iterator(rt.rules_installed.erase(std::next(it).base()));
  }
  for (auto it = rt.routes_installed.rbegin(); it != rt.routes_installed.rend();) {
    if (configured_route(it->first)) {
      ++it;
      continue;
    }
    routes_->remove(it->first, it->second);
    it = std::reverse_iterator(rt.routes_installed.erase(std::next(it).base()));
  }
  if (!rt.want_vips) return;
  for (const auto& r : routes) {
    const bool done = std::any_of(rt.routes_installed.begin(), rt.routes_installed.end(),
                                  [&](const auto& p) { return p.first == r; });
    if (done) continue;
    int ifindex = 0;
    if (!r.dev.empty()) {
      const auto link = links_->find(r.dev);
      if (!link) {
        XLOG_WARN("(%s) cannot add route %s yet: device %s does not exist", rt.cfg.name.c_str(),
                  config::to_string(r).c_str(), r.dev.c_str());
        continue;
      }
      ifindex = link->ifindex;
    }
    if (routes_->add(r, ifindex)) rt.routes_installed.emplace_back(r, ifindex);
  }
  for (const auto& r : rules) {
    if (std::find(rt.rules_installed.begin(), rt.rules_installed.end(), r) !=
        rt.rules_installed.end())
      continue;
    if (routes_->add(r)) rt.rules_installed.push_back(r);
  }
}

}  // namespace xvrrp::daemon
