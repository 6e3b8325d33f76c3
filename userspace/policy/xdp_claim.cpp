// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/xdp_claim.hpp"

namespace xvrrp::policy {

XdpClaim decide_xdp_claim(const XdpOccupant& o) {
  if (o.prog_id == 0 || o.prog_name == kXdpDispatcherName) return XdpClaim::Attach;
  // The pin directory is this daemon's router_id, claimed after its owner was found
  // gone: whatever uses those maps was left by that owner.
  if (o.inspected && o.from_stale_pins) return XdpClaim::ReplaceStale;
  if (!o.inspected || !o.xvrrp) return XdpClaim::RefuseForeign;
  // A pid of 0 was never written by a daemon: nothing proves the owner gone.
  if (o.owner_pid == 0 || o.owner_alive) return XdpClaim::RefuseLive;
  return XdpClaim::ReplaceStale;
}

std::string xdp_claim_refusal(const XdpOccupant& o, int ifindex, const std::string& ifname) {
  const std::string where =
      (ifname.empty() ? "ifindex " + std::to_string(ifindex)
                      : ifname + " (ifindex " + std::to_string(ifindex) + ")");
  const std::string prog = "program id " + std::to_string(o.prog_id) +
                           (o.prog_name.empty() ? "" : " \"" + o.prog_name + "\"");
  std::string why;
  if (o.inspected && o.xvrrp) {
    why = "its XDP hook holds the advert filter of another xvrrpd (pid " +
          std::to_string(o.owner_pid) + ", " + prog + "), which is running";
  } else if (!o.inspected) {
    why = "its XDP hook holds " + prog + ", whose owner cannot be read";
  } else {
    why = "its XDP hook holds " + prog + ", which is not xvrrpd's";
  }
  return "cannot attach the XDP advert filter to " + where + ": " + why +
         "; without libxdp's multi-program dispatcher an interface takes one XDP program, "
         "and xvrrpd never replaces one it does not own: run these instances in one xvrrpd, "
         "or start this one with --rx=socket";
}

}  // namespace xvrrp::policy
