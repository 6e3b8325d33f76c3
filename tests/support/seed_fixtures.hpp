// SPDX-License-Identifier: GPL-2.0-or-later
// Test fixtures from the article "High Availability on Linux: The service IP
// address, part 2" (its server-1 keepalived.conf, tests/unit/config/data),
// shared by the packet, BPF and XDP integration tests so they all exercise the
// same advert and the same per-VRID configuration.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include "common/ip_address.hpp"
#include "core/packet.hpp"
#include "xvrrp/abi.h"

namespace xvrrp::test_support {

/// auth_pass "4h[-/BhJbj$vU6>=^]hS.cYt)>8+WaA+" cut to 8 octets, as keepalived does.
inline constexpr std::array<std::uint8_t, 8> kSeedPass = {'4', 'h', '[', '-', '/', 'B', 'h', 'J'};

/// Parses an address literal; throws on a typo in a test.
inline IpAddress ip(const char* text) {
  auto a = IpAddress::parse(text);
  if (!a) throw std::invalid_argument(std::string("bad test address ") + text);
  return *a;
}

/// server-1's advert: VRRPv2, VRID 100, priority 100, advert_int 1, PASS auth,
/// VIP 192.0.2.100.
inline packet::Advert seed_advert() {
  packet::Advert a;
  a.version = 2;
  a.vrid = 100;
  a.priority = 100;
  a.advert_int_cs = 100;
  a.auth_type = XVRRP_AUTH_PASS;
  a.auth_data = kSeedPass;
  a.addrs = {ip("192.0.2.100")};
  return a;
}

/// What xvrrpd programs for the seed's instance: unicast with peers (TTL 255..255,
/// source check), v2, PASS, 1 s.
inline xvrrp_vrid_config seed_vrid_config() {
  xvrrp_vrid_config cfg{};
  cfg.version = 2;
  cfg.auth_type = XVRRP_AUTH_PASS;
  cfg.min_ttl = cfg.max_ttl = 255;
  cfg.advert_int_cs = 100;
  cfg.flags = XVRRP_CFG_UNICAST | XVRRP_CFG_CHECK_PEER;
  std::memcpy(cfg.auth_pass, kSeedPass.data(), sizeof cfg.auth_pass);
  return cfg;
}

}  // namespace xvrrp::test_support
