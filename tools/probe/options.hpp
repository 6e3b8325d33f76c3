// SPDX-License-Identifier: GPL-2.0-or-later
// Command line of xvrrp-probe. Pure: parsing only, no system calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ip_address.hpp"

namespace xvrrp::probe {

struct ProbeOptions {
  IpAddress target;                               // IPv4 only
  std::string iface;                              // empty: taken from the route to target
  std::int64_t interval_ns = 1'000'000;           // --interval MS, 0.01 .. 10000
  std::optional<std::int64_t> duration_ns;        // --duration SECONDS; none: until SIGINT/SIGTERM
  std::int64_t reply_timeout_ns = 1'000'000'000;  // --timeout MS
  std::int64_t arp_interval_ns = 10'000'000;      // --arp-interval MS; 0 disables ARP probing
  bool quiet = false;
  bool json = false;
  std::string svg_file;
  std::string events_file;
};

struct ParseResult {
  std::optional<ProbeOptions> options;  // set when the command line is valid
  bool help = false;                    // --help: print usage, exit 0
  std::string error;                    // one line, set when invalid
};

/// Parses argv[1..]. Accepts "--opt VALUE" and "--opt=VALUE".
ParseResult parse_options(const std::vector<std::string_view>& args);

/// Usage text, ending with a newline.
std::string usage_text();

}  // namespace xvrrp::probe
