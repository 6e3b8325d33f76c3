// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/route_spec.hpp"

#include <sys/socket.h>

#include <charconv>
#include <string_view>

namespace xvrrp::config {
namespace {

using Words = std::vector<std::string>;

const std::string& value_of(const Words& w, std::size_t& i) {
  if (i + 1 >= w.size()) throw RouteSpecError(w.size(), "'" + w[i] + "' needs a value");
  return w[++i];
}

std::uint64_t number(const Words& w, std::size_t i, std::uint64_t max, const char* what) {
  std::string_view t = w[i];
  int base = 10;
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
    t.remove_prefix(2);
    base = 16;
  }
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v, base);
  if (ec != std::errc() || p != t.data() + t.size() || t.empty() || v > max)
    throw RouteSpecError(i, std::string("bad ") + what + " '" + w[i] + "' (expected 0.." +
                                std::to_string(max) + ")");
  return v;
}

IpAddress address(const Words& w, std::size_t i, const char* what) {
  auto a = IpAddress::parse(w[i]);
  if (!a) throw RouteSpecError(i, std::string("bad ") + what + " '" + w[i] + "'");
  return *a;
}

// Host bits must be clear: the kernel stores only the network part.
bool host_bits_clear(const IpAddress& a, unsigned len) {
  const std::size_t n = a.is_v4() ? 4 : 16;
  for (std::size_t bit = len; bit < n * 8; ++bit)
    if ((a.bytes[bit / 8] >> (7 - bit % 8)) & 1) return false;
  return true;
}

Prefix prefix(const Words& w, std::size_t i, int family_hint) {
  const std::string& t = w[i];
  Prefix p;
  if (t == "default" || t == "all") {
    p.addr.family = family_hint == AF_INET6 ? AF_INET6 : AF_INET;
    p.addr.bytes = {};
    return p;
  }
  const auto slash = t.find('/');
  auto a = IpAddress::parse(std::string_view(t).substr(0, slash));
  if (!a) throw RouteSpecError(i, "bad prefix '" + t + "' (expected ADDR[/LEN] or default)");
  p.addr = *a;
  const unsigned max = a->is_v4() ? 32 : 128;
  p.len = static_cast<std::uint8_t>(max);
  if (slash != std::string::npos) {
    const std::string_view len = std::string_view(t).substr(slash + 1);
    unsigned v = 0;
    auto [q, ec] = std::from_chars(len.data(), len.data() + len.size(), v);
    if (ec != std::errc() || q != len.data() + len.size() || len.empty() || v > max)
      throw RouteSpecError(
          i, "bad prefix length in '" + t + "' (expected 0.." + std::to_string(max) + ")");
    p.len = static_cast<std::uint8_t>(v);
  }
  if (!host_bits_clear(p.addr, p.len))
    throw RouteSpecError(i, "prefix '" + t + "' has host bits set (expected its network, as " +
                                "ip route/rule require)");
  return p;
}

std::uint32_t table(const Words& w, std::size_t i) {
  if (w[i] == "main") return kTableMain;
  if (w[i] == "local") return 255;
  if (w[i] == "default") return 253;
  // Names of /etc/iproute2/rt_tables are the system's, not the config's: numbers only.
  if (w[i].find_first_not_of("0123456789xXabcdefABCDEF") != std::string::npos)
    throw RouteSpecError(i, "table '" + w[i] +
                                "' is not a number (expected 0..4294967295, main, local or "
                                "default)");
  return static_cast<std::uint32_t>(number(w, i, 0xffffffffU, "table"));
}

std::uint8_t scope(const Words& w, std::size_t i) {
  if (w[i] == "global" || w[i] == "universe") return 0;
  if (w[i] == "site") return 200;
  if (w[i] == "link") return 253;
  if (w[i] == "host") return 254;
  if (w[i] == "nowhere") return 255;
  return static_cast<std::uint8_t>(number(w, i, 255, "scope"));
}

