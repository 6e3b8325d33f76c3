// SPDX-License-Identifier: GPL-2.0-or-later
// A config::Instance like the article's server-1 ("High Availability on
// Linux: The service IP address, part 2"), parsed by the real parser.
#pragma once

#include <string>

#include "config/config.hpp"

namespace xvrrp::policy::test {

inline config::Instance instance(const std::string& body = "") {
  const std::string text =
      "vrrp_instance VI_1 {\n"
      "  interface eth0\n"
      "  virtual_router_id 100\n"
      "  priority 100\n"
      "  advert_int 1\n"
      "  unicast_src_ip 192.0.2.1\n"
      "  unicast_peer {\n    192.0.2.2\n  }\n"
      "  virtual_ipaddress {\n    198.51.100.1/32 dev dummy0\n  }\n" +
      body + "}\n";
  return config::parse_string(text, "t.conf").instances.at(0);
}

}  // namespace xvrrp::policy::test
