// SPDX-License-Identifier: GPL-2.0-or-later
// Whose program sits on an interface's XDP hook, and whether this daemon may take the
// hook. Pure: the daemon inspects the hook (bpf/xdp_hook.hpp) and passes what it found.
//
// The kernel holds one XDP program per interface and mode unless libxdp's multi-program
// dispatcher runs there, which several programs share. So, for what is found on the hook:
//  - nothing, or libxdp's dispatcher: attach (libxdp adds this daemon's program to it);
//  - an xvrrpd advert filter whose daemon still runs (its xvrrp_meta record names a live
//    pid, bpf/bpffs.hpp pin_owner): refuse, never replace it;
//  - an xvrrpd advert filter whose daemon is gone (SIGKILL, crash): it would keep passing
//    adverts to a ring nobody reads; remove it and attach. That includes a filter killed
//    between its attach and the binding of its xvrrp_meta record, recognised by its maps:
//    they are the ones this daemon found pinned, ownerless, under its own router_id;
//  - anything else (another program, or one that cannot be inspected): refuse; it is
//    not this daemon's to remove.
#pragma once

#include <cstdint>
#include <string>

namespace xvrrp::policy {

/// What was found on one interface's XDP hook in one mode.
struct XdpOccupant {
  std::uint32_t prog_id = 0;    ///< 0: the hook is free
  std::string prog_name;        ///< bpf_prog_info.name (at most 15 characters)
  bool inspected = false;       ///< its maps could be read (needs CAP_SYS_ADMIN)
  bool xvrrp = false;           ///< an xvrrpd advert filter: named xvrrp_xdp, with xvrrp_meta
  std::uint32_t owner_pid = 0;  ///< xvrrp_meta.daemon_pid, when xvrrp
  bool owner_alive = false;     ///< pin_owner(daemon_pid, started_ns) == Alive, when xvrrp
  /// Named xvrrp_xdp, without xvrrp_meta, and using a map (or pinned as a program) found
  /// in this daemon's own stale pin directory: its daemon died before binding the record.
  bool from_stale_pins = false;
};

enum class XdpClaim {
  Attach,         ///< free, or a dispatcher: attach
  ReplaceStale,   ///< a dead xvrrpd's filter: detach it, then attach
  RefuseLive,     ///< a running xvrrpd's filter
  RefuseForeign,  ///< another program, or one that could not be inspected
};

/// libxdp's dispatcher program name (as bpf_prog_info.name truncates it).
inline constexpr const char* kXdpDispatcherName = "xdp_dispatcher";

XdpClaim decide_xdp_claim(const XdpOccupant& occupant);

/// The error for a refusal, naming the interface, the program and its owner, and what to
/// do instead. `ifname` may be empty (then only the ifindex is named).
std::string xdp_claim_refusal(const XdpOccupant& occupant, int ifindex, const std::string& ifname);

}  // namespace xvrrp::policy
