// SPDX-License-Identifier: GPL-2.0-or-later
// static_ipaddress / static_routes / static_rules: keepalived's host configuration that
// VRRP never moves (config::Config::static_*).
#include <algorithm>

#include "common/log.hpp"
#include "daemon/daemon.hpp"
#include "net/link_monitor.hpp"

namespace xvrrp::daemon {

// Rules before routes before addresses when removing (a rule or route may name an
// address), and the reverse when adding, as keepalived orders them.
void Daemon::sync_statics(bool wanted) {
  const auto& addrs = config_.static_addresses;
  const auto& routes = config_.static_routes;
  const auto& rules = config_.static_rules;
  auto listed = [&](const auto& list, const auto& item) {
    return wanted && std::find(list.begin(), list.end(), item) != list.end();
  };
  auto dev_index = [&](const std::string& dev) {
    const auto link = dev.empty() ? std::nullopt : links_->find(dev);
    return link ? link->ifindex : 0;
  };
  for (auto it = static_rules_.rbegin(); it != static_rules_.rend();) {
    if (listed(rules, *it)) {
      ++it;
      continue;
    }
    routes_->remove(*it);
    it = std::reverse_iterator(static_rules_.erase(std::next(it).base()));
  }
  for (auto it = static_routes_.rbegin(); it != static_routes_.rend();) {
    if (listed(routes, it->first) && dev_index(it->first.dev) == it->second) {
      ++it;
      continue;
    }
    if (it->second != 0 || it->first.dev.empty()) routes_->remove(it->first, it->second);
    it = std::reverse_iterator(static_routes_.erase(std::next(it).base()));
  }
  for (auto it = static_addresses_.rbegin(); it != static_addresses_.rend();) {
    const int ifindex = dev_index(it->first.dev);
    if (listed(addrs, it->first) && ifindex == it->second.ifindex) {
      ++it;
      continue;
    }
    // A device that went took the address with it.
    if (ifindex == it->second.ifindex) addresses_->remove(it->second);
    it = std::reverse_iterator(static_addresses_.erase(std::next(it).base()));
  }
  if (!wanted) return;
  for (const auto& v : addrs) {
    if (std::any_of(static_addresses_.begin(), static_addresses_.end(),
                    [&](const auto& p) { return p.first == v; }))
      continue;
    const int ifindex = dev_index(v.dev);
    if (ifindex == 0) {
      XLOG_WARN("static_ipaddress %s: device %s does not exist (added when it appears)",
                v.addr.to_string().c_str(), v.dev.c_str());
      continue;
    }
    const net::Vip nv = net::vip_from_config(v, ifindex);
    if (addresses_->add(nv)) static_addresses_.emplace_back(v, nv);
  }
  for (const auto& r : routes) {
    if (std::any_of(static_routes_.begin(), static_routes_.end(),
                    [&](const auto& p) { return p.first == r; }))
      continue;
    const int ifindex = dev_index(r.dev);
    if (!r.dev.empty() && ifindex == 0) {
      XLOG_WARN("static route %s: device %s does not exist (added when it appears)",
                config::to_string(r).c_str(), r.dev.c_str());
      continue;
    }
    if (routes_->add(r, ifindex)) static_routes_.emplace_back(r, ifindex);
  }
  for (const auto& r : rules) {
    if (std::find(static_rules_.begin(), static_rules_.end(), r) != static_rules_.end()) continue;
    if (routes_->add(r)) static_rules_.push_back(r);
  }
}

bool Daemon::static_device(const std::string& name) const {
  const auto& c = config_;
  return std::any_of(c.static_addresses.begin(), c.static_addresses.end(),
                     [&](const config::Vip& v) { return v.dev == name; }) ||
         std::any_of(c.static_routes.begin(), c.static_routes.end(),
                     [&](const config::RouteSpec& r) { return r.dev == name; });
}

}  // namespace xvrrp::daemon
