// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/map_sizes.hpp"

#include <algorithm>

#include "config/config.hpp"
#include "xvrrp/abi.h"

namespace xvrrp::policy {
namespace {

constexpr std::size_t kRingHeaderBytes = 8;

std::uint64_t next_power_of_two(std::uint64_t v) {
  std::uint64_t p = 1;
  while (p < v) p <<= 1;
  return p;
}

}  // namespace

std::size_t ring_record_bytes() {
  return (sizeof(xvrrp_advert_event) + kRingHeaderBytes + 7) / 8 * 8;
}

MapSizes default_map_sizes() {
  return MapSizes{XVRRP_MAX_INSTANCES,    XVRRP_COUNTER_ENTRIES, XVRRP_MAX_PEERS,
                  XVRRP_MAX_JITTER_PEERS, XVRRP_EVENTS_BYTES,    XVRRP_MAX_VIPS};
}

std::variant<MapSizes, std::string> size_maps(std::size_t instances, std::size_t peers,
                                              std::size_t vips) {
  if (instances > XVRRP_INSTANCES_LIMIT) {
    return std::to_string(instances) + " VRRP instances configured; xvrrpd runs at most " +
           std::to_string(XVRRP_INSTANCES_LIMIT) + " (XVRRP_INSTANCES_LIMIT)";
  }
  if (peers > XVRRP_PEERS_LIMIT) {
    return std::to_string(peers) + " unicast peers configured in all; xvrrpd takes at most " +
           std::to_string(XVRRP_PEERS_LIMIT) + " (XVRRP_PEERS_LIMIT)";
  }
  if (vips > XVRRP_VIPS_LIMIT) {
    return std::to_string(vips) + " VIPs configured in all; xvrrpd takes at most " +
           std::to_string(XVRRP_VIPS_LIMIT) + " (XVRRP_VIPS_LIMIT)";
  }
  MapSizes s = default_map_sizes();
  s.instances = static_cast<std::uint32_t>(std::max<std::size_t>(s.instances, 2 * instances));
  s.counters = s.instances + (XVRRP_COUNTER_ENTRIES - XVRRP_MAX_INSTANCES);
  s.peers = static_cast<std::uint32_t>(std::max<std::size_t>(s.peers, 2 * peers));
  s.jitter_peers = static_cast<std::uint32_t>(std::max<std::size_t>(s.jitter_peers, 2 * peers));
  s.vips = static_cast<std::uint32_t>(std::max<std::size_t>(s.vips, 2 * vips));
  s.ring_bytes = static_cast<std::uint32_t>(std::max<std::uint64_t>(
      s.ring_bytes, next_power_of_two(2 * instances * ring_record_bytes())));
  return s;
}

std::variant<MapSizes, std::string> size_maps(std::span<const config::Instance> instances) {
  std::size_t peers = 0;
  std::size_t vips = 0;
  for (const auto& in : instances) {
    peers += in.unicast_peers.size();
    vips += in.vips.size();
  }
  return size_maps(instances.size(), peers, vips);
}

std::size_t ring_burst_capacity(const MapSizes& sizes) {
  return sizes.ring_bytes / ring_record_bytes();
}

std::optional<std::string> ring_burst_problem(const MapSizes& sizes, std::size_t instances) {
  if (instances <= ring_burst_capacity(sizes)) return std::nullopt;
  return "the advert ring buffer (" + std::to_string(sizes.ring_bytes / 1024) +
         " KiB) holds the reports of " + std::to_string(ring_burst_capacity(sizes)) +
         " instances changing at once, " + std::to_string(instances) +
         " are configured: a burst of all of them loses reports (the daemon resynchronises)";
}

}  // namespace xvrrp::policy