std::uint8_t protocol(const Words& w, std::size_t i) {
  static constexpr std::pair<std::string_view, std::uint8_t> kNames[] = {
      {"redirect", 1},    {"kernel", 2}, {"boot", 3},  {"static", 4}, {"ra", 9},   {"dhcp", 16},
      {"keepalived", 18}, {"babel", 42}, {"bgp", 186}, {"ospf", 188}, {"bird", 12}};
  for (const auto& [name, v] : kNames)
    if (w[i] == name) return v;
  return static_cast<std::uint8_t>(number(w, i, 255, "protocol"));
}

// One family for the whole line: the first address fixes it, `inet6` asks for IPv6.
void same_family(int& family, const IpAddress& a, std::size_t i) {
  if (family == 0) {
    family = a.family;
  } else if (family != a.family) {
    throw RouteSpecError(i, "'" + a.to_string() + "' is not of the line's address family " +
                                (family == AF_INET6 ? "(IPv6)" : "(IPv4)"));
  }
}

std::string prefix_text(const Prefix& p) {
  return p.addr.to_string() + "/" + std::to_string(p.len);
}

}  // namespace

RouteSpec parse_route(const Words& w) {
  RouteSpec r;
  bool want6 = false;
  for (const auto& t : w) want6 |= t == "inet6";
  int family = want6 ? AF_INET6 : 0;
  bool have_dst = false;
  std::size_t via_at = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const std::string& o = w[i];
    if (o == "inet6" || o == "no_track") {
      r.no_track |= o == "no_track";
    } else if (!have_dst &&
               (o == "unicast" || o == "blackhole" || o == "unreachable" || o == "prohibit")) {
      r.type = o == "unicast"       ? RouteType::Unicast
               : o == "blackhole"   ? RouteType::Blackhole
               : o == "unreachable" ? RouteType::Unreachable
                                    : RouteType::Prohibit;
    } else if (o == "src") {
      r.src = address(w, (value_of(w, i), i), "src address");
      same_family(family, *r.src, i);
    } else if (o == "via" || o == "gw") {
      r.via = address(w, (value_of(w, i), i), "gateway");
      same_family(family, *r.via, i);
      via_at = i;
    } else if (o == "dev") {
      r.dev = value_of(w, i);
    } else if (o == "table") {
      r.table = table(w, (value_of(w, i), i));
    } else if (o == "metric" || o == "priority" || o == "preference") {
      r.metric = static_cast<std::uint32_t>(number(w, (value_of(w, i), i), 0xffffffffU, "metric"));
    } else if (o == "scope") {
      r.scope = scope(w, (value_of(w, i), i));
    } else if (o == "protocol" || o == "proto") {
      r.protocol = protocol(w, (value_of(w, i), i));
    } else if (!have_dst &&
               (o == "to" || o.find_first_of(".:") != std::string::npos || o == "default")) {
      if (o == "to") value_of(w, i);
      r.dst = prefix(w, i, family);
      if (w[i] != "default") same_family(family, r.dst.addr, i);
      have_dst = true;
    } else {
      throw RouteSpecError(i, "route option '" + o +
                                  "' is not supported by xvrrpd (expected [TYPE] [src ADDR] "
                                  "[to] PREFIX [via ADDR] [dev NAME] [table ID] [metric N] "
                                  "[scope S] [protocol P] [inet6] [no_track])");
    }
  }
  if (!have_dst) throw RouteSpecError(w.size(), "route without a destination (expected PREFIX)");
  if (family == 0) family = AF_INET;
  r.family = family;
  if (r.dst.addr.family != family) r.dst.addr.family = family;  // `default inet6`
  if (r.type != RouteType::Unicast && (r.via || !r.dev.empty()))
    throw RouteSpecError(via_at != 0 ? via_at : 0,
                         "a blackhole, unreachable or prohibit route takes no via or dev");
  if (r.type == RouteType::Unicast && !r.via && r.dev.empty())
    throw RouteSpecError(w.size(), "route to " + prefix_text(r.dst) +
                                       " needs a gateway or a device (via ADDR or dev NAME)");
  return r;
}

