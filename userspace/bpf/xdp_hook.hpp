// SPDX-License-Identifier: GPL-2.0-or-later
// What holds an interface's XDP hook, read from the kernel: the attached program and,
// when it is an xvrrpd advert filter, its daemon's xvrrp_meta record, read through the
// program's own maps (not the pins: `ip netns exec` gives each daemon a bpffs of its own,
// so another daemon's pins may be out of sight while its program is on the hook).
// Reading another program's maps by id needs CAP_SYS_ADMIN: without it the occupant is
// reported uninspected (policy/xdp_claim.hpp then refuses to touch it).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "policy/xdp_claim.hpp"

namespace xvrrp::bpf {

/// The kernel ids of what a daemon found pinned in its own pin directory before removing
/// it as stale (its owner gone): the maps, and the programs pinned as XVRRP_PIN_PROG_NAME.
struct StalePins {
  std::vector<std::uint32_t> map_ids;
  std::vector<std::uint32_t> prog_ids;
};

/// The ids of the maps and programs pinned (directly) in `dir`; empty when it is not there.
StalePins read_pin_ids(const std::string& dir);

/// The program on `ifindex`'s hook in one mode (xdp_flags: XDP_FLAGS_DRV_MODE or
/// XDP_FLAGS_SKB_MODE); prog_id 0 when there is none or the query fails. `stale` marks an
/// xvrrp_xdp program without xvrrp_meta that uses one of those maps (or is one of those
/// programs) as from_stale_pins.
policy::XdpOccupant xdp_hook_occupant(int ifindex, std::uint32_t xdp_flags,
                                      const StalePins& stale = {});

/// Detaches program `prog_id` from `ifindex`'s hook in that mode, only if it is still the
/// one attached (XDP_FLAGS_REPLACE semantics). Returns 0 or a negative errno.
int xdp_hook_detach(int ifindex, std::uint32_t xdp_flags, std::uint32_t prog_id);

}  // namespace xvrrp::bpf
