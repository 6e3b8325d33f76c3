// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe/options.hpp"

#include <charconv>
#include <cmath>

namespace xvrrp::probe {
namespace {

// A decimal number of `unit_ns` units within [min, max] units, as nanoseconds.
std::optional<std::int64_t> parse_duration(std::string_view text, double unit_ns, double min,
                                           double max) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value) ||
      value < min || value > max) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(std::llround(value * unit_ns));
}

}  // namespace

std::string usage_text() {
  return "usage: xvrrp-probe [options] VIP\n"
         "Measures a VRRP failover from a client: probes the IPv4 VIP with ICMP echo (and ARP\n"
         "who-has when it is on-link) and reports the longest gap between replies.\n"
         "  -i, --interval MS       probe interval in ms (default 1, 0.01..10000)\n"
         "  -d, --duration SECONDS  stop after this long (default: run until SIGINT/SIGTERM)\n"
         "  -I, --iface NAME        egress interface for ARP (default: from the route)\n"
         "  -t, --timeout MS        a reply later than this is lost (default 1000); unanswered\n"
         "                          probes younger than this at stop are 'in flight', not lost\n"
         "      --arp-interval MS   ARP who-has interval (default 10, 0 disables ARP). The\n"
         "                          answers also refresh this host's ARP cache, so a client\n"
         "                          recovers without waiting for the new master's GARP; use 0\n"
         "                          to measure what an ordinary client sees\n"
         "      --json              print the summary as JSON (schema xvrrp-probe/1)\n"
         "      --svg FILE          write an SVG timeline of the run to FILE\n"
         "      --events FILE       mark moments on the timeline: lines 'UNIX_SECONDS LABEL'\n"
         "                          (read at the end of the run, e.g. `date +%s.%N`)\n"
         "  -q, --quiet             no progress lines on stderr\n"
         "  -h, --help              this text\n"
         "Exit status: 0 measured, 1 runtime error (no route, no permission), 2 bad usage.\n";
}

ParseResult parse_options(const std::vector<std::string_view>& args) {
  ParseResult result;
  ProbeOptions o;
  std::optional<std::string_view> target;
  auto fail = [&result](std::string message) {
    result.error = std::move(message);
    result.options.reset();
    return result;
  };

  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') {
      if (target) return fail("more than one VIP given: '" + std::string(arg) + "'");
      target = arg;
      continue;
    }
    std::string_view name = arg;
    std::optional<std::string_view> inline_value;
    if (arg.starts_with("--")) {
      if (auto eq = arg.find('='); eq != std::string_view::npos) {
        name = arg.substr(0, eq);
        inline_value = arg.substr(eq + 1);
      }
    }
    auto is = [&name](std::string_view s, std::string_view l) { return name == s || name == l; };
    auto flag = [&]() -> bool {
      if (inline_value) {
        fail("option '" + std::string(name) + "' takes no value");
        return false;
      }
      return true;
    };
    auto value = [&]() -> std::optional<std::string_view> {
      if (inline_value) return inline_value;
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };

    if (is("-h", "--help")) {
      if (!flag()) return result;
      result.help = true;
      return result;
    } else if (is("-q", "--quiet")) {
      if (!flag()) return result;
      o.quiet = true;
    } else if (is("--json", "--json")) {
      if (!flag()) return result;
      o.json = true;
    } else if (is("-i", "--interval") || is("-d", "--duration") || is("-t", "--timeout") ||
               is("--arp-interval", "--arp-interval") || is("-I", "--iface") ||
               is("--svg", "--svg") || is("--events", "--events")) {
      auto v = value();
      if (!v) return fail("option '" + std::string(name) + "' needs a value");
      std::string text(*v);
      if (is("-i", "--interval")) {
        auto ns = parse_duration(*v, 1e6, 0.01, 10000);
        if (!ns) return fail("bad --interval '" + text + "': want milliseconds in 0.01..10000");
        o.interval_ns = *ns;
      } else if (is("-d", "--duration")) {
        auto ns = parse_duration(*v, 1e9, 0.001, 31'536'000);
        if (!ns) return fail("bad --duration '" + text + "': want seconds > 0");
        o.duration_ns = *ns;
      } else if (is("-t", "--timeout")) {
        auto ns = parse_duration(*v, 1e6, 1, 60'000);
        if (!ns) return fail("bad --timeout '" + text + "': want milliseconds in 1..60000");
        o.reply_timeout_ns = *ns;
      } else if (is("--arp-interval", "--arp-interval")) {
        auto ns = parse_duration(*v, 1e6, 0, 10000);
        if (!ns || (*ns > 0 && *ns < 10'000)) {
          return fail("bad --arp-interval '" + text + "': want 0 or milliseconds in 0.01..10000");
        }
        o.arp_interval_ns = *ns;
      } else if (is("-I", "--iface")) {
        if (v->empty() || v->size() >= 16) return fail("bad --iface '" + text + "'");
        o.iface = text;
      } else if (is("--svg", "--svg")) {
        if (v->empty()) return fail("--svg needs a file name");
        o.svg_file = text;
      } else {
        if (v->empty()) return fail("--events needs a file name");
        o.events_file = text;
      }
    } else {
      return fail("unknown option '" + std::string(arg) + "' (try --help)");
    }
  }

  if (!target) return fail("missing VIP (try --help)");
  auto address = IpAddress::parse(*target);
  if (!address) return fail("bad VIP '" + std::string(*target) + "': not an IP address");
  if (!address->is_v4()) {
    return fail("VIP '" + std::string(*target) + "' is IPv6: only IPv4 is supported");
  }
  o.target = *address;
  result.options = o;
  return result;
}

}  // namespace xvrrp::probe