RuleSpec parse_rule(const Words& w) {
  RuleSpec r;
  bool want6 = false;
  for (const auto& t : w) want6 |= t == "inet6";
  int family = want6 ? AF_INET6 : 0;
  bool have_table = false;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const std::string& o = w[i];
    if (o == "inet6" || o == "no_track") {
      r.no_track |= o == "no_track";
    } else if (o == "from" || o == "to") {
      Prefix p = prefix(w, (value_of(w, i), i), family);
      if (w[i] != "all") same_family(family, p.addr, i);
      (o == "from" ? r.from : r.to) = p;
    } else if (o == "iif" || o == "oif") {
      (o == "iif" ? r.iif : r.oif) = value_of(w, i);
    } else if (o == "fwmark") {
      const std::string& v = value_of(w, i);
      const auto slash = v.find('/');
      try {
        const Words parts{v.substr(0, slash)};
        r.fwmark = static_cast<std::uint32_t>(number(parts, 0, 0xffffffffU, "fwmark"));
        if (slash != std::string::npos) {
          const Words m{v.substr(slash + 1)};
          r.fwmask = static_cast<std::uint32_t>(number(m, 0, 0xffffffffU, "fwmark mask"));
        }
      } catch (const RouteSpecError& e) {
        throw RouteSpecError(i, e.what());
      }
    } else if (o == "tos" || o == "dsfield") {
      r.tos = static_cast<std::uint8_t>(number(w, (value_of(w, i), i), 255, "tos"));
    } else if (o == "preference" || o == "priority" || o == "pref") {
      r.preference =
          static_cast<std::uint32_t>(number(w, (value_of(w, i), i), 0xffffffffU, "preference"));
    } else if (o == "table" || o == "lookup") {
      r.table = table(w, (value_of(w, i), i));
      have_table = true;
    } else {
      throw RouteSpecError(i, "rule option '" + o +
                                  "' is not supported by xvrrpd (expected [from PREFIX] "
                                  "[to PREFIX] [iif NAME] [oif NAME] [fwmark N[/M]] [tos N] "
                                  "[preference N] table ID [inet6] [no_track])");
    }
  }
  if (!have_table) throw RouteSpecError(w.size(), "rule without a table (expected table ID)");
  r.family = family == 0 ? AF_INET : family;
  for (auto* p : {&r.from, &r.to})
    if (*p && (*p)->len == 0) (*p)->addr.family = r.family;
  return r;
}

std::string to_string(const RouteSpec& r) {
  std::string s;
  switch (r.type) {
    case RouteType::Blackhole:
      s = "blackhole ";
      break;
    case RouteType::Unreachable:
      s = "unreachable ";
      break;
    case RouteType::Prohibit:
      s = "prohibit ";
      break;
    case RouteType::Unicast:
      break;
  }
  if (r.src) s += "src " + r.src->to_string() + " ";
  s += prefix_text(r.dst);
  if (r.via) s += " via " + r.via->to_string();
  if (!r.dev.empty()) s += " dev " + r.dev;
  if (r.table != kTableMain) s += " table " + std::to_string(r.table);
  if (r.metric) s += " metric " + std::to_string(*r.metric);
  if (r.scope) s += " scope " + std::to_string(+*r.scope);
  if (r.protocol != kRouteProtoKeepalived) s += " protocol " + std::to_string(+r.protocol);
  if (r.family == AF_INET6) s += " inet6";
  if (r.no_track) s += " no_track";
  return s;
}

std::string to_string(const RuleSpec& r) {
  std::string s;
  auto add = [&s](const std::string& part) { s += (s.empty() ? "" : " ") + part; };
  if (r.from) add("from " + prefix_text(*r.from));
  if (r.to) add("to " + prefix_text(*r.to));
  if (!r.iif.empty()) add("iif " + r.iif);
  if (!r.oif.empty()) add("oif " + r.oif);
  if (r.fwmark)
    add("fwmark " + std::to_string(*r.fwmark) + (r.fwmask ? "/" + std::to_string(*r.fwmask) : ""));
  if (r.tos) add("tos " + std::to_string(+*r.tos));
  if (r.preference) add("preference " + std::to_string(*r.preference));
  add("table " + std::to_string(r.table));
  if (r.family == AF_INET6) add("inet6");
  if (r.no_track) add("no_track");
  return s;
}

}  // namespace xvrrp::config
