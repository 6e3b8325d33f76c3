// SPDX-License-Identifier: GPL-2.0-or-later
// BfdFold: the XDP program's record of each BFD session's repeated control packets
// (include/xvrrp/abi.h, xvrrp_bfd). A session registered here has its repeats dropped in
// the kernel with their timestamp kept in the record; its changes, Polls and Finals still
// reach the daemon's UDP socket. The daemon replays the record when the session's
// detection timer expires (BfdRuntime).
//
// The XDP receive path implements it; the defaults (the socket path, or no XDP program on
// the interface the packets arrive on) fold nothing, and every packet reaches the socket.
// Threading: the daemon's event loop only.
#pragma once

#include <cstdint>
#include <optional>

#include "xvrrp/abi.h"

namespace xvrrp::daemon {

class BfdFold {
 public:
  virtual ~BfdFold() = default;
  /// Registers session `discriminator` (bfd.LocalDiscr) with its neighbor, family and
  /// min_ttl (entry's other fields are ignored). False when it cannot be folded (the map is
  /// full, or no XDP program): its packets all reach the socket.
  virtual bool add_bfd_session(std::uint32_t discriminator, const xvrrp_bfd_seen& entry) {
    (void)discriminator;
    (void)entry;
    return false;
  }
  /// Forgets a session registered by add_bfd_session(); nothing when there is none.
  virtual void remove_bfd_session(std::uint32_t discriminator) { (void)discriminator; }
  /// The session's record; nullopt when there is none.
  [[nodiscard]] virtual std::optional<xvrrp_bfd_seen> bfd_seen(std::uint32_t discriminator) const {
    (void)discriminator;
    return std::nullopt;
  }
};

}  // namespace xvrrp::daemon
