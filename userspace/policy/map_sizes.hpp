// SPDX-License-Identifier: GPL-2.0-or-later
// How large the receive path's tables are, from the configuration the daemon
// starts with. Pure.
//
// The BPF maps (include/xvrrp/abi.h) are created once, at start, before the
// program is loaded (bpf_map__set_max_entries), and cannot grow later. So:
//  - per-instance tables (xvrrp_vrid_config, xvrrp_last_seen) hold twice the
//    configured instances, and never fewer than XVRRP_MAX_INSTANCES: a reload
//    that rebuilds every instance keeps the retiring ones until they have
//    handed over (policy::capacity_problem counts both);
//  - xvrrp_counters the same plus XVRRP_COUNTER_ENTRIES - XVRRP_MAX_INSTANCES
//    for the per-interface "not ours" entries;
//  - peer tables (xvrrp_peers, xvrrp_jitter) twice the configured unicast
//    peers, never fewer than XVRRP_MAX_PEERS / XVRRP_MAX_JITTER_PEERS;
//  - xvrrp_vips twice the configured VIPs (virtual_ipaddress and _excluded
//    of every instance), never fewer than XVRRP_MAX_VIPS;
//  - the ring buffer (xvrrp_events) a power of two of at least
//    XVRRP_EVENTS_BYTES that holds two records per configured instance: a
//    burst of every instance changing at once (a peer preempting all of
//    them) fits, twice over.
// More than XVRRP_INSTANCES_LIMIT instances, XVRRP_PEERS_LIMIT peers or
// XVRRP_VIPS_LIMIT VIPs is refused at start with an error naming the limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>

namespace xvrrp::config {
struct Instance;
}

namespace xvrrp::policy {

/// Bytes one xvrrp_advert_event takes in the ring: the record plus the
/// kernel's 8-byte header, rounded up to 8 (BPF_RINGBUF_HDR_SZ, kernel/bpf/ringbuf.c).
std::size_t ring_record_bytes();

struct MapSizes {
  std::uint32_t instances = 0;     ///< max_entries of xvrrp_vrid_config and xvrrp_last_seen
  std::uint32_t counters = 0;      ///< max_entries of xvrrp_counters
  std::uint32_t peers = 0;         ///< max_entries of xvrrp_peers
  std::uint32_t jitter_peers = 0;  ///< max_entries of xvrrp_jitter
  std::uint32_t ring_bytes = 0;    ///< max_entries (size) of xvrrp_events, a power of two
  std::uint32_t vips = 0;          ///< max_entries of xvrrp_vips
  friend bool operator==(const MapSizes&, const MapSizes&) = default;
};

/// The sizes of an unconfigured daemon: the BPF object's compiled-in values.
MapSizes default_map_sizes();

/// Sizes for `instances` configured instances with `peers` unicast peers and
/// `vips` VIPs in all, or the error text naming the limit exceeded.
std::variant<MapSizes, std::string> size_maps(std::size_t instances, std::size_t peers,
                                              std::size_t vips = 0);
/// The same for a configuration's instances, their unicast peers and VIPs.
std::variant<MapSizes, std::string> size_maps(std::span<const config::Instance> instances);

/// Instances whose simultaneous reports the ring holds (one record each).
std::size_t ring_burst_capacity(const MapSizes& sizes);

/// A warning when `instances` changing at once would not fit in the ring
/// (after a reload that added instances; the ring keeps its start-up size).
std::optional<std::string> ring_burst_problem(const MapSizes& sizes, std::size_t instances);

}  // namespace xvrrp::policy
