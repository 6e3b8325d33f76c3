// SPDX-License-Identifier: GPL-2.0-or-later
// Reads the maps xvrrpd pinned under PIN_ROOT/<router_id>/ (abi.h "Pin layout") with
// bpf_obj_get, checking each map's type, key and value size against abi.h and
// xvrrp_meta.abi_version against XVRRP_ABI_VERSION before trusting any value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "control.hpp"
#include "xvrrp/abi.h"

namespace xvrrp::ctl {

/// One xvrrp_counters entry summed over all possible CPUs.
struct CounterSlot {
  unsigned ifindex = 0;  ///< ingress interface, in the daemon's network namespace
  unsigned vrid = 0;     ///< XVRRP_VRID_NOT_OURS: protocol-112 frames passed as not ours
  unsigned family = 0;   ///< XVRRP_AF_INET or XVRRP_AF_INET6
  xvrrp_counters sum{};
};

struct JitterPeer {
  xvrrp_peer_key key{};
  xvrrp_jitter hist{};
};

struct MapSnapshot {
  std::string router_id;
  std::string dir;  ///< PIN_ROOT/<router_id>
  xvrrp_meta meta{};
  unsigned possible_cpus = 0;
  std::vector<CounterSlot> counters;  ///< non-zero entries, by (ifindex, family, vrid)
  std::vector<JitterPeer> jitter;     ///< sorted by (vrid, family, addr)
};

/// Mounts bpffs on XVRRP_BPFFS_MOUNT when nothing of type bpf is mounted there and the pin root
/// lies below it. Throws CtlError if that mount fails.
void ensure_bpffs(const Paths& paths);

/// Throws CtlError naming the missing pin / mismatching field.
MapSnapshot read_pinned_maps(const Paths& paths, const std::string& router_id);

const char* family_name(unsigned family);  ///< "ipv4" / "ipv6"
/// "192.0.2.6" or "2001:db8::1" from a key's addr[] and family.
std::string peer_address(const xvrrp_peer_key& key);

}  // namespace xvrrp::ctl
