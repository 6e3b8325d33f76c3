// SPDX-License-Identifier: GPL-2.0-or-later
// virtual_routes / virtual_rules lines (keepalived.conf(5) "Static routes/addresses/rules",
// whose syntax is `ip route add` / `ip rule add`'s without abbreviations), parsed into plain
// values. Pure: words in, a spec or a RouteSpecError naming the offending word out.
//
// Routes: [TYPE] [src ADDR] [to] PREFIX|default [via|gw ADDR] [dev NAME] [table ID]
//         [metric|priority|preference N] [scope SCOPE] [protocol PROTO] [inet6] [no_track]
//   TYPE: unicast (default), blackhole, unreachable, prohibit (no via or dev with them).
//   PREFIX without /LEN is a host route; host bits must be clear, as `ip route` insists.
//   protocol defaults to 18 ("keepalived", as keepalived sets), so the routes say who made
//   them. IPv4 unless an address is IPv6 or `inet6` is given.
// Rules:  [from PREFIX|all] [to PREFIX|all] [iif NAME] [oif NAME] [fwmark N[/MASK]]
//         [tos N] [preference|priority|pref N] table ID [inet6] [no_track]
//   A rule without a preference is given one by the kernel, and may then be removed in
//   another order than keepalived's; a preference is advised, as keepalived.conf(5) says.
// Tables: 0..2^32-1 or main (254), local (255), default (253).
// Every other option (nexthop, or, onlink, mtu, realms, not, goto, uidrange, ...) is an
// error.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/ip_address.hpp"

namespace xvrrp::config {

/// A bad route/rule line: `word` indexes the offending word (words.size() when a value is
/// missing at the end), what() is the message without file and line.
class RouteSpecError : public std::runtime_error {
 public:
  RouteSpecError(std::size_t word, const std::string& message)
      : std::runtime_error(message), word_(word) {}
  [[nodiscard]] std::size_t word() const { return word_; }

 private:
  std::size_t word_;
};

struct Prefix {
  IpAddress addr;
  std::uint8_t len = 0;
  friend bool operator==(const Prefix&, const Prefix&) = default;
};

/// RTN_* (linux/rtnetlink.h)
enum class RouteType : std::uint8_t { Unicast = 1, Blackhole = 6, Unreachable = 7, Prohibit = 8 };

inline constexpr std::uint8_t kRouteProtoKeepalived = 18;
inline constexpr std::uint32_t kTableMain = 254;

struct RouteSpec {
  int family = 0;  ///< AF_INET or AF_INET6
  RouteType type = RouteType::Unicast;
  Prefix dst;
  std::optional<IpAddress> src;  ///< preferred source (RTA_PREFSRC)
  std::optional<IpAddress> via;
  std::string dev;
  std::uint32_t table = kTableMain;
  std::optional<std::uint32_t> metric;
  std::optional<std::uint8_t> scope;  ///< RT_SCOPE_*; the kernel's default when absent
  std::uint8_t protocol = kRouteProtoKeepalived;
  bool no_track = false;
  friend bool operator==(const RouteSpec&, const RouteSpec&) = default;
};

struct RuleSpec {
  int family = 0;
  std::optional<Prefix> from;
  std::optional<Prefix> to;
  std::string iif;
  std::string oif;
  std::optional<std::uint32_t> fwmark;
  std::optional<std::uint32_t> fwmask;
  std::optional<std::uint8_t> tos;
  std::optional<std::uint32_t> preference;
  std::uint32_t table = 0;
  bool no_track = false;
  friend bool operator==(const RuleSpec&, const RuleSpec&) = default;
};

RouteSpec parse_route(const std::vector<std::string>& words);
RuleSpec parse_rule(const std::vector<std::string>& words);

/// `ip route` / `ip rule` style text of a spec (status, logs, -t): parse_route(split(
/// to_string(r))) == r.
std::string to_string(const RouteSpec& r);
std::string to_string(const RuleSpec& r);

}  // namespace xvrrp::config
